"""Prospect questions: capture, search, answer, edit and withdraw (+1s and merges: question_votes).

Every function is scoped by team_id; writes commit. Rule violations raise QuestionError with a
short code the handler turns into a friendly message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Exists, String, cast, literal, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage import questions_search as search
from storage.clock import utcnow
from storage.models import Answer, OutboxMessage, Question, Workspace
from storage.models.questions import DEFAULT_REVIEW_DAYS
from storage.once import insert_once

QUESTION = Question.__table__  # type: ignore[attr-defined]
# What a capture may carry besides the text (the modal's fields and the shortcut's source).
CONTEXT_FIELDS = ("prospect", "segment", "stage", "tags", "urgency", "source_channel", "source_ts")

LIVE = ("open", "answered")
FRESH_POOL = 3  # similar_questions ranks this many times the matches it shows


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
    question_id, created = insert_question(session.connection(), team_id, key, asker_id, text,
                                           **context)  # fmt: skip
    session.commit()
    q = session.get(Question, question_id)
    assert q is not None
    return q, created


def insert_question(
    conn: Connection, team_id: str, key: str, asker_id: str, text: str, **context: Any
) -> tuple[int, bool]:
    """The capture write alone, in the caller's transaction: (id, created). A retried
    delivery (same `key`) finds the first row; the ack needs nothing more than the id."""
    now = utcnow()
    values = dict.fromkeys(CONTEXT_FIELDS) | {
        "team_id": team_id, "capture_key": key[:255], "asker_id": asker_id, "text": text,
        "status": "open", "version": 0, "created_at": now, "updated_at": now,
    } | context  # fmt: skip
    return insert_once(conn, QUESTION, ("team_id", "capture_key"), values)


def live(session: Session, team_id: str, question_id: int) -> Question:
    q = get(session, team_id, question_id)
    if q is None:
        raise QuestionError("not_found")
    if q.status not in LIVE:
        raise QuestionError("closed")
    return q


def lock_live(session: Session, team_id: str, question_id: int) -> Question:
    """The question, still live, with its row locked for this transaction and a new version
    (a change to it follows): the status is checked under the lock, so a +1 cannot land on a
    question that a merge running at the same moment is closing. Raises QuestionError."""
    locked = session.exec(
        update(Question)
        .where(
            col(Question.id) == question_id,
            col(Question.team_id) == team_id,
            col(Question.status).in_(LIVE),
        )
        .values(version=Question.version + 1, updated_at=utcnow())
        .returning(col(Question.id))
    ).first()
    if locked is None:
        live(session, team_id, question_id)  # raises not_found or closed
        raise QuestionError("closed")
    q = session.get(Question, question_id, populate_existing=True)
    assert q is not None
    return q


def save(session: Session, q: Question, *, commit: bool = True) -> Question:
    """Write the changes to `q`, whose row lock_live locked and versioned, and commit (with
    `commit` False: flushed in the caller's transaction, which commits it)."""
    q.updated_at = utcnow()
    session.add(q)
    session.commit() if commit else session.flush()
    return q


def bump(session: Session, q: Question) -> int:
    """Write `q`'s changes with a new version in the session's transaction; the version."""
    assert q.id is not None
    q.updated_at = utcnow()
    session.add(q)
    session.flush()
    # Bumped in SQL: two changes at once get two versions, so each refresh of the triage post
    # has its own outbox key (a version read and +1'd here would give both the same one).
    version = session.exec(
        update(Question)
        .where(col(Question.id) == q.id)
        .values(version=Question.version + 1)
        .returning(col(Question.version))
    ).one()[0]
    set_committed_value(q, "version", version)
    return int(version)


def similar_questions(
    session: Session,
    team_id: str,
    text: str,
    limit: int = 3,
    answered_only: bool = False,
    exclude_id: int | None = None,
    index_first: bool = True,
) -> list[tuple[Question, Answer | None]]:
    """The team's questions most like `text` (full-text ranked), each with its latest answer;
    among the best FRESH_POOL × `limit` matches, fresh answers come before stale ones.

    With `index_first`, questions not yet in the search index are indexed first
    (storage.questions_search.index_pending, a write): call it with no write of this session
    pending.
    An ack reads without it (a write may wait on the lock): the background worker indexes.
    """
    if index_first:
        search.index_pending(session.get_bind().engine)
    statuses = ("answered",) if answered_only else LIVE
    # A few more matches than shown, so fresh answers can be ranked before stale ones.
    ids = search.ranked_ids(session, team_id, text, statuses, limit * FRESH_POOL, exclude_id)
    if not ids:
        return []
    rows = {q.id: q for q in session.exec(select(Question).where(col(Question.id).in_(ids)))}
    answers = latest_answers(session, ids)
    found = [(rows[i], answers.get(i)) for i in ids if i in rows]
    now = utcnow()
    # Stable: by match among the fresh, then by match among the stale.
    found.sort(key=lambda row: row[1] is not None and row[1].is_stale(now))
    return found[:limit]


def latest_answers(session: Session, question_ids: list[int]) -> dict[int, Answer]:
    """The current answer of each question that has one: its newest answer row, unless that
    one is retired (then the question has no answer; an older answer it replaced never comes
    back)."""
    found: dict[int, Answer] = {}
    stmt = select(Answer).where(col(Answer.question_id).in_(question_ids)).order_by(col(Answer.id))
    for a in session.exec(stmt):
        found[a.question_id] = a
    return {q: a for q, a in found.items() if a.retired_at is None}


def latest_answer(session: Session, question_id: int) -> Answer | None:
    return latest_answers(session, [question_id]).get(question_id)


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
    review_days: int = DEFAULT_REVIEW_DAYS,
) -> tuple[Answer, bool]:
    """Store an answer once per delivery `key`, verified by its author and due for review
    `review_days` later; the first one sets the time to first answer."""
    existing = answer_by_key(session, team_id, key)
    if existing is not None:
        return existing, False
    # Locked first: a merge or withdrawal committing meanwhile makes this "closed" instead of
    # being overwritten by "answered".
    q = lock_live(session, team_id, question_id)
    now = utcnow()
    row = Answer(
        team_id=team_id,
        question_id=question_id,
        answerer_id=answerer_id,
        text=text,
        link=link,
        delivery_key=key[:255],
        created_at=now,
        verified_by=answerer_id,
        verified_at=now,
        review_days=review_days,
        review_by=now + timedelta(days=review_days),
    )
    session.add(row)
    q.status = "answered"
    q.answered_at = q.answered_at or utcnow()
    try:
        save(session, q)
    except IntegrityError:
        session.rollback()
        again = answer_by_key(session, team_id, key)
        assert again is not None
        return again, False
    return row, True


