"""Working hours, pure: is this moment inside a person's working hours, and when is the next one.

Times are the person's local wall clock (`zoneinfo`, so daylight-saving changes hold); a holiday
is a date, the same calendar day in every zone. Moments in and out are aware datetimes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
LOOKAHEAD_DAYS = 60  # no working day in two months: the person has none (days all off)


@dataclass(frozen=True)
class WorkingHours:
    zone: ZoneInfo
    start: time = time(9, 0)
    end: time = time(18, 0)
    days: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays, Monday = 1
    holidays: frozenset[date] = frozenset()

    def works_on(self, day: date) -> bool:
        return day.isoweekday() in self.days and day not in self.holidays

    def span(self, day: date) -> tuple[datetime, datetime]:
        """The working block of a (working) day, as aware UTC moments."""
        begin = datetime.combine(day, self.start, self.zone).astimezone(UTC)
        return begin, datetime.combine(day, self.end, self.zone).astimezone(UTC)


def clock(text: str) -> time | None:
    """`09:00` -> time(9, 0); None when it is not a 24-hour HH:MM."""
    match = CLOCK.match(text.strip())
    return time(int(match[1]), int(match[2])) if match else None


def is_working(moment: datetime, hours: WorkingHours) -> bool:
    """Whether `moment` falls in the person's working hours (not a weekend, not a holiday)."""
    local = moment.astimezone(hours.zone)
    if not hours.works_on(local.date()):
        return False
    begin, end = hours.span(local.date())
    return begin <= moment < end


def next_working_moment(moment: datetime, hours: WorkingHours) -> datetime | None:
    """`moment` itself when it is in working hours, else the start of the next working block."""
    if is_working(moment, hours):
        return moment
    day = moment.astimezone(hours.zone).date()
    for offset in range(LOOKAHEAD_DAYS):
        candidate = day + timedelta(days=offset)
        if hours.works_on(candidate):
            begin, _ = hours.span(candidate)
            if begin > moment:
                return begin
    return None


def last_block_start(before: datetime, hours: WorkingHours) -> datetime | None:
    """The start of the last working block that begins before `before`."""
    day = before.astimezone(hours.zone).date()
    for offset in range(LOOKAHEAD_DAYS):
        candidate = day - timedelta(days=offset)
        if hours.works_on(candidate):
            begin, _ = hours.span(candidate)
            if begin < before:
                return begin
    return None


def add_working_hours(start: datetime, amount: timedelta, hours: WorkingHours) -> datetime | None:
    """The moment `amount` of working time has passed since `start` (None: beyond two months)."""
    left = amount
    day = start.astimezone(hours.zone).date()
    for offset in range(LOOKAHEAD_DAYS):
        candidate = day + timedelta(days=offset)
        if not hours.works_on(candidate):
            continue
        begin, end = hours.span(candidate)
        begin = max(begin, start)
        if begin >= end:
            continue
        if end - begin >= left:
            return begin + left
        left -= end - begin
    return None
