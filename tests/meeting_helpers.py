"""Helpers for the meeting-series tests: a series with sensible defaults."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage import meetings
from storage.models.meetings import MeetingSeries
from tests.conftest import ADMIN, TEAM

CHANNEL = "C0MEET0001"
SALES = ["U0SALES001", "U0SALES002"]
MARKETING = ["U0MKTG0001", "U0MKTG0002"]


def make_series(session: Session, name: str = "Weekly sync", **fields: Any) -> MeetingSeries:
    team = fields.pop("team_id", TEAM)
    values: dict[str, Any] = {
        "kind": "weekly",
        "pattern": "weekly",
        "weekday": 0,
        "time": "09:00",
        "timezone": "Europe/Paris",
        "channel": CHANNEL,
        "lead_minutes": 24 * 60,
        "sales": list(SALES),
        "marketing": list(MARKETING),
    }
    values.update(fields)
    series, _ = meetings.save_series(session, team, name, ADMIN, **values)
    return series
