"""The next agenda of a series, built now without posting (`/agenda preview`, Home, the CLI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.meetings import jobs as agenda_jobs
from bot.meetings.schedule import next_meeting
from bot.meetings.views.agenda import agenda_message
from storage import meetings
from storage.models.meetings import MeetingSeries


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
