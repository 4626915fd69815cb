"""Time in, occurrences out: which scheduled moment (digest, agenda...) is due now.

Features store *when* something recurs as an APScheduler trigger (time-zone aware, DST-correct);
the every-minute tick asks `due_occurrence` and posts through the outbox under a key made from the
occurrence, so a double-fired tick or a restart never posts twice, and a restart within the grace
window still posts what was missed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

_TINY = timedelta(microseconds=1)


def occurrences(trigger: BaseTrigger, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time of `trigger` in [start, end] (aware datetimes), each wall-clock time
    once: when the clocks go back, a time in the repeated hour fires in its first pass only.

    Steps are taken in UTC. Two aware datetimes in the same zone compare by wall clock,
    ignoring `fold`, so the second 01:30 of a night whose clocks go back, plus a microsecond,
    is earlier than itself: stepping in local time (or handing APScheduler the previous fire
    time, which it steps the same way) returned that 01:30 forever and hung the tick."""
    found: list[datetime] = []
    walls: set[datetime] = set()
    end_utc = end.astimezone(UTC)
    moment = trigger.get_next_fire_time(None, start)
    while moment is not None and moment.astimezone(UTC) <= end_utc:
        wall = moment.replace(tzinfo=None, fold=0)
        if wall not in walls:
            walls.add(wall)
            found.append(moment)
        after = moment.astimezone(UTC) + _TINY
        following = trigger.get_next_fire_time(None, after)
        if following is not None and following.astimezone(UTC) < after:
            break  # never step back: a trigger that does is not looped on
        moment = following
    return found


def due_occurrence(trigger: BaseTrigger, now: datetime, grace: timedelta) -> datetime | None:
    """The latest fire time in (now - grace, now], or None when nothing is due."""
    found = occurrences(trigger, now - grace + _TINY, now)
    return found[-1] if found else None


def next_occurrence(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The first fire time strictly after `now`, stepping in UTC (see `occurrences`); the
    second pass of a repeated hour is skipped, as `occurrences` skips it."""
    moment = trigger.get_next_fire_time(None, now.astimezone(UTC) + _TINY)
    if moment is not None and _repeated(moment):
        moment = trigger.get_next_fire_time(None, moment.astimezone(UTC) + _TINY)
    return moment


def _repeated(moment: datetime) -> bool:
    """`moment` is the second pass of a wall-clock time (the hour the clocks go back)."""
    first = moment.replace(fold=0)
    return moment.fold == 1 and first.astimezone(UTC) != moment.astimezone(UTC)
