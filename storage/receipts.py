"""Idempotency of inbound deliveries: remember each Slack delivery key once."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import Receipt


def first_time(session: Session, team_id: str, key: str) -> bool:
    """Record `key`; True only the first time it is seen for the team (safe across processes)."""
    session.add(Receipt(team_id=team_id, key=key[:255]))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
