"""The background process holds off while acks are being committed (SQLite), never for long."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.ack_yield import QUIET, AckYield
from storage.db import make_engine


@pytest.fixture
def committing(engine: Engine) -> Iterator[threading.Event]:
    """Another connection committing every few milliseconds, as web workers acking do."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE ticks (n INTEGER)"))
    stop, started = threading.Event(), threading.Event()

    def write() -> None:
        with engine.connect() as conn:
            while not stop.is_set():
                conn.execute(text("INSERT INTO ticks VALUES (1)"))
                conn.commit()
                started.set()
                time.sleep(0.003)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    assert started.wait(5)
    yield stop
    stop.set()
    thread.join(5)


def test_with_nobody_else_writing_it_looks_once_and_goes_on(engine: Engine) -> None:
    acks = AckYield(engine, max_wait=1.0)
    assert acks.give_way(threading.Event()) < 0.5
    acks.close()


def test_it_holds_off_while_others_commit_but_at_most_max_wait(
    engine: Engine, committing: threading.Event
) -> None:
    acks = AckYield(engine, max_wait=0.3)
    assert 0.3 <= acks.give_way(threading.Event()) < 3
    committing.set()  # the acks stop: the next wait is one look
    time.sleep(QUIET * 2)
    assert acks.give_way(threading.Event()) < 0.3
    acks.close()


def test_a_stop_ends_the_wait(engine: Engine, committing: threading.Event) -> None:
    acks = AckYield(engine, max_wait=30)
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    assert acks.give_way(stop) < 5
    acks.close()


def test_postgresql_never_waits() -> None:
    """Row locks, not one database lock: nothing to give way to (no connection is opened)."""
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert AckYield(engine).give_way(threading.Event()) == 0.0
