"""Installations of Lockstep (OAuth v2): slack_sdk's SQLAlchemy stores on Lockstep's database,
and what removing a workspace deletes."""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection, Engine

from storage.models import OutboxMessage
from storage.models.installations import bots_table, installations_table

STATE_SECONDS = 600  # an install link works for 10 minutes, once


def installation_store(engine: Engine, client_id: str) -> SQLAlchemyInstallationStore:
    """Bolt's installation store on this database (tables made by migration 0015)."""
    return SQLAlchemyInstallationStore(client_id=client_id, engine=engine)


def state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    """Single-use OAuth states that expire after STATE_SECONDS (consumed rows are deleted)."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine)


def installed_teams(conn: Connection) -> list[tuple[str, str, str]]:
    """(team id, team name, installing user) of every installation, newest first per team."""
    c = installations_table.c
    rows = conn.execute(
        select(c.team_id, c.team_name, c.user_id).order_by(c.team_id, c.installed_at.desc())
    )
    seen: dict[str, tuple[str, str, str]] = {}
    for team_id, name, user in rows:
        seen.setdefault(team_id or "", (team_id or "", name or "", user or ""))
    return list(seen.values())


def delete_installation(conn: Connection, team_id: str) -> int:
    """Remove every installation and bot row of a team (its tokens); how many rows went."""
    gone = conn.execute(delete(bots_table).where(bots_table.c.team_id == team_id)).rowcount
    table = installations_table
    gone += conn.execute(delete(table).where(table.c.team_id == team_id)).rowcount
    return int(gone)


def fail_pending(conn: Connection, team_id: str, reason: str) -> int:
    """Mark every post the team still had to send failed, with `reason`: Lockstep can no longer
    send there, and the rows must not wait for ever (a reinstall sends new ones)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    result = conn.execute(
        update(table)
        .where(table.c.team_id == team_id, table.c.status.in_(("pending", "sending")))
        .values(status="failed", error=reason[:255], locked_until=None)
    )
    return int(result.rowcount or 0)
