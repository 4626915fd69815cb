"""Time in, occurrences out: which scheduled moment (digest, agenda...) is due now.

Features store *when* something recurs as an APScheduler trigger (time-zone aware, DST-correct);
the every-minute tick asks `due_occurrence` and posts through the outbox under a key made from the
occurrence, so a double-fired tick or a restart never posts twice, and a restart within the grace
window still posts what was missed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

_TINY = timedelta(microseconds=1)


def occurrences(trigger: BaseTrigger, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time of `trigger` in [start, end] (aware datetimes)."""
    found: list[datetime] = []
    moment = trigger.get_next_fire_time(None, start)
    while moment is not None and moment <= end:
        found.append(moment)
        moment = trigger.get_next_fire_time(moment, moment + _TINY)
    return found


def due_occurrence(trigger: BaseTrigger, now: datetime, grace: timedelta) -> datetime | None:
    """The latest fire time in (now - grace, now], or None when nothing is due."""
    found = occurrences(trigger, now - grace + _TINY, now)
    return found[-1] if found else None


def next_occurrence(trigger: BaseTrigger, now: datetime) -> datetime | None:
    return trigger.get_next_fire_time(None, now + _TINY)
