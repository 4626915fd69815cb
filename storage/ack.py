"""The `/prospect-question` ack's write: the question, the triage channel and the follow-up.

One transaction does it all: insert the question once per Slack delivery, read where triage
posts go, and (in HTTP mode) record the follow-up for the background process in the outbox.
It is the one write on Lockstep's hottest path, so on SQLite it runs on this thread's own
sqlite3 connection with plain SQL (no pool checkout, no compile, no ORM): about a third of the
cost of the same statements through SQLAlchemy (scripts/bench_http.py). Other databases use
the same statements through SQLAlchemy Core (storage.once). Both paths are tested.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.clock import utcnow
from storage import outbox, workspaces
from storage import questions as store
from storage.db import sqlite_pragmas
from storage.group_commit import GroupCommit

# Where triage posts go comes back with the question's id: every SQLite call lets go of the
# GIL, and under load taking it back costs up to the interpreter's switch interval (5 ms).
TRIAGE_CHANNEL = "(SELECT triage_channel FROM workspace WHERE team_id = question.team_id)"
INSERT_QUESTION = (
    "INSERT INTO question (team_id, capture_key, asker_id, text, status, version, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, 'open', 0, ?, ?) "
    f"ON CONFLICT (team_id, capture_key) DO NOTHING RETURNING id, {TRIAGE_CHANNEL}"
)
FIND_QUESTION = f"SELECT id, {TRIAGE_CHANNEL} FROM question WHERE team_id = ? AND capture_key = ?"
INSERT_OUTBOX = (
    "INSERT INTO outbox_message (team_id, key, method, channel, payload, status, attempts, "
    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
    "ON CONFLICT (team_id, key) DO NOTHING"
)


# Pauses between tries while another process writes: 0.1 ms growing to 2 ms, then 2 ms steps
# up to about 10 s in all (the engine's busy timeout is 15 s); then one last try, or raise.
_BUSY_WAITS: tuple[float, ...] = (*(0.0001 * 1.5**n for n in range(8)), *([0.002] * 5000))


# One capture's rows: the question's values, and the follow-up's outbox values (or None).
Write = tuple[tuple[Any, ...], tuple[Any, ...] | None]


@dataclass(frozen=True)
class FollowUp:
    """An outbox row to record with the question: (key, method, channel, payload)."""

    key: str
    method: str
    channel: str
    payload: dict[str, Any]


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
        question = (team_id, key, asker_id, text, now, now)
        row = None
        if follow_up is not None:
            payload = json.dumps(follow_up.payload)
            row = (team_id, follow_up.key[:255], follow_up.method, follow_up.channel, payload,
                   now, now)  # fmt: skip
        return self._group.submit((question, row))

    def _write_batch(self, writes: list[Write]) -> list[Captured]:
        """One transaction for the captures of this process's threads that came together.

        Other processes' writers are waited for in short steps (_BUSY_WAITS), not in SQLite's
        busy handler, which sleeps 1, 2, 5, 10 ... ms between tries: long next to a 0.2 ms
        write, and the ack's tail latency.
        """
        db = self._connection()
        for wait in _BUSY_WAITS:
            try:
                return _write(db, writes)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
            time.sleep(wait)
        return _write(db, writes)

    def _connection(self) -> sqlite3.Connection:
        """This thread's own sqlite3 connection: outside the engine's pool (its busy timeout
        is 0, see _BUSY_WAITS), with the engine's pragmas, open for the thread's life."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
            connect: Any = sqlite3.connect  # the dialect's own arguments, as the pool uses
            db = self._local.db = connect(*cargs, **cparams)
            sqlite_pragmas(db, None)
            db.execute("PRAGMA busy_timeout=0")
            if not self.checkpoints:
                db.execute("PRAGMA wal_autocheckpoint=0")
        return db


def _write(db: sqlite3.Connection, writes: list[Write]) -> list[Captured]:
    """One try at the write transaction; rolled back on any error."""
    done = []
    try:
        for question, follow_up in writes:
            rows = db.execute(INSERT_QUESTION, question).fetchall()  # fetchall: statement done
            created = bool(rows)
            if not created:  # the same delivery again
                rows = db.execute(FIND_QUESTION, question[:2]).fetchall()
            if follow_up is not None:
                db.execute(INSERT_OUTBOX, follow_up)
            done.append(Captured(int(rows[0][0]), created, rows[0][1]))
        db.commit()
    except BaseException:
        db.rollback()
        raise
    return done


def _sqlite_datetime(value: datetime) -> str:
    """SQLAlchemy's SQLite DATETIME text (always with microseconds), so reads parse it."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")
