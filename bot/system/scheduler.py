"""The APScheduler shell: Lockstep's static jobs in memory, re-added under stable ids at start.

APScheduler 3 does not support one job store shared by several schedulers (each would run
every job), and Lockstep's jobs are static, so each process keeps them in memory. Running
the tick's work once across processes is the database lease's job (bot.system.jobs.tick); the
outbox job may run everywhere: every row it sends is claimed first (storage.outbox).
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.system import jobs
from storage import leases

OUTBOX_JOB = "lockstep:outbox"
TICK_JOB = "lockstep:tick"


@dataclass(frozen=True)
class JobInfo:
    id: str
    name: str
    trigger: str
    next_run: datetime | None  # as if a scheduler started now (jobs live in each process)
    runs_in: str | None = None  # the process holding the job's lease, when it has one


class LockstepScheduler(BackgroundScheduler):
    """A BackgroundScheduler with a name of its own for the tick lease, which it gives up
    when it shuts down (another process then takes the tick at its next run)."""

    def __init__(self, engine: Engine, timezone: ZoneInfo) -> None:
        super().__init__(
            jobstores={"default": MemoryJobStore()},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=timezone,
        )
        self.engine = engine
        self.holder = holder_name()

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)
        jobs.retire(self.engine, self.holder)


def holder_name() -> str:
    """Host, process id and a random part: unique per scheduler, readable in `lockstep jobs`."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"[-128:]


def build_scheduler(engine: Engine, timezone: ZoneInfo) -> LockstepScheduler:
    """A BackgroundScheduler on a memory job store (`ensure_jobs` adds the jobs at each start)."""
    return LockstepScheduler(engine, timezone)


def ensure_jobs(scheduler: LockstepScheduler) -> None:
    """Add Lockstep's standing jobs under stable ids (re-adding replaces, never duplicates)."""
    scheduler.add_job(
        jobs.deliver_outbox,
        IntervalTrigger(seconds=15),
        id=OUTBOX_JOB,
        name="Send and retry pending Slack posts",
        replace_existing=True,
    )
    scheduler.add_job(
        jobs.tick,
        IntervalTrigger(minutes=1),
        kwargs={"holder": scheduler.holder},
        id=TICK_JOB,
        name="Post what is due: digests, agendas, reminders, follow-ups",
        replace_existing=True,
    )


def list_jobs(engine: Engine, timezone: ZoneInfo) -> list[JobInfo]:
    """Lockstep's jobs with the next run times a scheduler started now would give them, and the
    process that runs the tick (the lease's holder), without running any job."""
    scheduler = build_scheduler(engine, timezone)
    scheduler.start(paused=True)
    try:
        ensure_jobs(scheduler)
        with Session(engine) as session:
            lease = leases.current(session, jobs.TICK_LEASE)
        runs_in = {TICK_JOB: lease.holder if lease else None}
        return [
            JobInfo(job.id, job.name, str(job.trigger), job.next_run_time, runs_in.get(job.id))
            for job in scheduler.get_jobs()
        ]
    finally:
        scheduler.shutdown(wait=False)
