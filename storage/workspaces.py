"""Workspace (team) settings."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session

from storage.models import Workspace


def get_or_create(session: Session, team_id: str, default_timezone: str = "UTC") -> Workspace:
    """The team's settings row, created with defaults on first use (two first uses at once,
    e.g. two follow-ups of a new team's first questions, make one row)."""
    ws = session.get(Workspace, team_id)
    if ws is None:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        values = Workspace(team_id=team_id, timezone=default_timezone).model_dump()
        session.exec(insert(Workspace).values(**values).on_conflict_do_nothing())
        ws = session.get(Workspace, team_id, populate_existing=True)
        assert ws is not None
    return ws


def update(
    session: Session, team_id: str, default_timezone: str = "UTC", **changes: object
) -> Workspace:
    """Change some settings of a team and commit."""
    ws = get_or_create(session, team_id, default_timezone)
    for name, value in changes.items():
        if not hasattr(ws, name):
            raise AttributeError(name)
        setattr(ws, name, value)
    session.add(ws)
    session.commit()
    return ws


def triage_channel(conn: Connection, team_id: str) -> str | None:
    """The team's triage channel, read with one indexed select (the capture ack's read)."""
    return conn.execute(_TRIAGE_CHANNEL, {"team": team_id}).scalar()


_TABLE = Workspace.__table__  # type: ignore[attr-defined]
_TRIAGE_CHANNEL = select(_TABLE.c.triage_channel).where(_TABLE.c.team_id == bindparam("team"))
