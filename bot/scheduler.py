"""The APScheduler shell: a persistent job store on Lockstep's own database, stable job ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

OUTBOX_JOB = "lockstep:outbox"
TICK_JOB = "lockstep:tick"


@dataclass(frozen=True)
class JobInfo:
    id: str
    name: str
    trigger: str
    next_run: datetime | None


def build_scheduler(engine: Engine, timezone: ZoneInfo) -> BackgroundScheduler:
    """A BackgroundScheduler whose jobs survive restarts (same database as everything else)."""
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        timezone=timezone,
    )


def ensure_jobs(scheduler: BackgroundScheduler) -> None:
    """Add Lockstep's standing jobs under stable ids (re-adding replaces, never duplicates)."""
    scheduler.add_job(
        "bot.jobs:deliver_outbox",
        IntervalTrigger(seconds=15),
        id=OUTBOX_JOB,
        name="Send and retry pending Slack posts",
        replace_existing=True,
    )
    scheduler.add_job(
        "bot.jobs:tick",
        IntervalTrigger(minutes=1),
        id=TICK_JOB,
        name="Post what is due: digests, agendas, reminders, follow-ups",
        replace_existing=True,
    )


def list_jobs(engine: Engine, timezone: ZoneInfo) -> list[JobInfo]:
    """The jobs stored in the database with their next run times, without running any."""
    scheduler = build_scheduler(engine, timezone)
    scheduler.start(paused=True)
    try:
        return [
            JobInfo(job.id, job.name, str(job.trigger), job.next_run_time)
            for job in scheduler.get_jobs()
        ]
    finally:
        scheduler.shutdown(wait=False)
