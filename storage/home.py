"""Who has opened Lockstep's Home tab, kept in the database so that every process (web
workers, the background process, a replica, the next start) knows whose Home to refresh."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.clock import utcnow
from storage.models import HomeViewer

HOME_VIEWER = HomeViewer.__table__  # type: ignore[attr-defined]


def record_open(session: Session, team_id: str, user_id: str, at: datetime | None = None) -> None:
    """Note that the person opened their Home tab (one upsert: a retried event delivery or a
    second open rewrites the same row with the latest time). Commits."""
    values = {"team_id": team_id, "user_id": user_id, "opened_at": at or utcnow()}
    session.execute(_upsert(session.get_bind().dialect.name), values)
    session.commit()


@cache
def _upsert(dialect: str) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    insert = module.insert(HOME_VIEWER).values(
        team_id=bindparam("team_id"),
        user_id=bindparam("user_id"),
        opened_at=bindparam("opened_at"),
    )
    return insert.on_conflict_do_update(
        index_elements=[HOME_VIEWER.c.team_id, HOME_VIEWER.c.user_id],
        set_={"opened_at": insert.excluded.opened_at},
    )


def get(session: Session, team_id: str, user_id: str) -> HomeViewer | None:
    """The person's Home record, or None when they never opened the Home tab."""
    return session.get(HomeViewer, (team_id, user_id))
