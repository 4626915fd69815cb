"""Knowledge gaps: the last report worked out per team and window, kept to answer at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.clock import utcnow

WINDOWS = (30, 90)  # the report's windows, in days


class GapSnapshot(SQLModel, table=True):
    """The gaps of one team over its last `days` days, as of `computed_at` (JSON: a list of
    gaps, see bot.gaps.model.Gap)."""

    __tablename__ = "gap_snapshot"

    team_id: str = Field(primary_key=True, max_length=32)
    days: int = Field(primary_key=True)
    computed_at: datetime = Field(default_factory=utcnow)
    gaps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
