"""Keeping answers true: who verified an answer, when it is due for review, retiring it.

An answer is stale once its `review_by` passed. The review job finds stale answers whose DM is
not out yet (`due`), and the author's (or a marketer's) click verifies or retires it. Every
change is a conditional UPDATE, so a double click or a retried delivery changes nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import Answer, Question
from storage.questions import bump, latest_answer


def review_date(verified_at: datetime, days: int) -> datetime:
    return verified_at + timedelta(days=days)


def get(session: Session, team_id: str, answer_id: int) -> Answer | None:
    a = session.get(Answer, answer_id)
    return a if a is not None and a.team_id == team_id else None


def _current() -> Any:
    """No later answer to the same question: the answer shown for it."""
    later = aliased(Answer)
    return ~(
        select(later.id)
        .where(col(later.question_id) == col(Answer.question_id), col(later.id) > col(Answer.id))
        .exists()
    )


def stale_count(session: Session, team_id: str, now: datetime) -> int:
    """How many of the team's answered questions show an answer past its review date."""
    stmt = (
        select(func.count(col(Answer.id)))
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(
            Answer.team_id == team_id,
            col(Answer.review_by) <= now,
            col(Answer.retired_at).is_(None),
            Question.status == "answered",
            _current(),
        )
    )
    return int(session.exec(stmt).one())


def due(session: Session, now: datetime, limit: int = 200) -> list[tuple[Answer, Question]]:
    """Answers past their review date whose review DM is not out yet: each the current answer
    (no later one) of a question that is still answered, oldest due first."""
    stmt = (
        select(Answer, Question)
        .join(Question, col(Question.id) == col(Answer.question_id))
        .where(
            col(Answer.review_by) <= now,
            col(Answer.reminded_at).is_(None),
            col(Answer.retired_at).is_(None),
            Question.status == "answered",
            _current(),
        )
        .order_by(col(Answer.review_by), col(Answer.id))
        .limit(limit)
    )
    return [(a, q) for a, q in session.exec(stmt)]


def mark_reminded(session: Session, answer_id: int, review_by: datetime, now: datetime) -> None:
    """The review DM for this review date is in the outbox (a later verification clears it)."""
    session.exec(
        update(Answer)
        .where(col(Answer.id) == answer_id, col(Answer.review_by) == review_by)
        .values(reminded_at=now)
    )
    session.commit()


def verify(session: Session, team_id: str, answer_id: int, user_id: str, seen: datetime) -> bool:
    """“Still true”: verified by `user_id` now, due again after the answer's review period.
    Only when its review date is still the one `seen` on the button (a second click, or a
    click on an older DM, changes nothing) and it is not retired. In the caller's transaction."""
    a = get(session, team_id, answer_id)
    if a is None:
        return False
    now = utcnow()
    changed = session.exec(
        update(Answer)
        .where(
            col(Answer.id) == answer_id,
            col(Answer.review_by) == seen,
            col(Answer.retired_at).is_(None),
        )
        .values(
            verified_by=user_id,
            verified_at=now,
            review_by=review_date(now, a.review_days),
            reminded_at=None,
        )
    )
    return bool(changed.rowcount)


def retire(session: Session, team_id: str, answer_id: int, user_id: str) -> Question | None:
    """“Retire”: never shown again; when it was the question's answer, the question is open
    again (back to triage) with a new version. None when it was already retired. In the
    caller's transaction."""
    a = get(session, team_id, answer_id)
    if a is None:
        return None
    changed = session.exec(
        update(Answer)
        .where(col(Answer.id) == answer_id, col(Answer.retired_at).is_(None))
        .values(retired_at=utcnow(), retired_by=user_id)
    )
    if not changed.rowcount:
        return None
    # Read under the row's lock, so a merge or new answer committing meanwhile is seen, not
    # overwritten by "open" (PostgreSQL: FOR UPDATE; SQLite: the write above holds the lock).
    q = session.exec(
        select(Question)
        .where(col(Question.id) == a.question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if q.status == "answered" and latest_answer(session, a.question_id) is None:
        q.status = "open"
        bump(session, q)
    return q
