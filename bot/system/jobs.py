"""Plain functions the scheduler calls; each returns what it did so tests can call them directly.

The scheduler keeps only a reference to `tick`/`deliver_outbox`; the process binds its Runtime
once at start (`bind`). Each feature adds its periodic work to `periodic_tasks`: a function of
(runtime, now) that does what is due and returns a summary.

Every process that runs a scheduler fires the tick; a database lease (storage.leases) lets one
of them at a time do its work, and another take over when the holder stops renewing it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.assets import jobs as asset_jobs
from bot.content_requests import jobs as request_jobs
from bot.content_requests import overdue as request_overdue
from bot.goals import digest_jobs
from bot.goals import nudges as goal_nudges
from bot.meetings import jobs as agenda_jobs
from bot.platform.runtime import Runtime
from bot.questions import nudges as question_nudges
from bot.questions import posts as question_posts
from bot.questions import review as question_review
from bot.system import installs
from storage import leases
from storage.clock import utcnow

log = logging.getLogger(__name__)
_runtime: Runtime | None = None

TICK_LEASE = "lockstep:tick"
# Renewed before each task of every tick (one a minute): a holder that stops for longer - a
# crash, a lost database connection - is taken over by the next process whose tick fires.
TICK_LEASE_TTL = timedelta(minutes=3)
_retired: set[str] = set()  # holders whose scheduler shut down: they take the lease no more

Periodic = Callable[[Runtime, datetime], Any]


def bind(runtime: Runtime | None) -> None:
    """Give the job functions this process's runtime (settings, engine, client, outbox)."""
    global _runtime
    _runtime = runtime


def current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("jobs.bind(runtime) was not called in this process")
    return _runtime


def deliver_outbox() -> dict[str, Any]:
    """Send every due outbox message (retries after 429/5xx, and sends left by a restart).

    Stands by while this process's background worker runs (HTTP mode): that worker sends each
    due row within a moment and gives way to acks during a burst, a few rows at a time. This
    job sent up to 200 rows in one go without giving way - each a similar-question search and
    a post - and took CPU and SQLite's write lock from the acks every 15 s of a burst.
    """
    outbox = current().outbox
    if outbox.worker_running():
        return {}
    counts = outbox.deliver_due()
    if counts:
        log.info("outbox delivered: %s", counts)
    return counts


def periodic_tasks() -> dict[str, Periodic]:
    """Every feature's due-work function, by name (explicit, so it is greppable)."""
    return {
        "assets": asset_jobs.run,
        "content_requests": request_jobs.run,
        "content_requests.overdue": request_overdue.nudge_overdue,
        "digest": digest_jobs.post_due_digests,
        "goal_nudges": goal_nudges.nudge_goal_owners,
        "agendas": agenda_jobs.post_due_agendas,
        "action_reminders": agenda_jobs.remind_actions,
        "questions.post_queued": question_posts.post_queued,
        "questions.reviews": question_review.send_due_reviews,
        "questions.remind_unanswered": question_nudges.remind_unanswered,
        "oauth_states": installs.purge_states,
    }


def tick(
    now: datetime | None = None, runtime: Runtime | None = None, holder: str | None = None
) -> dict[str, Any]:
    """Run every feature's due work once; one feature failing does not stop the others.

    The scheduler passes `holder` (its name): the work is then done only while that holder has
    the tick lease, checked before each task. Without it (tests, the demo) it runs regardless.
    """
    runtime = runtime or current()
    now = now or utcnow()
    results: dict[str, Any] = {}
    for name, task in periodic_tasks().items():
        if holder is not None and not _holds_tick(runtime.engine, holder):
            log.debug("tick lease held by another process; %s stands by", holder)
            results["standing_by"] = name  # the first task it left to the lease's holder
            break
        try:
            results[name] = task(runtime, now)
        except Exception:  # noqa: BLE001 - logged with traceback; the next tick tries again
            log.exception("periodic task %s failed", name)
            results[name] = "error"
    return results


def _holds_tick(engine: Engine, holder: str) -> bool:
    """Take or renew the tick lease for `holder`; False while another process holds it."""
    if holder in _retired:
        return False
    with Session(engine) as session:
        return leases.acquire(session, TICK_LEASE, holder, TICK_LEASE_TTL)


def retire(engine: Engine, holder: str) -> None:
    """A scheduler shut down: its holder takes the tick lease no more, and gives it up now
    (a task still running finishes: tasks are written to be safe under a double fire)."""
    _retired.add(holder)
    try:
        with Session(engine) as session:
            leases.release(session, TICK_LEASE, holder)
    except SQLAlchemyError as exc:  # at exit: the lease then simply expires (TICK_LEASE_TTL)
        log.warning("could not give the tick lease up: %s", exc.__class__.__name__)
