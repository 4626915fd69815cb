"""Each person's own time (their Slack time zone, cached), their away days, workspace holidays."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class Person(SQLModel, table=True):
    """What Lockstep knows of one member to nudge them at a decent hour: zone, away, deactivated."""

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    tz: str | None = Field(default=None, max_length=64)  # None: unknown (the workspace's zone)
    deleted: bool = False  # deactivated in Slack: never DMed
    fetched_at: datetime | None = None  # the last users.info answer (or failure, with tz None)
    away_from: date | None = None
    away_to: date | None = None  # inclusive
    away_note: str = Field(default="", max_length=200)


class Holiday(SQLModel, table=True):
    """A day the whole workspace is off: no nudges, no agenda for a meeting that falls on it."""

    team_id: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    name: str = Field(default="", max_length=100)
