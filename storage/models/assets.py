"""Tables for the asset catalog, asset feedback and content requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow

ASSET_KINDS = (
    "whitepaper",
    "case study",
    "deck",
    "one-pager",
    "video",
    "email",
    "blog",
    "other",
)
FUNNEL_STAGES = ("awareness", "consideration", "decision", "retention")
DEAL_STAGES = (
    "prospecting",
    "discovery",
    "demo",
    "proposal",
    "negotiation",
    "closed won",
    "closed lost",
)
REQUEST_STATUSES = ("submitted", "accepted", "in_progress", "delivered", "declined")
PRIORITIES = ("P1", "P2", "P3")


class Asset(SQLModel, table=True):
    """A marketing asset in the team's catalog; retired assets stay for their history."""

    __table_args__ = (
        Index("ix_asset_team_title", "team_id", "title"),
        # The form submission that added it: a redelivery finds this row (None: made elsewhere).
        Index("ux_asset_source", "team_id", "source_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    source_key: str | None = Field(default=None, max_length=255)
    title: str = Field(max_length=200)
    url: str = Field(max_length=2000)
    kind: str = Field(max_length=16)
    stage: str = Field(max_length=16)
    owner_id: str = Field(max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    retired_at: datetime | None = None


class AssetFeedback(SQLModel, table=True):
    """One rep's rating of an asset (or of something not in the catalog, by name)."""

    __tablename__ = "asset_feedback"
    __table_args__ = (
        UniqueConstraint("team_id", "source_key"),
        Index("ix_asset_feedback_asset", "asset_id", "created_at"),
        Index("ix_asset_feedback_pending", "notified_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    source_key: str = Field(max_length=255)  # the Slack delivery that created it
    asset_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("asset.id"), nullable=True)
    )
    asset_name: str | None = Field(default=None, max_length=200)  # not in the catalog
    user_id: str = Field(max_length=32)
    with_prospect: bool
    rating: int
    deal_stage: str = Field(max_length=16)
    worked: str = Field(default="", sa_column=Column(Text, nullable=False))
    missing: str = Field(default="", sa_column=Column(Text, nullable=False))
    request_id: int | None = None  # the content request whose follow-up filed it
    created_at: datetime = Field(default_factory=utcnow)
    # When the asset owner was told (None: waiting for the hourly batch, or no owner to tell).
    notified_at: datetime | None = None


class ContentRequest(SQLModel, table=True):
    """A rep's request for content, triaged by marketing: submitted → accepted → ... ."""

    __tablename__ = "content_request"
    __table_args__ = (
        UniqueConstraint("team_id", "source_key"),
        Index("ix_content_request_team_status", "team_id", "status"),
        Index("ix_content_request_followup", "status", "delivered_at"),
        Index("ix_content_request_unposted", "posted_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    source_key: str = Field(max_length=255)
    requester_id: str = Field(max_length=32)
    what: str = Field(sa_column=Column(Text, nullable=False))
    why: str = Field(default="", sa_column=Column(Text, nullable=False))
    deal_stage: str | None = Field(default=None, max_length=16)
    desired_date: date | None = None
    question_refs: str = Field(default="", max_length=200)  # "12,15": prospect question numbers
    status: str = Field(default="submitted", max_length=16)
    priority: str | None = Field(default=None, max_length=2)
    owner_id: str | None = Field(default=None, max_length=32)
    expected_date: date | None = None
    decline_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    asset_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("asset.id"), nullable=True)
    )
    version: int = 0  # bumped on every change: keys the in-place updates of the triage post
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    posted_at: datetime | None = None  # when it went to the triage channel
    delivered_at: datetime | None = None
    followup_at: datetime | None = None


class ContentRequestQuestion(SQLModel, table=True):
    """A prospect question a content request answers, beyond the ones its form cites: a
    knowledge gap's request links all of the gap's questions, so the delivered asset reaches
    every rep who asked or +1'd one of them."""

    __tablename__ = "content_request_question"

    team_id: str = Field(max_length=32, index=True)  # every table carries it (workspace delete)
    request_id: int = Field(foreign_key="content_request.id", primary_key=True)
    question_id: int = Field(foreign_key="question.id", primary_key=True)


class ContentRequestVote(SQLModel, table=True):
    """A +1 on a content request: one per person."""

    __tablename__ = "content_request_vote"
    __table_args__ = (UniqueConstraint("request_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    request_id: int = Field(foreign_key="content_request.id")
    user_id: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
