"""Occurrences: time in, fire times out — across a daylight-saving change."""

from __future__ import annotations

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
