"""Prospect questions, the answers marketing gives them and the reps who heard them too."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from storage import questions_search as search
from storage.clock import utcnow

STAGES = ("awareness", "consideration", "decision", "post-sale")
URGENCIES = ("low", "normal", "high")
# open -> answered; either may become duplicate (merged), resolved (the asker took an existing
# answer for it) or withdrawn (by the asker). Retiring its answer makes an answered one open again.
STATUSES = ("open", "answered", "duplicate", "resolved", "withdrawn")
MAX_TEXT = 3000
# How long an answer stays trusted before its author is asked to verify it again (the answer
# form offers REVIEW_CHOICES; the workspace default is DEFAULT_REVIEW_DAYS).
DEFAULT_REVIEW_DAYS = 90
REVIEW_CHOICES = (30, 60, 90, 180, 365)
# What a rep said about an answer they were shown: it answered their question, or not quite.
VERDICTS = ("answers", "not_quite")


# The partial index's condition, for both dialects (migration 0009 spells it out: migrations
# do not import the models, which change after them).
ANSWERED_ONLY = text("answered_at IS NOT NULL")


class Question(SQLModel, table=True):
    """One question a prospect asked a rep; the full text is kept, posts show it truncated."""

    __table_args__ = (
        # The Slack delivery that created it (trigger or view id): a retry finds this row.
        UniqueConstraint("team_id", "capture_key"),
        Index("ix_question_team_status", "team_id", "status"),
        Index("ix_question_queue", "team_id", "triage_channel"),
        # The digest's, agenda's and Home tab's windowed reads (measured at 1,000,000 rows).
        Index("ix_question_team_created", "team_id", "created_at"),
        # Only answered questions: a new question adds no entry (14 us of a capture's write).
        Index(
            "ix_question_team_answered",
            "team_id",
            "answered_at",
            sqlite_where=ANSWERED_ONLY,
            postgresql_where=ANSWERED_ONLY,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    capture_key: str = Field(max_length=255)
    asker_id: str = Field(max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    prospect: str | None = Field(default=None, max_length=150)
    segment: str | None = Field(default=None, max_length=100)
    stage: str | None = Field(default=None, max_length=16)
    tags: str | None = Field(default=None, max_length=200)
    urgency: str | None = Field(default=None, max_length=8)
    source_channel: str | None = Field(default=None, max_length=32)
    source_ts: str | None = Field(default=None, max_length=32)
    source_permalink: str | None = Field(default=None, max_length=500)
    status: str = Field(default="open", max_length=16)
    duplicate_of: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("question.id"), nullable=True)
    )
    # Where the triage post went (None: still queued until an admin sets a triage channel).
    triage_channel: str | None = Field(default=None, max_length=32)
    # Bumped on every change so each refresh of the triage post has its own outbox key.
    version: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    answered_at: datetime | None = None

    @property
    def time_to_first_answer(self) -> timedelta | None:
        return self.answered_at - self.created_at if self.answered_at else None


class QuestionVote(SQLModel, table=True):
    """“I got this too”: another rep heard the same question (once per person)."""

    __tablename__ = "question_vote"
    __table_args__ = (
        UniqueConstraint("question_id", "user_id"),
        Index("ix_question_vote_team_created", "team_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    question_id: int = Field(foreign_key="question.id")
    user_id: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    """Marketing's answer to a question, with an optional link to an asset, who last verified
    it and when it is due for review again (stale after `review_by`; never shown once retired)."""

    __table_args__ = (
        UniqueConstraint("team_id", "delivery_key"),
        # The review job's read: answers whose review date passed and whose DM is not out yet.
        Index("ix_answer_review", "review_by", "reminded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    question_id: int = Field(foreign_key="question.id", index=True)
    answerer_id: str = Field(max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, max_length=3000)
    delivery_key: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    verified_by: str | None = Field(default=None, max_length=32)
    verified_at: datetime | None = None
    review_days: int = DEFAULT_REVIEW_DAYS
    review_by: datetime | None = None
    # When the review DM for the current review_by was handed to the outbox (None: not yet).
    reminded_at: datetime | None = None
    retired_at: datetime | None = None
    retired_by: str | None = Field(default=None, max_length=32)

    def is_stale(self, now: datetime) -> bool:
        """Past its review date and not verified again since."""
        return self.retired_at is None and self.review_by is not None and self.review_by <= now


class AnswerRating(SQLModel, table=True):
    """A rep's verdict on an answer they were shown for `question_id` (their own new question,
    or the answered one itself from the answer DM): once per (answer, question, person)."""

    __tablename__ = "answer_rating"
    __table_args__ = (
        UniqueConstraint("answer_id", "question_id", "user_id"),
        Index("ix_answer_rating_team_created", "team_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    answer_id: int = Field(foreign_key="answer.id")
    question_id: int = Field(foreign_key="question.id")
    user_id: str = Field(max_length=32)
    verdict: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class QuestionPost(SQLModel, table=True):
    """Where a question's triage post is (channel and ts): finds the question a reply in
    that post's thread is about (the “Use as answer” shortcut)."""

    __tablename__ = "question_post"
    __table_args__ = (UniqueConstraint("team_id", "channel", "ts"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel: str = Field(max_length=64)
    ts: str = Field(max_length=32)
    question_id: int = Field(foreign_key="question.id", index=True)


# Full-text search objects live next to the table on every create_all (tests, tools).
event.listen(Question.__table__, "after_create", search.after_create)  # type: ignore[attr-defined]
event.listen(Question.__table__, "before_drop", search.before_drop)  # type: ignore[attr-defined]


class QuestionReminder(SQLModel, table=True):
    """A question that got its "still unanswered" reminder (bot.questions.nudges): once.

    A table of its own, not a column of `question`: the capture's row and its reads stay as
    they are, and a scan skips reminded questions by primary key."""

    __tablename__ = "question_reminder"

    question_id: int = Field(
        sa_column=Column(Integer, ForeignKey("question.id", ondelete="CASCADE"), primary_key=True)
    )
    team_id: str = Field(max_length=32)
    reminded_at: datetime = Field(default_factory=utcnow)
