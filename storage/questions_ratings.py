"""“This answers it” / “Not quite”: what reps say about the answers they are shown.

A rating is one row per (answer, question, person), written with INSERT … ON CONFLICT DO
NOTHING, so a double click or a retried delivery records it once. “This answers it” on a
suggestion also resolves the rep's new question with that answer (questions_votes.fold).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import AnswerRating
from storage.once import insert_once

RATINGS = AnswerRating.__table__  # type: ignore[attr-defined]


def rate(
    session: Session, team_id: str, answer_id: int, question_id: int, user_id: str, verdict: str
) -> bool:
    """Record `verdict` once per (answer, question, person); False when it was already there
    (the first verdict stands). In the caller's transaction."""
    values = {
        "team_id": team_id, "answer_id": answer_id, "question_id": question_id,
        "user_id": user_id, "verdict": verdict, "created_at": utcnow(),
    }  # fmt: skip
    unique = ("answer_id", "question_id", "user_id")
    _, created = insert_once(session.connection(), RATINGS, unique, values)
    return created


def verdict_of(session: Session, answer_id: int, question_id: int, user_id: str) -> str | None:
    return session.exec(
        select(AnswerRating.verdict).where(
            AnswerRating.answer_id == answer_id,
            AnswerRating.question_id == question_id,
            AnswerRating.user_id == user_id,
        )
    ).first()


def answers_missed(session: Session, team_id: str, since: datetime, until: datetime) -> int:
    """How many answers someone marked “Not quite” in [since, until)."""
    return int(
        session.exec(
            select(func.count(distinct(col(AnswerRating.answer_id)))).where(
                AnswerRating.team_id == team_id,
                AnswerRating.verdict == "not_quite",
                col(AnswerRating.created_at) >= since,
                col(AnswerRating.created_at) < until,
            )
        ).one()
    )
