"""The background process gives way to acks on SQLite's one write lock.

SQLite lets one connection write at a time. While web workers are committing acks, each outbox
write of the background process (claim, record, mark sent) makes some ack wait for the lock,
and the background runs at a lower CPU priority, so it may hold the lock while preempted. So
after each few rows of work the background looks whether other connections are committing and,
while they keep at it, holds off - at most `max_wait` in one go, so it always moves on.
PostgreSQL locks rows, not the database: there the background never waits.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy.engine import Engine

QUIET = 0.02  # one look: commits by others within this long mean acks are coming in
# The longest the background holds off in one go: during a burst of acks it then sends a few
# rows every 2 s, and catches up as soon as the burst is over (follow-ups are not due in 3 s).
MAX_WAIT = 2.0


class AckYield:
    def __init__(self, engine: Engine, max_wait: float = MAX_WAIT) -> None:
        self.engine = engine
        self.enabled = engine.dialect.name == "sqlite"
        self.max_wait = max_wait
        self._connection: Any = None

    def give_way(self, stop: threading.Event) -> float:
        """Wait while other connections keep committing (one look of QUIET at least, at most
        `max_wait`, or until `stop`); how long it waited."""
        if not self.enabled:
            return 0.0
        started = time.monotonic()
        version = self._data_version()
        while not stop.wait(QUIET):
            now = self._data_version()
            if now == version or time.monotonic() - started >= self.max_wait:
                break
            version = now
        return time.monotonic() - started

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _data_version(self) -> int:
        """SQLite's count of commits by other connections (PRAGMA data_version), read on a
        connection of our own that stays open: the count is per connection."""
        if self._connection is None:
            self._connection = self.engine.raw_connection()
        cursor = self._connection.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()
