"""Tables every feature shares: workspaces, roles, delivery receipts and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow

ROLES = ("admin", "leader", "marketer", "rep")


class Workspace(SQLModel, table=True):
    """Per-team settings an admin changes with `/lockstep config`."""

    team_id: str = Field(primary_key=True, max_length=32)
    timezone: str = Field(default="UTC", max_length=64)
    triage_channel: str | None = Field(default=None, max_length=32)
    digest_channel: str | None = Field(default=None, max_length=32)
    digest_weekday: int = Field(default=0)  # Monday
    digest_time: str = Field(default="09:00", max_length=5)
    # The answer form's default review period, in days (storage.models.questions.REVIEW_CHOICES).
    answer_review_days: int = Field(default=90)
    # Working hours (local to each person) in which Lockstep DMs on its own; ISO weekdays 1-7.
    work_start: str = Field(default="09:00", max_length=5)
    work_end: str = Field(default="18:00", max_length=5)
    work_days: str = Field(default="12345", max_length=7)
    # Nudges (`/lockstep config nudges`): each kind can be turned off.
    nudge_goals: bool = True
    nudge_goal_hours: int = 24  # hours before the digest
    nudge_questions: bool = True
    nudge_question_hours: int = 24  # working hours a question may stay unanswered
    nudge_requests: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class RoleAssignment(SQLModel, table=True):
    """A user's role in a team; a user may hold several."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    user_id: str = Field(max_length=32)
    role: str = Field(max_length=16)
    granted_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class Receipt(SQLModel, table=True):
    """An inbound Slack delivery already handled (event id, trigger id, view id...)."""

    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class OutboxMessage(SQLModel, table=True):
    """A Web API call Lockstep makes on its own: recorded before sending, marked after."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=255)
    method: str = Field(max_length=64)
    channel: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None
    result_ts: str | None = Field(default=None, max_length=32)
    result_channel: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
