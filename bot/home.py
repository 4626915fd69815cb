"""What a person's Home tab shows: gathered per role from every feature's storage."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from bot import permissions
from bot.clock import utcnow
from bot.config import Settings


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
    if role in ("marketer", "admin"):
        return [
            parts.request_queue(session, team_id, now),
            parts.asset_scores(session, team_id, now),
        ]
    if role == "leader":
        return [parts.request_queue(session, team_id, now)]
    return [parts.my_requests(session, team_id, user_id)]


def cap(lines: list[str], limit: int) -> tuple[list[str], int]:
    """At most `limit` lines, and how many were left out."""
    return lines[:limit], max(0, len(lines) - limit)
