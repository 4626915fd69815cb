"""Content requests and their +1 votes: create, move through the lifecycle, list the queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import ContentRequest, ContentRequestQuestion, ContentRequestVote, Workspace
from storage.once import add_once, insert_once
from storage.scoring import QueueItem, queue_order

# Which statuses each new status may come from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "accepted": ("submitted",),
    "declined": ("submitted", "accepted", "in_progress"),
    "in_progress": ("accepted",),
    "delivered": ("accepted", "in_progress"),
}
OPEN = ("submitted", "accepted", "in_progress")
VOTES = ContentRequestVote.__table__  # type: ignore[attr-defined]
LINKS = ContentRequestQuestion.__table__  # type: ignore[attr-defined]
RECENTLY_CLOSED = timedelta(days=14)


def create(
    session: Session, team_id: str, source_key: str, requester_id: str, **fields: Any
) -> tuple[ContentRequest, bool]:
    """Record a request once per Slack delivery; returns (row, created)."""
    row = ContentRequest(
        team_id=team_id, source_key=source_key, requester_id=requester_id, **fields
    )
    return add_once(session, row, lambda: by_key(session, team_id, source_key))


def by_key(session: Session, team_id: str, source_key: str) -> ContentRequest | None:
    return session.exec(
        select(ContentRequest).where(
            ContentRequest.team_id == team_id, ContentRequest.source_key == source_key
        )
    ).first()


def get(session: Session, team_id: str, request_id: int) -> ContentRequest | None:
    row = session.get(ContentRequest, request_id, populate_existing=True)
    return row if row is not None and row.team_id == team_id else None


def transition(
    session: Session,
    team_id: str,
    request_id: int,
    status: str,
    *,
    commit: bool = True,
    **fields: Any,
) -> ContentRequest | None:
    """Move a request to `status` if its current status allows it (atomic); None otherwise.
    With `commit=False` the change stays in the caller's transaction."""
    now = utcnow()
    values: dict[str, Any] = {"status": status, "updated_at": now, **fields}
    if status == "delivered":
        values["delivered_at"] = now
    result = session.exec(
        update(ContentRequest)
        .where(
            col(ContentRequest.id) == request_id,
            col(ContentRequest.team_id) == team_id,
            col(ContentRequest.status).in_(TRANSITIONS[status]),
        )
        .values(version=ContentRequest.version + 1, **values)
    )
    if commit:
        session.commit()
    if result.rowcount != 1:
        return None
    return session.get(ContentRequest, request_id, populate_existing=True)


def vote(session: Session, team_id: str, request_id: int, user_id: str) -> bool | None:
    """A +1 from `user_id` and the request's new version, in the caller's transaction (nothing
    is rolled back on a second vote); False when they had already voted, None (nothing
    written) when the request is not open (any more)."""
    this_request = (col(ContentRequest.id) == request_id, col(ContentRequest.team_id) == team_id)
    # The status is checked in SQL, under the row's lock until the caller commits: a decline
    # or delivery committing meanwhile makes this None, and cannot commit before the vote.
    still_open = session.exec(
        update(ContentRequest)
        .where(*this_request, col(ContentRequest.status).in_(OPEN))
        .values(version=ContentRequest.version)
    )
    if not still_open.rowcount:
        return None
    values = {"team_id": team_id, "request_id": request_id, "user_id": user_id,
              "created_at": utcnow()}  # fmt: skip
    _, created = insert_once(session.connection(), VOTES, ("request_id", "user_id"), values)
    if created:
        session.exec(
            update(ContentRequest).where(*this_request).values(version=ContentRequest.version + 1)
        )
    return created


def link_questions(
    session: Session, team_id: str, request_id: int, question_ids: Sequence[int]
) -> None:
    """Link these questions to the request, in the caller's transaction: once each, and a
    link already there (a retried or concurrent follow-up) is left as it is, without error."""
    if not question_ids:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(LINKS).on_conflict_do_nothing(
        index_elements=["request_id", "question_id"]
    )
    rows = [
        {"team_id": team_id, "request_id": request_id, "question_id": q}
        for q in dict.fromkeys(question_ids)
    ]
    session.execute(insert, rows)


def linked_questions(session: Session, request_id: int) -> list[int]:
    """The questions linked to the request beyond its cited numbers (a knowledge gap's)."""
    stmt = (
        select(ContentRequestQuestion.question_id)
        .where(ContentRequestQuestion.request_id == request_id)
        .order_by(col(ContentRequestQuestion.question_id))
    )
    return list(session.exec(stmt))


def voters(session: Session, request_id: int) -> list[str]:
    return list(
        session.exec(
            select(ContentRequestVote.user_id)
            .where(ContentRequestVote.request_id == request_id)
            .order_by(col(ContentRequestVote.id))
        )
    )


