"""Idempotency of inbound deliveries that leave no row to key on (a reaction removed, say).

A receipt is written in the caller's transaction, so it commits with the write it guards: a
failure before that commit forgets both, and Slack's retry is handled as the first time.
Deliveries that create a row key on that row instead (its `source_key`).
"""

from __future__ import annotations

from sqlmodel import Session

from storage.clock import utcnow
from storage.models import Receipt
from storage.once import insert_once

RECEIPT = Receipt.__table__  # type: ignore[attr-defined]


def first_time(session: Session, team_id: str, key: str) -> bool:
    """Record `key` in the session's transaction; True only the first time it is seen for
    the team (safe across processes). Nothing is committed: commit it with the guarded write."""
    values = {"team_id": team_id, "key": key[:255], "created_at": utcnow()}
    _, created = insert_once(session.connection(), RECEIPT, ("team_id", "key"), values)
    return created
