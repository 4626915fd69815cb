"""The lease: one holder at a time across processes (two engines on one database), renewed by
its holder, taken over once expired, given up on release; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import leases

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=3)


def take(engine: Engine, holder: str, name: str = "tick") -> bool:
    with Session(engine) as session:
        return leases.acquire(session, name, holder, TTL)


def holder(engine: Engine, name: str = "tick") -> str | None:
    with Session(engine) as session:
        lease = leases.current(session, name)
        return lease.holder if lease else None


def test_one_holder_at_a_time_and_the_holder_renews(twin_engines: tuple[Engine, Engine]) -> None:
    a, b = twin_engines
    with freeze_time(NOON):
        assert take(a, "A") and not take(b, "B")
    with freeze_time(NOON + timedelta(minutes=2)):
        assert take(a, "A") and not take(b, "B")  # renewed until 12:05
    with freeze_time(NOON + timedelta(minutes=4)):
        assert not take(b, "B") and holder(b) == "A"
        with Session(b) as session:
            lease = leases.current(session, "tick")
            assert lease is not None and lease.acquired_at == NOON  # a renewal is no takeover
            assert lease.expires_at == NOON + timedelta(minutes=5)
    assert take(b, "B", name="other")  # leases are per name


def test_an_expired_lease_is_taken_over(twin_engines: tuple[Engine, Engine]) -> None:
    a, b = twin_engines
    with freeze_time(NOON):
        assert take(a, "A")
    later = NOON + TTL
    with freeze_time(later):  # A stopped renewing: at its expiry B takes over
        assert holder(b) is None
        assert take(b, "B") and not take(a, "A")
        with Session(a) as session:
            lease = leases.current(session, "tick")
            assert lease is not None and lease.holder == "B" and lease.acquired_at == later


def test_release_frees_the_lease_only_for_its_holder(twin_engines: tuple[Engine, Engine]) -> None:
    a, b = twin_engines
    with freeze_time(NOON):
        assert take(a, "A")
        with Session(b) as session:
            assert not leases.release(session, "tick", "B")
        assert not take(b, "B")
        with Session(a) as session:
            assert leases.release(session, "tick", "A")
        assert take(b, "B") and holder(a) == "B"


def test_racing_processes_never_both_win(twin_engines: tuple[Engine, Engine]) -> None:
    """Eight contenders on two connection pools ask for a free lease, and again for an expired
    one, at the same moment: exactly one wins each time."""
    a, b = twin_engines

    def race(contenders: int) -> list[str]:
        winners: list[str] = []
        start = threading.Barrier(contenders)

        def contend(index: int) -> None:
            name = f"P{index}"
            start.wait()
            if take(a if index % 2 else b, name):
                winners.append(name)

        threads = [threading.Thread(target=contend, args=(i,)) for i in range(contenders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return winners

    with freeze_time(NOON):
        (first,) = race(8)
    with freeze_time(NOON + TTL + timedelta(seconds=1)):
        (second,) = race(8)
        assert holder(a) == second
    assert first and second
