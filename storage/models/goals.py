"""Shared goals, their progress history, the weekly digests and the reactions to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class Goal(SQLModel, table=True):
    """A measure both teams share: a target over a period, with a sales and a marketing owner."""

    __table_args__ = (
        UniqueConstraint("team_id", "name"),
        # The form submission that created it: a redelivery finds this row (None: made elsewhere).
        Index("ux_goal_source", "team_id", "source_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    source_key: str | None = Field(default=None, max_length=255)
    name: str = Field(max_length=100)
    unit: str = Field(default="", max_length=30)
    target: float
    current_value: float = 0.0  # the latest update's value (history is in goal_update)
    start_date: date
    end_date: date
    sales_owner: str = Field(max_length=32)
    marketing_owner: str = Field(max_length=32)
    channel: str | None = Field(default=None, max_length=32)  # None: the workspace's digest channel
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    archived: bool = False


class GoalUpdate(SQLModel, table=True):
    """One logged progress step: the value it set, the change, who logged it and when."""

    __tablename__ = "goal_update"
    __table_args__ = (
        Index("ix_goal_update_team_time", "team_id", "created_at"),
        # The Slack delivery that logged it, written with it: a redelivery logs nothing twice.
        Index("ux_goal_update_source", "team_id", "source_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    source_key: str | None = Field(default=None, max_length=255)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    value: float
    delta: float
    note: str = Field(default="", max_length=300)
    user_id: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class Digest(SQLModel, table=True):
    """One weekly digest in one channel, recorded before it is posted; maps reactions to it."""

    __table_args__ = (
        UniqueConstraint("team_id", "channel", "occurrence"),
        Index("ix_digest_message", "team_id", "channel", "ts"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    occurrence: datetime  # the scheduled moment (UTC) this digest is for
    outbox_key: str = Field(max_length=255)
    ts: str | None = Field(default=None, max_length=32)
    chart_status: str = Field(default="pending", max_length=16)  # see goals_digests.claim_chart
    chart_attempts: int = 0
    chart_claimed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class DigestReaction(SQLModel, table=True):
    """Who reacted with what on which digest (a removed reaction deletes its row)."""

    __tablename__ = "digest_reaction"
    __table_args__ = (UniqueConstraint("digest_id", "user_id", "reaction"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    digest_id: int = Field(foreign_key="digest.id", index=True)
    user_id: str = Field(max_length=32)
    reaction: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


SIGNALS = ("help", "risk")  # "I can help" / "I see a risk", chosen per goal on a digest


class GoalSignal(SQLModel, table=True):
    """A reader's signal about one goal of a digest: once per (digest, goal, person, kind)."""

    __tablename__ = "goal_signal"
    __table_args__ = (UniqueConstraint("digest_id", "goal_id", "user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    digest_id: int = Field(foreign_key="digest.id", index=True)
    goal_id: int = Field(foreign_key="goal.id")
    user_id: str = Field(max_length=32)
    kind: str = Field(max_length=8)
    created_at: datetime = Field(default_factory=utcnow)


@dataclass(frozen=True)
class GoalInput:
    """A goal as validated from a form (bot.goals.input): what create and edit write."""

    name: str
    unit: str
    target: float
    start: date
    end: date
    sales_owner: str
    marketing_owner: str
    channel: str | None
