"""`question_intake`: the capture ack's whole write as one SQLite statement.

Rows inserted into this write-only view go through its INSTEAD OF trigger, which inserts each
question once per delivery and its follow-up (an outbox row) once per key. On a connection in
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
from sqlalchemy.engine import Connection

INTAKE_COLUMNS = (
    "team_id", "capture_key", "asker_id", "text", "created_at",
    "followup_key", "followup_method", "followup_channel", "followup_payload",
)  # fmt: skip
SQLITE_INTAKE = (
    "CREATE VIEW question_intake ({}) AS SELECT {} WHERE 0".format(
        ", ".join(INTAKE_COLUMNS), ", ".join(["NULL"] * len(INTAKE_COLUMNS))
    ),
    "CREATE TRIGGER question_intake_insert INSTEAD OF INSERT ON question_intake BEGIN "
    "INSERT INTO question (team_id, capture_key, asker_id, text, status, version, created_at, "
    "updated_at) VALUES (new.team_id, new.capture_key, new.asker_id, new.text, 'open', 0, "
    "new.created_at, new.created_at) ON CONFLICT (team_id, capture_key) DO NOTHING; "
    "INSERT INTO outbox_message (team_id, key, method, channel, payload, status, attempts, "
    "next_attempt_at, created_at) SELECT new.team_id, new.followup_key, new.followup_method, "
    "new.followup_channel, new.followup_payload, 'pending', 0, new.created_at, new.created_at "
    "WHERE new.followup_key IS NOT NULL ON CONFLICT (team_id, key) DO NOTHING; END",
)
DROP = ("DROP TRIGGER IF EXISTS question_intake_insert", "DROP VIEW IF EXISTS question_intake")


def install(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for statement in (*DROP, *SQLITE_INTAKE):
            connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP:
            connection.execute(text(statement))


def after_create(target: Any, connection: Connection, **_: Any) -> None:
    """SQLAlchemy `after_create` hook on the metadata (every table exists by then)."""
    install(connection)


def before_drop(target: Any, connection: Connection, **_: Any) -> None:
    uninstall(connection)
