"""Server-side role checks for every mutating action."""

from __future__ import annotations

from sqlmodel import Session

from bot.kernel.messages import refusal  # noqa: F401 - handlers call permissions.refusal
from bot.platform.config import Settings
from storage import roles


def roles_for(session: Session, settings: Settings, team_id: str, user_id: str) -> set[str]:
    """A user's roles: those granted in the team, plus admin for LOCKSTEP_ADMINS."""
    held = roles.roles_of(session, team_id, user_id)
    if user_id in settings.admins:
        held.add("admin")
    return held


def allowed(session: Session, settings: Settings, team_id: str, user_id: str, *needed: str) -> bool:
    """True when the user holds one of `needed`; admins may do everything."""
    held = roles_for(session, settings, team_id, user_id)
    return "admin" in held or bool(held.intersection(needed))
