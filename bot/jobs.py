"""Plain functions the scheduler calls; each returns what it did so tests can call them directly.

The scheduler's job store keeps only a reference to these functions and plain arguments; the
process binds its Runtime once at start (`bind`).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.runtime import Runtime

log = logging.getLogger(__name__)
_runtime: Runtime | None = None


def bind(runtime: Runtime | None) -> None:
    """Give the job functions this process's runtime (settings, engine, client, outbox)."""
    global _runtime
    _runtime = runtime


def current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("jobs.bind(runtime) was not called in this process")
    return _runtime


def deliver_outbox() -> dict[str, Any]:
    """Send every due outbox message (retries after 429/5xx, and sends left by a restart)."""
    counts = current().outbox.deliver_due()
    if counts:
        log.info("outbox delivered: %s", counts)
    return counts
