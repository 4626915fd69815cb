"""Who else heard a question: “I got this too” votes, and merging duplicates into an original."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import Question, QuestionVote
from storage.once import insert_once
from storage.questions import QuestionError, live, lock_live

VOTES = QuestionVote.__table__  # type: ignore[attr-defined]


def voters(session: Session, question_id: int) -> list[str]:
    stmt = select(QuestionVote.user_id).where(QuestionVote.question_id == question_id)
    return list(session.exec(stmt.order_by(col(QuestionVote.id))))


def asked_by_count(session: Session, question_id: int) -> int:
    """The asker plus everyone who got it too."""
    stmt = select(func.count()).where(col(QuestionVote.question_id) == question_id)
    return 1 + int(session.exec(stmt).one())


def _add_vote(session: Session, q: Question, user_id: str) -> bool:
    """Count `user_id` on `q` in the session's transaction; False for the asker or a second vote.

    A second vote (a double click on two workers, or a voter of both questions in a merge) is
    skipped by the insert itself: nothing is rolled back, so the votes written before it stay.
    """
    assert q.id is not None
    if user_id == q.asker_id:
        return False
    values = {"team_id": q.team_id, "question_id": q.id, "user_id": user_id, "created_at": utcnow()}
    _, created = insert_once(session.connection(), VOTES, ("question_id", "user_id"), values)
    return created


def plus_one(
    session: Session, team_id: str, question_id: int, user_id: str, *, commit: bool = True
) -> bool:
    """“I got this too”; False when the user is the asker or already counted (then, when it
    commits, nothing of this transaction is kept). With `commit=False` the caller commits or
    rolls back, e.g. with the record of its follow-up."""
    q = lock_live(session, team_id, question_id)
    counted = _add_vote(session, q, user_id)
    if commit:
        session.commit() if counted else session.rollback()
    return counted


def merge(session: Session, team_id: str, duplicate_id: int, original_id: int) -> Question:
    """Fold a question into an original: its asker and +1s count on the original from now on
    (one transaction: both rows locked and checked live first, the moved votes, both statuses
    and both versions)."""
    original = fold(session, team_id, duplicate_id, original_id, "duplicate")
    session.commit()
    return original


def fold(
    session: Session, team_id: str, question_id: int, original_id: int, status: str
) -> Question:
    """Close a question as `status` ("duplicate", or "resolved" by the original's answer)
    and count its asker and +1s on the original, in the caller's transaction. Both rows are
    locked and checked live first, in one lock order; only an open question is resolved;
    raises QuestionError."""
    if question_id == original_id:
        live(session, team_id, question_id)
        raise QuestionError("same")
    first, second = sorted((question_id, original_id))  # one lock order: no deadlock
    locked = {
        first: lock_live(session, team_id, first),
        second: lock_live(session, team_id, second),
    }
    dup, original = locked[question_id], locked[original_id]
    if status == "resolved" and dup.status != "open":  # an answered question stays answered
        raise QuestionError("answered")
    for user in [dup.asker_id, *voters(session, question_id)]:
        _add_vote(session, original, user)
    dup.status = status
    dup.duplicate_of = original.id
    session.add(dup)
    session.flush()
    return original
