"""The outbox table: every post Lockstep makes on its own is a row before it is a message."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.clock import utcnow
from storage.models import OutboxMessage
from storage.once import insert_once

OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


def get_by_key(session: Session, team_id: str, key: str) -> OutboxMessage | None:
    return session.exec(
        select(OutboxMessage).where(OutboxMessage.team_id == team_id, OutboxMessage.key == key)
    ).first()


def existing_keys(session: Session, team_id: str, keys: list[str]) -> set[str]:
    """Which of `keys` the team's outbox already holds (one indexed select per 500 keys)."""
    return set(by_keys(session, team_id, keys))


def by_keys(session: Session, team_id: str, keys: list[str]) -> dict[str, OutboxMessage]:
    """The team's rows under `keys`, by key (one indexed select per 500 keys)."""
    found: dict[str, OutboxMessage] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        stmt = select(OutboxMessage).where(
            OutboxMessage.team_id == team_id, col(OutboxMessage.key).in_(chunk)
        )
        found.update((row.key, row) for row in session.exec(stmt))
    return found


def enqueue(
    session: Session,
    team_id: str,
    key: str,
    method: str,
    channel: str,
    payload: dict[str, Any],
    not_before: datetime | None = None,
    claimed_for: timedelta | None = None,
) -> tuple[OutboxMessage, bool]:
    """Record a call under a unique key; returns (row, created). A repeated key is a no-op.

    With `claimed_for`, a new row is born claimed by the caller for that long (its first
    attempt), so no other worker can take it before the caller sends it."""
    message_id, created = record(session.connection(), team_id, key, method, channel, payload,
                                 not_before, claimed_for)  # fmt: skip
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
    claimed_for: timedelta | None = None,
) -> tuple[int, bool]:
    """The enqueue write alone, in the caller's transaction: (id, created)."""
    now = utcnow()
    values = {
        "team_id": team_id, "key": key[:255], "method": method, "channel": channel,
        "payload": payload, "status": "pending", "attempts": 0,
        "next_attempt_at": not_before or now, "created_at": now, "locked_until": None,
    }  # fmt: skip
    if claimed_for is not None:
        values.update(status="sending", attempts=1, locked_until=now + claimed_for)
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


def retake(session: Session, message_id: int, key: str, lease: timedelta) -> OutboxMessage | None:
    """Renew the lease of a row this process recorded already claimed (its first attempt),
    while that claim is still unexpired and untaken; None when it is not ours any more."""
    now = utcnow()
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.key) == key[:255],
            col(OutboxMessage.status) == "sending",
            col(OutboxMessage.attempts) == 1,
            col(OutboxMessage.locked_until) > now,
        )
        .values(locked_until=now + lease)
    )
    session.commit()
    if result.rowcount != 1:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def newer_update_exists(session: Session, row: OutboxMessage) -> bool:
    """Whether a later `chat.update` of the same message was recorded (keys `<message>:<n>`):
    then this older one must not be sent after it."""
    base = row.key.rsplit(":", 1)[0].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = session.exec(
        select(OutboxMessage.id).where(
            col(OutboxMessage.team_id) == row.team_id,
            col(OutboxMessage.method) == "chat.update",
            col(OutboxMessage.key).like(base + ":%", escape="\\"),
            col(OutboxMessage.id) > row.id,
        )
    ).first()
    return found is not None


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


def _finish(session: Session, row: OutboxMessage, **values: Any) -> OutboxMessage:
    """End this claim of `row`: written only while the claim is still ours (fenced on the
    attempt it made and the lease it took), so a worker whose lease ran out cannot overwrite
    the next one's result."""
    result = session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == row.id,
            col(OutboxMessage.status) == "sending",
            col(OutboxMessage.attempts) == row.attempts,
            col(OutboxMessage.locked_until) == row.locked_until,
        )
        .values(locked_until=None, **values)
    )
    session.commit()
    fresh = session.get(OutboxMessage, row.id, populate_existing=True)
    assert fresh is not None
    if result.rowcount != 1:
        raise LostClaim(f"outbox {row.id}: its lease ran out and another worker took it")
    return fresh


class LostClaim(RuntimeError):
    """A worker tried to finish a row that is no longer its own."""


