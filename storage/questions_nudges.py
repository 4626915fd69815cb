"""The reads and the one write of the "still unanswered" reminder: windowed, indexed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import Question, QuestionReminder


def unanswered_between(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[Question]:
    """The team's open, posted, not yet reminded questions created in [since, until), oldest
    first (ix_question_team_created bounds the scan to the window; the reminder by key)."""
    return _open_in_window(
        session, team_id, since, until, col(Question.triage_channel).is_not(None), ~_REMINDED
    )


def reminded_unanswered(
    session: Session, team_id: str, since: datetime, until: datetime
) -> list[Question]:
    """The team's questions created in [since, until) that got their reminder and are still
    open and unanswered, oldest first (the asker's "still open" DM waits on these)."""
    return _open_in_window(session, team_id, since, until, _REMINDED)


_REMINDED = exists().where(col(QuestionReminder.question_id) == col(Question.id))


def _open_in_window(
    session: Session, team_id: str, since: datetime, until: datetime, *also: Any
) -> list[Question]:
    stmt = (
        select(Question)
        .where(
            Question.team_id == team_id,
            col(Question.created_at) >= since,
            col(Question.created_at) < until,
            Question.status == "open",
            col(Question.answered_at).is_(None),
            *also,
        )
        .order_by(col(Question.created_at))
    )
    return list(session.exec(stmt))


def mark_reminded(session: Session, team_id: str, question_ids: list[int], when: datetime) -> None:
    """The reminders went to the outbox: the questions leave the scan. Commits (with whatever
    the caller wrote in this transaction: the reminders themselves)."""
    if question_ids:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        rows = [{"question_id": q, "team_id": team_id, "reminded_at": when} for q in question_ids]
        session.exec(insert(QuestionReminder).values(rows).on_conflict_do_nothing())
    session.commit()
