"""A team's prospect questions as lists: a rep's own, the triage queue, lookups by number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Answer, Question, QuestionVote
from storage.questions import LIVE, latest_answers


def mine(
    session: Session, team_id: str, user_id: str, limit: int = 20
) -> list[tuple[Question, Answer | None]]:
    """The person's live questions, newest first, each with its latest answer."""
    rows = list(
        session.exec(
            select(Question)
            .where(
                Question.team_id == team_id,
                Question.asker_id == user_id,
                col(Question.status).in_(LIVE),
            )
            .order_by(col(Question.created_at).desc(), col(Question.id).desc())
            .limit(limit)
        )
    )
    answers = latest_answers(session, [q.id for q in rows if q.id is not None])
    return [(q, answers.get(q.id or 0)) for q in rows]


def unanswered_by_demand(
    session: Session, team_id: str, since: datetime, limit: int = 20
) -> list[tuple[Question, int]]:
    """(question, +1s) of the open questions asked since `since`: the most +1s first, then the
    oldest. Two bounded reads: +1s cast since `since` (a question's +1s come after it), then,
    if the list is short, the oldest open questions nobody +1'd."""
    votes = func.count(col(QuestionVote.id))
    voted = list(
        session.exec(
            select(Question, votes)
            .join(QuestionVote, col(QuestionVote.question_id) == col(Question.id))
            .where(
                QuestionVote.team_id == team_id,
                col(QuestionVote.created_at) >= since,
                Question.team_id == team_id,
                Question.status == "open",
                col(Question.created_at) >= since,
            )
            .group_by(col(Question.id))
            .order_by(votes.desc(), col(Question.created_at), col(Question.id))
            .limit(limit)
        )
    )
    found = [(q, int(n)) for q, n in voted]
    if len(found) < limit:
        nobody = ~select(QuestionVote.id).where(QuestionVote.question_id == Question.id).exists()
        quiet = session.exec(
            select(Question)
            .where(
                Question.team_id == team_id,
                Question.status == "open",
                col(Question.created_at) >= since,
                nobody,
            )
            .order_by(col(Question.created_at), col(Question.id))
            .limit(limit - len(found))
        )
        found += [(q, 0) for q in quiet]
    return found


def texts(session: Session, team_id: str, question_ids: list[int]) -> dict[int, str]:
    """The text of each of these question numbers that exists in the team."""
    if not question_ids:
        return {}
    rows = session.exec(
        select(Question.id, Question.text).where(
            Question.team_id == team_id, col(Question.id).in_(question_ids)
        )
    )
    return {int(i or 0): str(text) for i, text in rows}


def askers_and_voters(session: Session, team_id: str, question_ids: list[int]) -> list[str]:
    """Everyone who asked or +1'd any of these questions, once each, in a stable order."""
    if not question_ids:
        return []
    asked = session.exec(
        select(Question.asker_id).where(
            Question.team_id == team_id, col(Question.id).in_(question_ids)
        )
    )
    voted = session.exec(
        select(QuestionVote.user_id).where(
            QuestionVote.team_id == team_id, col(QuestionVote.question_id).in_(question_ids)
        )
    )
    return sorted(set(asked) | set(voted))
