"""Occurrences: time in, fire times out — across a daylight-saving change."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.kernel.schedule import due_occurrence, next_occurrence, occurrences

PARIS = ZoneInfo("Europe/Paris")
MONDAY_9 = CronTrigger(day_of_week="mon", hour=9, minute=0, timezone=PARIS)


def test_monday_nine_local_across_dst_end() -> None:
    # Paris leaves summer time on Sunday 2026-10-25: 09:00 local is 07:00 UTC before, 08:00 after.
    found = occurrences(
        MONDAY_9, datetime(2026, 10, 18, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)
    )
    assert [f.astimezone(UTC).hour for f in found] == [7, 8, 8]  # Oct 19, Oct 26, Nov 2
    assert all(f.astimezone(PARIS).hour == 9 for f in found)


def test_due_only_within_grace() -> None:
    fire = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 Paris
    assert due_occurrence(MONDAY_9, fire - timedelta(minutes=1), timedelta(hours=6)) is None
    assert due_occurrence(MONDAY_9, fire, timedelta(hours=6)) == fire
    assert due_occurrence(MONDAY_9, fire + timedelta(hours=5), timedelta(hours=6)) == fire
    assert due_occurrence(MONDAY_9, fire + timedelta(hours=7), timedelta(hours=6)) is None


def test_next_occurrence_is_strictly_after_now() -> None:
    fire = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert next_occurrence(MONDAY_9, fire) == fire + timedelta(days=7)


@contextmanager
def gives_up_after(seconds: int) -> Iterator[None]:
    """Turn a hang into a failure (the old stepping looped forever)."""

    def hung(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_time_in_the_hour_the_clocks_repeat_fires_once_and_the_tick_ends() -> None:
    """New York's clocks go back on Sunday 1 Nov 2026 at 02:00: 01:30 happens twice. A digest
    at Sunday 01:30 is due once that night (its first 01:30), and the scan ends (it hung the
    tick, at 100 % CPU, for every workspace; found by review)."""
    new_york = ZoneInfo("America/New_York")
    sunday_0130 = CronTrigger(day_of_week="sun", hour=1, minute=30, timezone=new_york)
    with gives_up_after(10):
        found = occurrences(
            sunday_0130, datetime(2026, 10, 28, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)
        )
        late_that_night = due_occurrence(
            sunday_0130, datetime(2026, 11, 1, 7, 0, tzinfo=UTC), timedelta(days=7)
        )
    assert [o.astimezone(UTC) for o in found] == [
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT, the first pass
        datetime(2026, 11, 8, 6, 30, tzinfo=UTC),  # 01:30 EST a week later
    ]
    assert late_that_night is not None
    assert late_that_night.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_a_time_the_clocks_skip_fires_once() -> None:
    """02:30 does not exist on Sunday 8 Mar 2026 in New York: it fires once, at 03:30 EDT."""
    new_york = ZoneInfo("America/New_York")
    sunday_0230 = CronTrigger(day_of_week="sun", hour=2, minute=30, timezone=new_york)
    with gives_up_after(10):
        found = occurrences(
            sunday_0230, datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 3, 12, tzinfo=UTC)
        )
    assert [o.astimezone(UTC) for o in found] == [datetime(2026, 3, 8, 7, 30, tzinfo=UTC)]


def test_the_next_meeting_after_a_repeated_hour_is_a_week_later() -> None:
    """After the first 01:30 of the night the clocks go back, the next is next week's, not
    the same wall-clock time an hour later (an agenda would go out twice)."""
    new_york = ZoneInfo("America/New_York")
    sunday_0130 = CronTrigger(day_of_week="sun", hour=1, minute=30, timezone=new_york)
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC).astimezone(new_york)
    following = next_occurrence(sunday_0130, first)
    assert following is not None
    assert following.astimezone(UTC) == datetime(2026, 11, 8, 6, 30, tzinfo=UTC)
