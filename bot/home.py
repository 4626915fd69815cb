"""What a person's Home tab shows: gathered per role from every feature's storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import permissions
from bot.clock import utcnow
from bot.config import Settings
from storage import workspaces


@dataclass
class HomeSection:
    """A titled list of already-escaped mrkdwn lines (a feature's part of the Home tab)."""

    title: str
    lines: list[str]
    empty: str = "Nothing here yet."
    more: int = 0  # how many lines were left out


@dataclass
class HomeData:
    user_id: str
    roles: set[str]
    sections: list[HomeSection] = field(default_factory=list)

    @property
    def main_role(self) -> str:
        for role in ("admin", "leader", "marketer", "rep"):
            if role in self.roles:
                return role
        return "member"


def collect_home(session: Session, settings: Settings, team_id: str, user_id: str) -> HomeData:
    """The person's roles and every section their roles call for."""
    roles = permissions.roles_for(session, settings, team_id, user_id)
    data = HomeData(user_id=user_id, roles=roles)
    for section in _sections(session, team_id, user_id, data.main_role):
        data.sections.append(section)
    return data


def _sections(session: Session, team_id: str, user_id: str, role: str) -> list[HomeSection]:
    """Each feature's sections for this role (explicit list; features add theirs here)."""
    from bot import home_sections as parts  # the sections import every feature's storage

    now = utcnow()
    zone = ZoneInfo(workspaces.get_or_create(session, team_id).timezone)
    goals = parts.shared_goals(session, team_id, now, zone)
    queue = parts.request_queue(session, team_id, now)
    if role in ("admin", "marketer"):
        triage = parts.question_triage(session, team_id, now, zone)
        scores = parts.asset_scores(session, team_id, now)
        if role == "admin":
            return [triage, queue, goals, parts.next_agendas(session, team_id, now), scores]
        return [triage, queue, scores, goals]
    if role == "leader":
        return [goals, parts.next_agendas(session, team_id, now), queue]
    mine = parts.my_questions(session, team_id, user_id)
    return [mine, parts.my_requests(session, team_id, user_id), goals]


def cap(lines: list[str], limit: int) -> tuple[list[str], int]:
    """At most `limit` lines, and how many were left out."""
    return lines[:limit], max(0, len(lines) - limit)