def _own(
    session: Session, team_id: str, question_id: int, user_id: str, *, lock: bool = True
) -> Question:
    """The asker's live question; locked (lock_live) unless `lock` is False. Raises
    QuestionError (the lock is given back when it is not theirs)."""
    q = lock_live(session, team_id, question_id) if lock else live(session, team_id, question_id)
    if q.asker_id != user_id:
        session.rollback()
        raise QuestionError("not_yours")
    return q


def edit(
    session: Session, team_id: str, question_id: int, user_id: str, text: str, *,
    commit: bool = True,
) -> Question:  # fmt: skip
    """The asker rewords their question (nobody else may). With `commit` False the change is
    written in the caller's transaction, which commits it."""
    q = _own(session, team_id, question_id, user_id, lock=False)
    if q.text == text:  # the same edit again (a redelivery): nothing changes, no new version
        return q
    q = _own(session, team_id, question_id, user_id)  # still live, now under the lock
    q.text = text
    return save(session, q, commit=commit)


def withdraw(
    session: Session, team_id: str, question_id: int, user_id: str, *, commit: bool = True
) -> Question:
    """The asker takes their question back (nobody else may); checked under the row's lock,
    so an answer or merge committing meanwhile is not overwritten. `commit` as for edit."""
    q = _own(session, team_id, question_id, user_id)
    q.status = "withdrawn"
    return save(session, q, commit=commit)


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


def _triage_row(*conditions: Any) -> Exists:
    """EXISTS the question's triage post (outbox key `triage:<id>`) meeting `conditions`."""
    key = literal("triage:") + cast(col(Question.id), String)
    return (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.team_id) == col(Question.team_id),
            col(OutboxMessage.key) == key,
            *conditions,
        )
        .exists()
    )


def closed_before_triage(session: Session, limit: int = 50) -> list[Question]:
    """Questions closed (merged, withdrawn, resolved) before they counted as triaged, whose
    triage post the outbox has sent since: it shows them as they were when it was recorded."""
    sent = _triage_row(col(OutboxMessage.status) == "sent")
    stmt = (
        select(Question)
        .where(
            col(Question.triage_channel).is_(None),
            col(Question.status).not_in(LIVE),
            sent,
        )
        .order_by(col(Question.id))
        .limit(limit)
    )
    return list(session.exec(stmt))


def queued(session: Session, limit: int = 50) -> list[Question]:
    """Live questions still waiting for a triage post in teams that now have a channel; not
    those whose post to that very channel failed for good (they wait for an admin, and must
    not hold up the others)."""
    failed_there = _triage_row(
        col(OutboxMessage.status) == "failed",
        col(OutboxMessage.channel) == col(Workspace.triage_channel),
    )
    stmt = (
        select(Question)
        .join(Workspace, col(Workspace.team_id) == col(Question.team_id))
        .where(
            col(Workspace.triage_channel).is_not(None),
            col(Question.triage_channel).is_(None),
            col(Question.status).in_(LIVE),
            ~failed_there,
        )
        .order_by(col(Question.id))
        .limit(limit)
    )
    return list(session.exec(stmt))
