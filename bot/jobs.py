"""Plain functions the scheduler calls; each returns what it did so tests can call them directly.

The job store keeps only a reference to `tick`/`deliver_outbox`; the process binds its Runtime
once at start (`bind`). Each feature adds its periodic work to PERIODIC: a function of
(runtime, now) that does what is due and returns a summary.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot import agenda_jobs, asset_jobs, digest_jobs
from bot.clock import utcnow
from bot.runtime import Runtime

log = logging.getLogger(__name__)
_runtime: Runtime | None = None

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
    from bot import question_posts  # features import the runtime; import them late

    return {
        "assets": asset_jobs.run,
        "digest": digest_jobs.post_due_digests,
        "agendas": agenda_jobs.post_due_agendas,
        "action_reminders": agenda_jobs.remind_actions,
        "questions.post_queued": question_posts.post_queued,
    }


def tick(now: datetime | None = None, runtime: Runtime | None = None) -> dict[str, Any]:
    """Run every feature's due work once; one feature failing does not stop the others."""
    runtime = runtime or current()
    now = now or utcnow()
    results: dict[str, Any] = {}
    for name, task in periodic_tasks().items():
        try:
            results[name] = task(runtime, now)
        except Exception:  # noqa: BLE001 - logged with traceback; the next tick tries again
            log.exception("periodic task %s failed", name)
            results[name] = "error"
    return results
