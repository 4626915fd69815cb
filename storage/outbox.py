"""The outbox table: every post Lockstep makes on its own is a row before it is a message."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from bot.clock import utcnow
from storage.models import OutboxMessage
from storage.once import insert_once

OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


def get_by_key(session: Session, team_id: str, key: str) -> OutboxMessage | None:
    return session.exec(
        select(OutboxMessage).where(OutboxMessage.team_id == team_id, OutboxMessage.key == key)
    ).first()


def enqueue(
    session: Session,
    team_id: str,
    key: str,
    method: str,
    channel: str,
    payload: dict[str, Any],
    not_before: datetime | None = None,
) -> tuple[OutboxMessage, bool]:
    """Record a call under a unique key; returns (row, created). A repeated key is a no-op."""
    message_id, created = record(session.connection(), team_id, key, method, channel, payload,
                                 not_before)  # fmt: skip
    session.commit()
    row = session.get(OutboxMessage, message_id)
    assert row is not None
    return row, created


def record(
    conn: Connection,
    team_id: str,
    key: str,
    method: str,
    channel: str,
    payload: dict[str, Any],
    not_before: datetime | None = None,
) -> tuple[int, bool]:
    """The enqueue write alone, in the caller's transaction: (id, created)."""
    now = utcnow()
    values = {
        "team_id": team_id, "key": key[:255], "method": method, "channel": channel,
        "payload": payload, "status": "pending", "attempts": 0,
        "next_attempt_at": not_before or now, "created_at": now,
    }  # fmt: skip
    return insert_once(conn, OUTBOX, ("team_id", "key"), values)


def claim(session: Session, message_id: int, lease: timedelta) -> OutboxMessage | None:
    """Take a due message for sending; None when another worker has it or it is not due."""
    now = utcnow()
    stmt = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            or_(
                and_(
                    col(OutboxMessage.status) == "pending",
                    col(OutboxMessage.next_attempt_at) <= now,
                ),
                and_(
                    col(OutboxMessage.status) == "sending",
                    col(OutboxMessage.locked_until) < now,
                ),
            ),
        )
        .values(
            status="sending",
            locked_until=now + lease,
            attempts=OutboxMessage.attempts + 1,
        )
    )
    result = session.exec(stmt)
    session.commit()
    if result.rowcount != 1:
        return None
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    return row


def due_ids(session: Session, limit: int = 200) -> list[int]:
    now = utcnow()
    rows = session.exec(
        select(OutboxMessage.id)
        .where(
            or_(
                and_(
                    col(OutboxMessage.status) == "pending",
                    col(OutboxMessage.next_attempt_at) <= now,
                ),
                and_(
                    col(OutboxMessage.status) == "sending",
                    col(OutboxMessage.locked_until) < now,
                ),
            )
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    return [r for r in rows if r is not None]


def _finish(session: Session, message_id: int, **values: Any) -> OutboxMessage:
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    assert row is not None
    for name, value in values.items():
        setattr(row, name, value)
    row.locked_until = None
    session.add(row)
    session.commit()
    return row


def mark_sent(
    session: Session, message_id: int, ts: str | None, channel: str | None
) -> OutboxMessage:
    return _finish(
        session,
        message_id,
        status="sent",
        result_ts=ts,
        result_channel=channel,
        sent_at=utcnow(),
        error=None,
    )


def mark_retry(session: Session, message_id: int, when: datetime, error: str) -> OutboxMessage:
    return _finish(session, message_id, status="pending", next_attempt_at=when, error=error[:255])


def mark_failed(session: Session, message_id: int, error: str) -> OutboxMessage:
    return _finish(session, message_id, status="failed", error=error[:255])


def count_by_status(session: Session, team_id: str | None = None) -> dict[str, int]:
    stmt = select(OutboxMessage.status)
    if team_id:
        stmt = stmt.where(OutboxMessage.team_id == team_id)
    counts: dict[str, int] = {}
    for status in session.exec(stmt):
        counts[status] = counts.get(status, 0) + 1
    return counts
