"""The `/prospect-question` ack's write: the question, the triage channel and the follow-up.

One transaction does it all: insert the question once per Slack delivery and (in HTTP mode)
record the follow-up for the background process (on SQLite in storage.intake's table, which
the background moves into the outbox; elsewhere in the outbox); where triage posts go comes
back with the question's number. It is the one write on Lockstep's hottest path, so on SQLite
it runs on this thread's own sqlite3 connection with plain SQL (no pool checkout, no compile,
no ORM), as one statement (see SQLITE_INTAKE). Other databases use the same inserts through
SQLAlchemy Core (storage.once). Both paths are tested.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from bot.clock import utcnow
from storage import outbox, workspaces
from storage import questions as store
from storage.db import sqlite_pragmas
from storage.group_commit import GroupCommit
from storage.intake import INTAKE_COLUMNS

T = TypeVar("T")

# SQLite: one statement into the write-only view storage.intake creates (see there why).
_INTAKE_ROW = "(" + ", ".join(["?"] * len(INTAKE_COLUMNS)) + ")"
INSERT_INTAKE = f"INSERT INTO question_intake ({', '.join(INTAKE_COLUMNS)}) VALUES "
# Then one read (no lock: WAL readers do not block writers) for the numbers and where triage
# posts go. A row written by this capture has its created_at; a retried delivery's is older.
READ_BACK = (
    "SELECT q.team_id, q.capture_key, q.id, q.created_at, w.triage_channel "
    "FROM (VALUES {}) AS k CROSS JOIN question AS q "  # CROSS JOIN: one index lookup per key
    "ON q.team_id = k.column1 AND q.capture_key = k.column2 "
    "LEFT JOIN workspace AS w ON w.team_id = q.team_id"
)


# Pauses between tries while another process writes: 0.1 ms growing to 2 ms, then 2 ms steps
# up to about 10 s in all (the engine's busy timeout is 15 s); then one last try, or raise.
_BUSY_WAITS: tuple[float, ...] = (*(0.0001 * 1.5**n for n in range(8)), *([0.002] * 5000))


# One capture's row of question_intake, in INTAKE_COLUMNS order.
Write = tuple[Any, ...]


@dataclass(frozen=True)
class FollowUp:
    """An outbox row to record with the question: (key, method, channel, payload)."""

    key: str
    method: str
    channel: str
    payload: dict[str, Any]
    encoded: str | None = None  # the payload as JSON, when the caller already encoded it


@dataclass(frozen=True)
class Captured:
    question_id: int
    created: bool
    triage_channel: str | None


class CaptureWriter:
    """Writes captures for one engine; one per process (bot.runtime.Runtime)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # In HTTP mode the background process checkpoints the WAL (its commits do, as SQLite's
        # autocheckpoint): a web worker's ack should not pay for copying pages back (+fsync).
        self.checkpoints = True
        # The raw path needs a database file another connection can open.
        database = engine.url.database or ""
        self.sqlite = engine.dialect.name == "sqlite" and database not in ("", ":memory:")
        self.sqlite = self.sqlite and "mode=memory" not in database
        self._local = threading.local()
        self._group: GroupCommit[Write, Captured] = GroupCommit(self._write_batch)

    def __deepcopy__(self, memo: dict[int, Any]) -> CaptureWriter:
        return self

    def capture(
        self, team_id: str, key: str, asker_id: str, text: str, follow_up: FollowUp | None = None
    ) -> Captured:
        """Store the question once per `key`; a retried delivery finds the first row (and
        its follow-up is not recorded twice: the outbox key is unique too)."""
        if self.sqlite:
            return self._capture_sqlite(team_id, key[:255], asker_id, text, follow_up)
        with self.engine.begin() as conn:
            question_id, created = store.insert_question(conn, team_id, key, asker_id, text)
            channel = workspaces.triage_channel(conn, team_id)
            if follow_up is not None:
                outbox.record(conn, team_id, follow_up.key, follow_up.method, follow_up.channel,
                              follow_up.payload)  # fmt: skip
        return Captured(question_id, created, channel)

    def _capture_sqlite(
        self, team_id: str, key: str, asker_id: str, text: str, follow_up: FollowUp | None
    ) -> Captured:
        now = _sqlite_datetime(utcnow())
        if follow_up is None:
            return self._group.submit((team_id, key, asker_id, text, now, None, None, None, None))
        payload = follow_up.encoded or json.dumps(follow_up.payload)
        return self._group.submit((team_id, key, asker_id, text, now, follow_up.key[:255],
                                   follow_up.method, follow_up.channel, payload))  # fmt: skip

    def _write_batch(self, writes: list[Write]) -> list[Captured]:
        """One statement (so one transaction) for the captures of this process's threads that
        came together, then one read for their numbers.

        Other processes' writers are waited for in short steps (_BUSY_WAITS), not in SQLite's
        busy handler, which sleeps 1, 2, 5, 10 ... ms between tries: long next to a 0.1 ms
        write, and the ack's tail latency.
        """
        db = self._connection()
        insert = INSERT_INTAKE + ", ".join([_INTAKE_ROW] * len(writes))
        _when_unlocked(lambda: db.execute(insert, [v for w in writes for v in w]))
        read = READ_BACK.format(", ".join(["(?, ?)"] * len(writes)))
        keys = [v for w in writes for v in w[:2]]
        rows = _when_unlocked(lambda: db.execute(read, keys).fetchall())
        found = {
            (team, key): (int(qid), created, channel) for team, key, qid, created, channel in rows
        }
        done = []
        for write in writes:
            question_id, created_at, channel = found[(write[0], write[1])]
            done.append(Captured(question_id, created_at == write[4], channel))
        return done

    def _connection(self) -> sqlite3.Connection:
        """This thread's own sqlite3 connection: outside the engine's pool (its busy timeout
        is 0, see _BUSY_WAITS), with the engine's pragmas, open for the thread's life."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
            connect: Any = sqlite3.connect  # the dialect's own arguments, as the pool uses
            db = self._local.db = connect(*cargs, **cparams)
            db.isolation_level = None  # autocommit: each statement is its own transaction
            sqlite_pragmas(db, None)
            db.execute("PRAGMA busy_timeout=0")
            if not self.checkpoints:
                db.execute("PRAGMA wal_autocheckpoint=0")
        return db


def _when_unlocked(call: Callable[[], T]) -> T:
    """`call()`, tried again in short steps while another process holds the write lock."""
    for wait in _BUSY_WAITS:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
        time.sleep(wait)
    return call()


def _sqlite_datetime(value: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME text (always with microseconds), so reads parse it."""
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")  # half strftime's cost
