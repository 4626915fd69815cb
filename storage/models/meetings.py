"""Meeting series, their posted agendas, member topics, votes, action items and voice turns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow

KINDS = ("weekly", "brainstorm", "quarterly", "custom")
PATTERNS = ("weekly", "nth_weekday", "day_of_month", "cron")


class MeetingSeries(SQLModel, table=True):
    """A recurring cross-team meeting whose agenda Lockstep builds and posts."""

    __tablename__ = "meeting_series"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=80)
    kind: str = Field(default="weekly", max_length=16)
    pattern: str = Field(default="weekly", max_length=16)
    weekday: int = 0  # Monday; for weekly and nth_weekday
    nth: int = 1  # 1..4, or -1 for the last; for nth_weekday
    day: int = 1  # 1..31; for day_of_month
    time: str = Field(default="09:00", max_length=5)
    cron: str | None = Field(default=None, max_length=120)
    timezone: str = Field(default="UTC", max_length=64)
    channel: str = Field(max_length=32)
    lead_minutes: int = 24 * 60
    sales: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    marketing: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skip_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    paused: bool = False
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class MeetingTopic(SQLModel, table=True):
    """A topic a member wants on the agenda; ranked by votes until discussed."""

    __tablename__ = "meeting_topic"
    __table_args__ = (Index("ix_meeting_topic_open", "series_id", "discussed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    series_id: int = Field(foreign_key="meeting_series.id")
    text: str = Field(max_length=300)
    added_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    discussed_at: datetime | None = None


class TopicVote(SQLModel, table=True):
    """One person's vote for a topic (once per person)."""

    __tablename__ = "meeting_topic_vote"
    __table_args__ = (UniqueConstraint("topic_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    topic_id: int = Field(foreign_key="meeting_topic.id")
    user_id: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class PostedAgenda(SQLModel, table=True):
    """The agenda of one meeting of a series: built once, posted once, updated in place."""

    __tablename__ = "meeting_agenda"
    __table_args__ = (UniqueConstraint("series_id", "meeting_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    series_id: int = Field(foreign_key="meeting_series.id")
    meeting_at: datetime
    channel: str = Field(max_length=32)
    ts: str | None = Field(default=None, max_length=32)
    revision: int = 0  # bumped on every change; part of the chat.update outbox key
    sections: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow)


class AgendaItem(SQLModel, table=True):
    """A line of a posted agenda people act on: a topic, a carried item or an action item."""

    __tablename__ = "meeting_agenda_item"
    __table_args__ = (Index("ix_meeting_agenda_item_agenda", "agenda_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    agenda_id: int = Field(foreign_key="meeting_agenda.id")
    section: str = Field(max_length=16)  # topics | carried | actions
    kind: str = Field(max_length=16)  # topic | action | note
    ref_id: int | None = None
    text: str = Field(max_length=300)
    position: int = 0
    discussed_at: datetime | None = None
    discussed_by: str | None = Field(default=None, max_length=32)


class ActionItem(SQLModel, table=True):
    """Something someone must do after a meeting; on every agenda until done."""

    __tablename__ = "meeting_action_item"
    __table_args__ = (Index("ix_meeting_action_open", "series_id", "done_at"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    series_id: int = Field(foreign_key="meeting_series.id")
    agenda_id: int | None = Field(default=None, foreign_key="meeting_agenda.id")
    text: str = Field(max_length=300)
    owner: str = Field(max_length=32)
    due: date
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None
    done_by: str | None = Field(default=None, max_length=32)


class VoiceTurn(SQLModel, table=True):
    """Who was invited to share a view at which meeting (drives the fair rotation)."""

    __tablename__ = "meeting_voice_turn"
    __table_args__ = (UniqueConstraint("agenda_id", "side"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    series_id: int = Field(foreign_key="meeting_series.id", index=True)
    agenda_id: int = Field(foreign_key="meeting_agenda.id")
    side: str = Field(max_length=16)  # sales | marketing
    user_id: str = Field(max_length=32)
    asked_at: datetime
