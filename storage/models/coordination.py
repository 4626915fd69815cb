"""State the processes share outside the domain: who has a Home tab, who runs the tick."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class HomeViewer(SQLModel, table=True):
    """A person who opened Lockstep's Home tab: their Home is refreshed after they act."""

    __tablename__ = "home_viewer"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    opened_at: datetime = Field(default_factory=utcnow)  # the latest app_home_opened


class Lease(SQLModel, table=True):
    """Work only one process may do at a time (the scheduler's tick): who holds it, until when."""

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    acquired_at: datetime = Field(default_factory=utcnow)  # when this holder took it over
    expires_at: datetime
