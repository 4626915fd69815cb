"""What a person's Home tab shows: gathered per role from every feature's storage."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.home import sections as parts
from bot.home.tab import HomeData, HomeSection
from bot.platform import permissions
from bot.platform.config import Settings
from storage import workspaces
from storage.clock import utcnow


def collect_home(session: Session, settings: Settings, team_id: str, user_id: str) -> HomeData:
    """The person's roles and every section their roles call for."""
    roles = permissions.roles_for(session, settings, team_id, user_id)
    data = HomeData(user_id=user_id, roles=roles)
    for section in _sections(session, team_id, user_id, data.main_role):
        data.sections.append(section)
    return data


def _sections(session: Session, team_id: str, user_id: str, role: str) -> list[HomeSection]:
    """Each feature's sections for this role (explicit list; features add theirs here)."""
    now = utcnow()
    zone = ZoneInfo(workspaces.get_or_create(session, team_id).timezone)
    waiting = parts.waiting_on_you(session, team_id, user_id, now, zone)
    goals = parts.shared_goals(session, team_id, now, zone, signals=role in ("admin", "leader"))
    queue = parts.request_queue(session, team_id, now)
    if role in ("admin", "marketer"):
        triage = parts.question_triage(session, team_id, now, zone)
        scores = parts.asset_scores(session, team_id, now)
        gaps = parts.knowledge_gaps(session, team_id)
        if role == "admin":
            agendas = parts.next_agendas(session, team_id, now)
            return [waiting, triage, gaps, queue, goals, agendas, scores]
        return [waiting, triage, gaps, queue, scores, goals]
    if role == "leader":
        return [waiting, goals, parts.next_agendas(session, team_id, now), queue]
    mine = parts.my_questions(session, team_id, user_id)
    return [waiting, mine, parts.my_requests(session, team_id, user_id), goals]
