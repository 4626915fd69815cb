"""`question_intake`: the capture ack's whole write as one SQLite statement.

Rows inserted into this write-only view go through its INSTEAD OF trigger, which inserts each
question once per delivery and, for a question it inserted, its follow-up into `outbox_intake`:
a plain append-only table, no index to update (an outbox row with its two indexes was 24 us of
an 80 us write). The background process moves intake rows into the outbox (`promote`, called
by every `Outbox.deliver_due`), whose unique key keeps each follow-up once. On a connection in
autocommit mode SQLite then takes its write lock, writes and commits inside that one call
(storage.ack). Each call into SQLite lets go of the GIL, and taking it back can wait up to the
interpreter's switch interval (5 ms) under load: with a transaction of several statements the
lock stayed held through those waits (measured under 8 concurrent acks: 0.45 ms held on
average, 3 ms at p99, while the other web worker waited for it).

Created by migration 0008, and by create_all (tests, tools) through the metadata hooks below.
SQLite only: other databases write the same rows in one ordinary transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

INTAKE_COLUMNS = (
    "team_id", "capture_key", "asker_id", "text", "created_at",
    "followup_key", "followup_method", "followup_channel", "followup_payload",
)  # fmt: skip
TABLES = frozenset({"outbox_intake"})
SQLITE_INTAKE = (
    "CREATE TABLE IF NOT EXISTS outbox_intake (id INTEGER PRIMARY KEY, team_id TEXT NOT NULL, "
    "key TEXT NOT NULL, method TEXT NOT NULL, channel TEXT NOT NULL, payload TEXT NOT NULL, "
    "created_at TEXT NOT NULL)",
    "CREATE VIEW question_intake ({}) AS SELECT {} WHERE 0".format(
        ", ".join(INTAKE_COLUMNS), ", ".join(["NULL"] * len(INTAKE_COLUMNS))
    ),
    # changes(): rows the question insert just made (0 for a delivery seen before).
    "CREATE TRIGGER question_intake_insert INSTEAD OF INSERT ON question_intake BEGIN "
    "INSERT INTO question (team_id, capture_key, asker_id, text, status, version, created_at, "
    "updated_at) VALUES (new.team_id, new.capture_key, new.asker_id, new.text, 'open', 0, "
    "new.created_at, new.created_at) ON CONFLICT (team_id, capture_key) DO NOTHING; "
    "INSERT INTO outbox_intake (team_id, key, method, channel, payload, created_at) "
    "SELECT new.team_id, new.followup_key, new.followup_method, new.followup_channel, "
    "new.followup_payload, new.created_at WHERE new.followup_key IS NOT NULL AND changes() = 1; "
    "END",
)
# The intake's rows into the outbox, oldest first, a few at a time: the background process
# runs at a low CPU priority and must not hold SQLite's write lock for long.
PROMOTE_BATCH = 50
PROMOTE = (
    "INSERT INTO outbox_message (team_id, key, method, channel, payload, status, attempts, "
    "next_attempt_at, created_at) SELECT team_id, key, method, channel, payload, 'pending', 0, "
    "created_at, created_at FROM outbox_intake WHERE id <= :last ORDER BY id "
    "ON CONFLICT (team_id, key) DO NOTHING"
)
# The view and trigger hold no data: install() replaces them. The table is kept as it is.
REPLACE = ("DROP TRIGGER IF EXISTS question_intake_insert", "DROP VIEW IF EXISTS question_intake")
DROP = (*REPLACE, "DROP TABLE IF EXISTS outbox_intake")


def install(connection: Connection) -> None:
    """Create the intake objects (SQLite); run again, it keeps the follow-ups waiting."""
    if connection.dialect.name == "sqlite":
        for statement in (*REPLACE, *SQLITE_INTAKE):
            connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    """Drop the intake objects; follow-ups still in the intake go to the outbox first."""
    if connection.dialect.name == "sqlite":
        while _promote(connection):
            pass
        for statement in DROP:
            connection.execute(text(statement))


def promote(engine: Engine) -> int:
    """Move up to PROMOTE_BATCH follow-ups from the intake into the outbox, in one short
    transaction; how many. SQLite only; one cheap read when the intake is empty."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM outbox_intake LIMIT 1")).first() is None:
            return 0
    with engine.begin() as conn:
        return _promote(conn)


def _promote(conn: Connection) -> int:
    last = conn.execute(
        text("SELECT max(id), count(*) FROM (SELECT id FROM outbox_intake ORDER BY id LIMIT :n)"),
        {"n": PROMOTE_BATCH},
    ).one()
    if not last[1]:
        return 0
    conn.execute(text(PROMOTE), {"last": last[0]})
    conn.execute(text("DELETE FROM outbox_intake WHERE id <= :last"), {"last": last[0]})
    return int(last[1])


def after_create(target: Any, connection: Connection, **_: Any) -> None:
    """SQLAlchemy `after_create` hook on the metadata (every table exists by then)."""
    install(connection)


def before_drop(target: Any, connection: Connection, **_: Any) -> None:
    uninstall(connection)
