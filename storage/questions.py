"""Prospect questions: capture, search, +1, answer, merge, edit and withdraw.

Every function is scoped by team_id; writes commit. Rule violations raise QuestionError with a
short code the handler turns into a friendly message.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.clock import utcnow
from storage import search
from storage.models import Answer, Question, QuestionVote, Workspace

LIVE = ("open", "answered")


class QuestionError(Exception):
    """A rule said no: `code` is one of not_found, not_yours, closed, same."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def get(session: Session, team_id: str, question_id: int) -> Question | None:
    q = session.get(Question, question_id)
    return q if q is not None and q.team_id == team_id else None


def by_capture_key(session: Session, team_id: str, key: str) -> Question | None:
    return session.exec(
        select(Question).where(Question.team_id == team_id, Question.capture_key == key)
    ).first()


def capture(
    session: Session, team_id: str, key: str, asker_id: str, text: str, **context: Any
) -> tuple[Question, bool]:
    """Store a question once per Slack delivery `key`; returns (question, created)."""
    existing = by_capture_key(session, team_id, key)
    if existing is not None:
        return existing, False
    q = Question(team_id=team_id, capture_key=key[:255], asker_id=asker_id, text=text, **context)
    session.add(q)
    try:
        session.commit()
    except IntegrityError:  # the same delivery, handled concurrently by another worker
        session.rollback()
        again = by_capture_key(session, team_id, key)
        assert again is not None
        return again, False
    return q, True


def _live(session: Session, team_id: str, question_id: int) -> Question:
    q = get(session, team_id, question_id)
    if q is None:
        raise QuestionError("not_found")
    if q.status not in LIVE:
        raise QuestionError("closed")
    return q


def _touch(session: Session, q: Question) -> Question:
    q.version += 1
    q.updated_at = utcnow()
    session.add(q)
    session.commit()
    return q


def similar_questions(
    session: Session,
    team_id: str,
    text: str,
    limit: int = 3,
    answered_only: bool = False,
    exclude_id: int | None = None,
) -> list[tuple[Question, Answer | None]]:
    """The team's questions most like `text` (full-text ranked), each with its latest answer."""
    statuses = ("answered",) if answered_only else LIVE
    ids = search.ranked_ids(session, team_id, text, statuses, limit, exclude_id)
    if not ids:
        return []
    rows = {q.id: q for q in session.exec(select(Question).where(col(Question.id).in_(ids)))}
    answers = latest_answers(session, ids)
    return [(rows[i], answers.get(i)) for i in ids if i in rows]


def latest_answers(session: Session, question_ids: list[int]) -> dict[int, Answer]:
    """The most recent answer of each question that has one."""
    found: dict[int, Answer] = {}
    stmt = select(Answer).where(col(Answer.question_id).in_(question_ids)).order_by(col(Answer.id))
    for a in session.exec(stmt):
        found[a.question_id] = a
    return found


def latest_answer(session: Session, question_id: int) -> Answer | None:
    return latest_answers(session, [question_id]).get(question_id)


def voters(session: Session, question_id: int) -> list[str]:
    stmt = select(QuestionVote.user_id).where(QuestionVote.question_id == question_id)
    return list(session.exec(stmt.order_by(col(QuestionVote.id))))


def asked_by_count(session: Session, question_id: int) -> int:
    """The asker plus everyone who got it too."""
    stmt = select(func.count()).where(col(QuestionVote.question_id) == question_id)
    return 1 + int(session.exec(stmt).one())


def _add_vote(session: Session, q: Question, user_id: str) -> bool:
    assert q.id is not None
    if user_id == q.asker_id or user_id in voters(session, q.id):
        return False
    session.add(QuestionVote(team_id=q.team_id, question_id=q.id, user_id=user_id))
    try:
        session.flush()
    except IntegrityError:  # a double click handled by two workers
        session.rollback()
        return False
    return True


def plus_one(session: Session, team_id: str, question_id: int, user_id: str) -> bool:
    """“I got this too”; False when the user is the asker or already counted."""
    q = _live(session, team_id, question_id)
    if not _add_vote(session, q, user_id):
        return False
    _touch(session, q)
    return True


def answer_by_key(session: Session, team_id: str, key: str) -> Answer | None:
    return session.exec(
        select(Answer).where(Answer.team_id == team_id, Answer.delivery_key == key)
    ).first()


def answer(
    session: Session,
    team_id: str,
    question_id: int,
    answerer_id: str,
    text: str,
    link: str | None,
    key: str,
) -> tuple[Answer, bool]:
    """Store an answer once per delivery `key`; the first one sets the time to first answer."""
    existing = answer_by_key(session, team_id, key)
    if existing is not None:
        return existing, False
    q = _live(session, team_id, question_id)
    row = Answer(
        team_id=team_id,
        question_id=question_id,
        answerer_id=answerer_id,
        text=text,
        link=link,
        delivery_key=key[:255],
    )
    session.add(row)
    q.status = "answered"
    q.answered_at = q.answered_at or utcnow()
    try:
        _touch(session, q)
    except IntegrityError:
        session.rollback()
        again = answer_by_key(session, team_id, key)
        assert again is not None
        return again, False
    return row, True


def merge(session: Session, team_id: str, duplicate_id: int, original_id: int) -> Question:
    """Fold a question into an original: its asker and +1s count on the original from now on."""
    dup = _live(session, team_id, duplicate_id)
    original = _live(session, team_id, original_id)
    if dup.id == original.id:
        raise QuestionError("same")
    for user in [dup.asker_id, *voters(session, duplicate_id)]:
        _add_vote(session, original, user)
    dup.status = "duplicate"
    dup.duplicate_of = original.id
    _touch(session, dup)
    return _touch(session, original)


def _own(session: Session, team_id: str, question_id: int, user_id: str) -> Question:
    q = _live(session, team_id, question_id)
    if q.asker_id != user_id:
        raise QuestionError("not_yours")
    return q


def edit(session: Session, team_id: str, question_id: int, user_id: str, text: str) -> Question:
    """The asker rewords their question (nobody else may)."""
    q = _own(session, team_id, question_id, user_id)
    q.text = text
    return _touch(session, q)


def withdraw(session: Session, team_id: str, question_id: int, user_id: str) -> Question:
    """The asker takes their question back (nobody else may)."""
    q = _own(session, team_id, question_id, user_id)
    q.status = "withdrawn"
    return _touch(session, q)


def set_source_permalink(session: Session, question_id: int, permalink: str) -> None:
    q = session.get(Question, question_id)
    if q is not None:
        q.source_permalink = permalink[:500]
        session.add(q)
        session.commit()


def mark_triaged(session: Session, question_id: int, channel: str) -> None:
    q = session.get(Question, question_id)
    if q is not None and q.triage_channel is None:
        q.triage_channel = channel
        session.add(q)
        session.commit()


def queued(session: Session, limit: int = 50) -> list[Question]:
    """Live questions still waiting for a triage post in teams that now have a channel."""
    stmt = (
        select(Question)
        .join(Workspace, col(Workspace.team_id) == col(Question.team_id))
        .where(
            col(Workspace.triage_channel).is_not(None),
            col(Question.triage_channel).is_(None),
            col(Question.status).in_(LIVE),
        )
        .order_by(col(Question.id))
        .limit(limit)
    )
    return list(session.exec(stmt))
