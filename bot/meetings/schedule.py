"""When a series meets: an APScheduler trigger in the series time zone, and which agenda is due.

Patterns: weekly (weekday + time), nth weekday of the month, day of the month, or a cron
expression (custom). The agenda of a meeting is due from `meeting - lead time` until the meeting
starts; skipped dates and paused series post nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.kernel.parsing import time_zone
from bot.kernel.schedule import next_occurrence

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
LOOKAHEAD = 60  # skipped meetings examined before giving up


class ScheduleError(ValueError):
    """A schedule field is wrong; `field` names the modal block to show the message on."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ScheduleSpec:
    pattern: str = "weekly"  # weekly | nth_weekday | day_of_month | cron
    weekday: int = 0
    nth: int = 1
    day: int = 1
    time: str = "09:00"
    cron: str | None = None
    timezone: str = "UTC"


def zone(name: str) -> ZoneInfo:
    found = time_zone(name)
    if found is None:
        raise ScheduleError("timezone", "That is not a time zone I know, e.g. Europe/Paris.")
    return found


def parse_time(text: str) -> tuple[int, int]:
    match = TIME.match(text.strip())
    if not match:
        raise ScheduleError("time", "Use 24-hour HH:MM, e.g. 09:30.")
    return int(match[1]), int(match[2])


def make_trigger(spec: ScheduleSpec) -> CronTrigger:
    """The trigger for `spec`; ScheduleError names the wrong field."""
    tz = zone(spec.timezone)
    if spec.pattern == "cron":
        expr = (spec.cron or "").strip()
        if len(expr.split()) != 5:
            raise ScheduleError("cron", "A cron expression has 5 fields: min hour day month dow.")
        try:
            return CronTrigger.from_crontab(expr, timezone=tz)
        except ValueError as exc:
            raise ScheduleError("cron", f"That cron expression is not valid: {exc}"[:150]) from exc
    hour, minute = parse_time(spec.time)
    if not 0 <= spec.weekday <= 6:
        raise ScheduleError("weekday", "Pick a weekday.")
    if spec.pattern == "weekly":
        return CronTrigger(
            day_of_week=WEEKDAYS[spec.weekday], hour=hour, minute=minute, timezone=tz
        )
    if spec.pattern == "nth_weekday":
        if spec.nth not in ORDINALS:
            raise ScheduleError("nth", "Pick 1st to 4th, or last.")
        day = f"{ORDINALS[spec.nth]} {WEEKDAYS[spec.weekday]}"
        return CronTrigger(day=day, hour=hour, minute=minute, timezone=tz)
    if spec.pattern == "day_of_month":
        if not 1 <= spec.day <= 28:
            raise ScheduleError("day", "Pick a day from 1 to 28 (every month has it).")
        return CronTrigger(day=spec.day, hour=hour, minute=minute, timezone=tz)
    raise ScheduleError("pattern", "Pick how the series repeats.")


def describe(spec: ScheduleSpec) -> str:
    """'Mondays at 09:00 (Europe/Paris)' and the like (plain text)."""
    if spec.pattern == "cron":
        when = f"cron `{spec.cron}`"
    elif spec.pattern == "nth_weekday":
        when = f"the {ORDINALS.get(spec.nth, '?')} {WEEKDAY_NAMES[spec.weekday]} at {spec.time}"
    elif spec.pattern == "day_of_month":
        when = f"day {spec.day} of each month at {spec.time}"
    else:
        when = f"{WEEKDAY_NAMES[spec.weekday]}s at {spec.time}"
    return f"{when} ({spec.timezone})"


def next_meeting(
    trigger: CronTrigger, after: datetime, skip_dates: frozenset[str] = frozenset()
) -> datetime | None:
    """The first meeting strictly after `after` whose local date is not skipped."""
    moment: datetime | None = after
    for _ in range(LOOKAHEAD):
        assert moment is not None
        moment = next_occurrence(trigger, moment)
        if moment is None:
            return None
        if moment.date().isoformat() not in skip_dates:  # fire times are in the series zone
            return moment
    return None


def meets_on(trigger: CronTrigger, day: date, tz: ZoneInfo) -> bool:
    """True when the series has a meeting on local date `day`."""
    start = datetime.combine(day, datetime.min.time(), tz)
    moment = trigger.get_next_fire_time(None, start)
    return moment is not None and moment.astimezone(tz).date() == day


def due_meeting(
    trigger: CronTrigger,
    now: datetime,
    lead: timedelta,
    skip_dates: frozenset[str] = frozenset(),
    paused: bool = False,
) -> datetime | None:
    """The next meeting whose agenda should be out by `now` (meeting - lead <= now), else None."""
    if paused:
        return None
    meeting = next_meeting(trigger, now, skip_dates)
    if meeting is None or meeting - lead > now:
        return None
    return meeting
