"""The next digest, built now without posting (`/goal preview`, the CLI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.goals.digest_data import collect
from bot.goals.views.digest import preview_message
from bot.platform.config import Settings
from storage import goals, workspaces


def digest(session: Session, settings: Settings, team_id: str, now: datetime) -> dict[str, Any]:
    """The digest as it would post at `now` (an ephemeral-ready message)."""
    ws = workspaces.get_or_create(session, team_id, settings.lockstep_timezone)
    data = collect(session, team_id, ZoneInfo(ws.timezone), now, goals.active(session, team_id))
    return preview_message(data)