def mark_sent(
    session: Session, row: OutboxMessage, ts: str | None, channel: str | None
) -> OutboxMessage:
    return _finish(
        session, row, status="sent", result_ts=ts, result_channel=channel, sent_at=utcnow(),
        error=None,
    )  # fmt: skip


def mark_retry(session: Session, row: OutboxMessage, when: datetime, error: str) -> OutboxMessage:
    return _finish(session, row, status="pending", next_attempt_at=when, error=error[:255])


def mark_superseded(session: Session, row: OutboxMessage) -> OutboxMessage:
    """Not sent, and never to be: a newer row does its work (e.g. a later chat.update)."""
    return _finish(session, row, status="superseded", error=None)


def mark_failed(session: Session, row: OutboxMessage, error: str) -> OutboxMessage:
    return _finish(session, row, status="failed", error=error[:255])


def pause_row(session: Session, row: OutboxMessage, when: datetime, error: str) -> OutboxMessage:
    """Try again at `when` without counting this attempt (rate limited, or not ours to run)."""
    return _finish(
        session, row, status="pending", next_attempt_at=when, error=error[:255],
        attempts=OutboxMessage.attempts - 1,
    )  # fmt: skip


PAUSED = "paused: "


def pause_team(session: Session, row: OutboxMessage, until: datetime, error: str) -> OutboxMessage:
    """The workspace's token no longer works: this row and every pending row of its team wait
    until `until` (or a restart, see `resume_paused`); the attempt does not count."""
    reason = (PAUSED + error)[:255]
    session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.team_id) == row.team_id,
            col(OutboxMessage.status) == "pending",
            col(OutboxMessage.next_attempt_at) < until,
        )
        .values(next_attempt_at=until, error=reason)
    )
    return _finish(
        session, row, status="pending", next_attempt_at=until, error=reason,
        attempts=OutboxMessage.attempts - 1,
    )  # fmt: skip


def resume_paused(session: Session, team_id: str | None = None) -> int:
    """Make rows paused for a bad token due now (a restart may bring a new token; a reinstall,
    a new token for its own workspace: `team_id`)."""
    stmt = update(OutboxMessage).where(
        col(OutboxMessage.status) == "pending", col(OutboxMessage.error).startswith(PAUSED)
    )
    if team_id is not None:
        stmt = stmt.where(col(OutboxMessage.team_id) == team_id)
    result = session.exec(stmt.values(next_attempt_at=utcnow()))
    session.commit()
    return int(result.rowcount or 0)


def listed(
    session: Session, status: str | None = None, team_id: str | None = None, limit: int = 50
) -> list[OutboxMessage]:
    """The newest rows, optionally of one status and team (`lockstep outbox list`)."""
    stmt = select(OutboxMessage)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    if team_id:
        stmt = stmt.where(OutboxMessage.team_id == team_id)
    return list(session.exec(stmt.order_by(col(OutboxMessage.id).desc()).limit(limit)))


def retry_failed(session: Session, ids: list[int] | None = None) -> int:
    """Give failed rows (these, or all) a fresh start: pending now, attempts from zero."""
    stmt = update(OutboxMessage).where(col(OutboxMessage.status) == "failed")
    if ids is not None:
        stmt = stmt.where(col(OutboxMessage.id).in_(ids))
    result = session.exec(
        stmt.values(status="pending", attempts=0, next_attempt_at=utcnow(), error=None)
    )
    session.commit()
    return int(result.rowcount or 0)


def renew(
    session: Session, row: OutboxMessage, channel: str, payload: dict[str, Any], lease: timedelta
) -> bool:
    """A failed row tries again with a new channel and payload (e.g. the triage post after an
    admin chose another channel), claimed by the caller for `lease`; True when it did."""
    result = session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row.id, col(OutboxMessage.status) == "failed")
        .values(
            status="sending",
            attempts=1,
            locked_until=utcnow() + lease,
            error=None,
            channel=channel,
            payload=payload,
        )  # fmt: skip
    )
    session.commit()
    session.refresh(row)
    return bool(result.rowcount)


def count_by_status(session: Session, team_id: str | None = None) -> dict[str, int]:
    stmt = select(OutboxMessage.status)
    if team_id:
        stmt = stmt.where(OutboxMessage.team_id == team_id)
    counts: dict[str, int] = {}
    for status in session.exec(stmt):
        counts[status] = counts.get(status, 0) + 1
    return counts