def vote_counts(session: Session, request_ids: Sequence[int]) -> dict[int, int]:
    if not request_ids:
        return {}
    rows = session.exec(
        select(ContentRequestVote.request_id, func.count(col(ContentRequestVote.id)))
        .where(col(ContentRequestVote.request_id).in_(list(request_ids)))
        .group_by(col(ContentRequestVote.request_id))
    )
    return dict(rows.all())


def queue(
    session: Session, team_id: str, now: datetime, limit: int = 30
) -> list[tuple[ContentRequest, int]]:
    """Open requests and those closed in the last 14 days, in queue order, with their demand."""
    rows = list(
        session.exec(
            select(ContentRequest).where(
                ContentRequest.team_id == team_id,
                (col(ContentRequest.status).in_(OPEN))
                | (col(ContentRequest.updated_at) >= now - RECENTLY_CLOSED),
            )
        )
    )
    votes = vote_counts(session, [r.id for r in rows if r.id is not None])
    by_id = {r.id: r for r in rows}
    items = [
        QueueItem(r.id, r.status, r.priority, 1 + votes.get(r.id, 0), r.created_at)
        for r in rows
        if r.id is not None
    ]
    return [(by_id[i.request_id], i.demand) for i in queue_order(items)][:limit]


def mine(session: Session, team_id: str, user_id: str, limit: int = 20) -> list[ContentRequest]:
    return list(
        session.exec(
            select(ContentRequest)
            .where(ContentRequest.team_id == team_id, ContentRequest.requester_id == user_id)
            .order_by(col(ContentRequest.created_at).desc(), col(ContentRequest.id).desc())
            .limit(limit)
        )
    )


def due_followups(
    session: Session, now: datetime, after: timedelta, window: timedelta = timedelta(days=60)
) -> list[ContentRequest]:
    """Delivered requests whose follow-up is due: delivered `after` ago, within `window`."""
    return list(
        session.exec(
            select(ContentRequest)
            .where(
                ContentRequest.status == "delivered",
                col(ContentRequest.followup_at).is_(None),
                col(ContentRequest.delivered_at) <= now - after,
                col(ContentRequest.delivered_at) > now - after - window,
            )
            .order_by(col(ContentRequest.id))
        )
    )


def mark_followup(session: Session, request: ContentRequest, when: datetime) -> None:
    request.followup_at = when
    session.add(request)
    session.commit()


def mark_posted(session: Session, request_id: int, when: datetime) -> None:
    row = session.get(ContentRequest, request_id)
    if row is not None and row.posted_at is None:
        row.posted_at = when
        session.add(row)
        session.commit()


def unposted(
    session: Session, now: datetime, window: timedelta = timedelta(days=30)
) -> list[ContentRequest]:
    """Open requests never posted to triage (no channel then) in teams that now have one."""
    return list(
        session.exec(
            select(ContentRequest)
            .join(Workspace, col(Workspace.team_id) == col(ContentRequest.team_id))
            .where(
                col(ContentRequest.posted_at).is_(None),
                col(ContentRequest.created_at) >= now - window,
                col(ContentRequest.status).in_(OPEN),
                col(Workspace.triage_channel).is_not(None),
            )
            .order_by(col(ContentRequest.id))
            .limit(100)
        )
    )


IN_WORK = ("accepted", "in_progress")


def overdue(session: Session, before: date, team_id: str | None = None) -> list[ContentRequest]:
    """Accepted or started requests with an owner whose expected date is before `before`, of
    one team or all (few rows are ever in work)."""
    stmt = select(ContentRequest).where(
        col(ContentRequest.status).in_(IN_WORK),
        col(ContentRequest.expected_date) < before,
        col(ContentRequest.owner_id).is_not(None),
    )
    if team_id is not None:
        stmt = stmt.where(ContentRequest.team_id == team_id)
    return list(session.exec(stmt.order_by(col(ContentRequest.id))))


def move_date(
    session: Session, team_id: str, request_id: int, expected: date, *, commit: bool = True
) -> ContentRequest | None:
    """Give a request in work a new expected date (atomic, bumps its version); None when it is
    no longer in work."""
    result = session.exec(
        update(ContentRequest)
        .where(
            col(ContentRequest.id) == request_id,
            col(ContentRequest.team_id) == team_id,
            col(ContentRequest.status).in_(IN_WORK),
        )
        .values(version=ContentRequest.version + 1, expected_date=expected, updated_at=utcnow())
    )
    if commit:
        session.commit()
    if result.rowcount != 1:
        return None
    return session.get(ContentRequest, request_id, populate_existing=True)
