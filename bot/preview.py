"""The next digest and the next agenda, built now without posting (Slack previews, the CLI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import agenda_jobs
from bot.config import Settings
from bot.digest_data import collect
from bot.meeting_schedule import next_meeting
from bot.views.digest import preview_message
from bot.views.meetings import agenda_message
from storage import goals, meetings, workspaces
from storage.models.meetings import MeetingSeries


def digest(session: Session, settings: Settings, team_id: str, now: datetime) -> dict[str, Any]:
    """The digest as it would post at `now` (an ephemeral-ready message)."""
    ws = workspaces.get_or_create(session, team_id, settings.lockstep_timezone)
    data = collect(session, team_id, ZoneInfo(ws.timezone), now, goals.active(session, team_id))
    return preview_message(data)


def next_agenda_of(
    session: Session, series: MeetingSeries, now: datetime
) -> tuple[datetime, dict[str, Any]] | None:
    """The next meeting of `series` and its agenda as it stands, or None when none is coming."""
    meeting = next_meeting(agenda_jobs.trigger_of(series), now, frozenset(series.skip_dates))
    if meeting is None:
        return None
    sections = agenda_jobs.preview_sections(session, series, meeting)
    return meeting, agenda_message(series.name, series.kind, meeting, sections)


def agenda(
    session: Session, team_id: str, name: str, now: datetime
) -> tuple[MeetingSeries | None, tuple[datetime, dict[str, Any]] | None]:
    """(series or None when unknown, its next meeting and agenda or None)."""
    series = meetings.find_series(session, team_id, name)
    if series is None:
        return None, None
    return series, next_agenda_of(session, series, now)
