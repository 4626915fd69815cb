"""Installations of Lockstep (OAuth v2): slack_sdk's SQLAlchemy stores on Lockstep's database,
and what removing a workspace deletes."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection, Engine

from storage.models import OutboxMessage
from storage.models.installations import bots_table, installations_table, oauth_states_table

STATE_SECONDS = 600  # an install link works for 10 minutes, once


class InstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, plus the lookup Lockstep's own sends need: by team alone. A workspace
    of an Enterprise Grid org is saved with its enterprise id, which a post knows nothing of."""

    def find_team(self, team_id: str) -> Installation | Bot | None:
        """The team's newest installation, whatever enterprise it belongs to; only its bot when
        the installation row went (a revoked user token deletes it, the bot stays); None when
        Lockstep is not installed there."""
        c = self.bots.c
        with self.engine.connect() as conn:
            enterprise = conn.execute(
                select(c.enterprise_id)
                .where(c.client_id == self.client_id, c.team_id == team_id)
                .order_by(c.installed_at.desc())
                .limit(1)
            ).first()
        if enterprise is None:
            return None
        found = self.find_installation(enterprise_id=enterprise[0], team_id=team_id)
        if found is not None and found.bot_token:
            return found
        return self.find_bot(enterprise_id=enterprise[0], team_id=team_id)


def installation_store(engine: Engine, client_id: str) -> InstallationStore:
    """Bolt's installation store on this database (tables made by migration 0015)."""
    return InstallationStore(client_id=client_id, engine=engine)


def state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    """Single-use OAuth states that expire after STATE_SECONDS (consumed rows are deleted)."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine)


def purge_expired_states(conn: Connection, now: datetime) -> int:
    """Delete the OAuth states that expired unused (every visit to /slack/install adds one)."""
    table = oauth_states_table
    naive = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now  # as slack_sdk writes
    return int(conn.execute(delete(table).where(table.c.expire_at <= naive)).rowcount or 0)


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
