"""The scheduler keeps its jobs in memory; when several processes schedule on one database, the
tick's work is done by one of them (the tick lease), and another takes over when it stops."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from freezegun import freeze_time
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.platform.runtime import Runtime, build_runtime
from bot.system import jobs
from bot.system.scheduler import (
    OUTBOX_JOB,
    TICK_JOB,
    LockstepScheduler,
    build_scheduler,
    ensure_jobs,
    list_jobs,
)
from storage.db import make_engine
from storage.migrate import upgrade
from tests.conftest import make_settings
from tests.fake_slack import FakeSlack

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


class Process:
    """One Lockstep process as far as the tick goes: its runtime and its scheduler."""

    def __init__(self, engine: Engine, slack: FakeSlack) -> None:
        self.runtime: Runtime = build_runtime(make_settings(slack.base_url), engine=engine)
        self.scheduler: LockstepScheduler = build_scheduler(engine, UTC_ZONE)
        self.scheduler.start(paused=True)  # jobs fire only when a test fires them
        ensure_jobs(self.scheduler)

    def fire_tick(self, at: datetime) -> dict[str, Any]:
        """Run the tick job at `at` the way the scheduler's executor runs it."""
        job = self.scheduler.get_job(TICK_JOB)
        jobs.bind(self.runtime)
        try:
            with freeze_time(at):
                return dict(job.func(*job.args, **job.kwargs))
        finally:
            jobs.bind(None)


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, datetime]]:
    """Every periodic task replaced by one that notes (its name, the tick's time)."""
    done: list[tuple[str, datetime]] = []

    def task(name: str) -> jobs.Periodic:
        return lambda runtime, now: done.append((name, now))

    monkeypatch.setattr(jobs, "periodic_tasks", lambda: {n: task(n) for n in ("first", "second")})
    return done


@pytest.fixture
def two(twin_engines: tuple[Engine, Engine], slack: FakeSlack) -> Iterator[list[Process]]:
    """Two processes (two engines, two schedulers) on one database."""
    processes = [Process(engine, slack) for engine in twin_engines]
    yield processes
    for process in processes:
        if process.scheduler.running:
            process.scheduler.shutdown(wait=False)


def test_the_scheduler_keeps_its_jobs_in_memory(engine: Engine) -> None:
    scheduler = build_scheduler(engine, UTC_ZONE)
    scheduler.start(paused=True)
    try:
        ensure_jobs(scheduler)
        ensure_jobs(scheduler)  # a second start's jobs replace the first's
        assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
        assert sorted(job.id for job in scheduler.get_jobs()) == [OUTBOX_JOB, TICK_JOB]
        assert "apscheduler_jobs" not in inspect(engine).get_table_names()
    finally:
        scheduler.shutdown(wait=False)


def test_the_upgrade_drops_the_old_job_store_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0011_source_keys")
    # The row an older Lockstep stored names its jobs module of the time, `bot.jobs`, which no
    # longer exists: APScheduler resolves the reference when the job is added, so lend it one.
    monkeypatch.setitem(sys.modules, "bot.jobs", SimpleNamespace(tick=lambda: None))
    old = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)})
    old.start(paused=True)  # what `lockstep run` did: its jobs pickled into apscheduler_jobs
    old.add_job("bot.jobs:tick", "interval", minutes=1, id=TICK_JOB)
    old.shutdown(wait=False)
    assert "apscheduler_jobs" in inspect(engine).get_table_names()
    upgrade(engine)
    assert "apscheduler_jobs" not in inspect(engine).get_table_names()
    engine.dispose()


def test_the_same_tick_fired_in_two_processes_works_once(
    two: list[Process], work: list[tuple[str, datetime]]
) -> None:
    first, second = two
    assert first.fire_tick(NOON) == {"first": None, "second": None}
    assert second.fire_tick(NOON)["standing_by"] == "first"
    assert work == [("first", NOON), ("second", NOON)]
    later = NOON + timedelta(minutes=1)
    assert "standing_by" in second.fire_tick(later)  # fired first this time: still stands by
    first.fire_tick(later)
    assert work[2:] == [("first", later), ("second", later)]


def test_a_holder_that_died_is_taken_over(
    two: list[Process], work: list[tuple[str, datetime]]
) -> None:
    first, second = two
    first.fire_tick(NOON)
    # The first process dies: no more renewals. Until its lease expires the second waits...
    assert "standing_by" in second.fire_tick(NOON + jobs.TICK_LEASE_TTL - timedelta(seconds=1))
    # ...then takes the tick over, and keeps it when the first comes back.
    takeover = NOON + jobs.TICK_LEASE_TTL
    assert "standing_by" not in second.fire_tick(takeover)
    assert "standing_by" in first.fire_tick(takeover + timedelta(seconds=5))
    assert work == [("first", NOON), ("second", NOON), ("first", takeover), ("second", takeover)]


def test_a_scheduler_that_shuts_down_gives_the_tick_up(
    two: list[Process], work: list[tuple[str, datetime]]
) -> None:
    first, second = two
    first.fire_tick(NOON)
    first.scheduler.shutdown(wait=False)
    later = NOON + timedelta(minutes=1)
    assert "standing_by" not in second.fire_tick(later)  # at once, not after the expiry
    with freeze_time(later):  # a tick still running in the first process takes it no more
        result = jobs.tick(later, first.runtime, first.scheduler.holder)
    assert result == {"standing_by": "first"}
    assert [at for _, at in work] == [NOON, NOON, later, later]


def test_a_holder_that_loses_the_lease_mid_tick_stops(
    two: list[Process], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tick that outlasts its lease (the holder stalled) stops before its next task once
    another process has taken over: the two never work side by side past one task."""
    first, second = two
    done: list[tuple[str, str]] = []

    def who(runtime: Runtime) -> str:
        return "first" if runtime is first.runtime else "second"

    def slow(runtime: Runtime, now: datetime) -> None:
        done.append(("slow", who(runtime)))
        if runtime is first.runtime:  # stalled past its lease: the other process's tick fires
            second.fire_tick(NOON + jobs.TICK_LEASE_TTL)

    def after(runtime: Runtime, now: datetime) -> None:
        done.append(("after", who(runtime)))

    monkeypatch.setattr(jobs, "periodic_tasks", lambda: {"slow": slow, "after": after})
    result = first.fire_tick(NOON)
    assert result["standing_by"] == "after"
    assert done == [("slow", "first"), ("slow", "second"), ("after", "second")]


def test_list_jobs_names_the_process_running_the_tick(
    two: list[Process], work: list[tuple[str, datetime]]
) -> None:
    first, _ = two
    first.fire_tick(datetime.now(UTC))
    found = {job.id: job for job in list_jobs(first.runtime.engine, UTC_ZONE)}
    assert set(found) == {OUTBOX_JOB, TICK_JOB}
    assert found[TICK_JOB].runs_in == first.scheduler.holder
    assert found[OUTBOX_JOB].runs_in is None and found[OUTBOX_JOB].next_run is not None
