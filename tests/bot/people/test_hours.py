"""Working hours at their edges: DST in the person's zone, UTC-10 and UTC+9 side by side,
the first and last minute of the day, weekends and holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.people.hours import (
    WorkingHours,
    add_working_hours,
    clock,
    is_working,
    last_block_start,
    next_working_moment,
)

HONOLULU = WorkingHours(ZoneInfo("Pacific/Honolulu"))  # UTC-10, no DST
TOKYO = WorkingHours(ZoneInfo("Asia/Tokyo"))  # UTC+9, no DST
PARIS = WorkingHours(ZoneInfo("Europe/Paris"))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_one_moment_is_working_time_in_tokyo_and_the_night_in_honolulu() -> None:
    moment = utc(2026, 3, 3, 1, 0)  # Tue 10:00 in Tokyo, Mon 15:00 in Honolulu
    assert is_working(moment, TOKYO)
    assert is_working(moment, HONOLULU)
    later = utc(2026, 3, 3, 13, 0)  # Tue 22:00 in Tokyo, Tue 03:00 in Honolulu
    assert not is_working(later, TOKYO)
    assert not is_working(later, HONOLULU)
    assert next_working_moment(later, HONOLULU) == utc(2026, 3, 3, 19, 0)  # Tue 09:00 HST
    assert next_working_moment(later, TOKYO) == utc(2026, 3, 4, 0, 0)  # Wed 09:00 JST


@pytest.mark.parametrize(
    ("local", "inside"),
    [(time(8, 59), False), (time(9, 0), True), (time(17, 59), True), (time(18, 0), False)],
)
def test_the_working_day_starts_at_nine_sharp_and_ends_before_six(
    local: time, inside: bool
) -> None:
    moment = datetime.combine(date(2026, 3, 4), local, ZoneInfo("Asia/Tokyo"))
    assert is_working(moment, TOKYO) is inside


def test_a_friday_evening_waits_for_monday_morning() -> None:
    friday_evening = datetime(2026, 3, 6, 18, 30, tzinfo=ZoneInfo("Pacific/Honolulu"))
    assert next_working_moment(friday_evening, HONOLULU) == datetime(
        2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Pacific/Honolulu")
    )
    assert not is_working(
        datetime(2026, 3, 7, 11, 0, tzinfo=ZoneInfo("Pacific/Honolulu")), HONOLULU
    )


def test_a_holiday_is_skipped_like_a_weekend() -> None:
    hours = WorkingHours(ZoneInfo("Asia/Tokyo"), holidays=frozenset({date(2026, 3, 9)}))
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert next_working_moment(saturday, hours) == datetime(
        2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")
    )


def test_nine_local_moves_in_utc_across_the_dst_change() -> None:
    # Europe/Paris leaves summer time on Sunday 2026-10-25.
    before = next_working_moment(utc(2026, 10, 23, 3, 0), PARIS)
    after = next_working_moment(utc(2026, 10, 26, 3, 0), PARIS)
    assert before == utc(2026, 10, 23, 7, 0)  # 09:00 CEST
    assert after == utc(2026, 10, 26, 8, 0)  # 09:00 CET
    assert is_working(utc(2026, 10, 26, 16, 59), PARIS)
    assert not is_working(utc(2026, 10, 26, 17, 0), PARIS)  # 18:00 CET


def test_working_hours_add_up_over_nights_and_weekends() -> None:
    friday_five = datetime(2026, 3, 6, 17, 0, tzinfo=ZoneInfo("Europe/Paris"))
    due = add_working_hours(friday_five, timedelta(hours=10), PARIS)
    # 1 h on Friday, 9 h on Monday.
    assert due == datetime(2026, 3, 9, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert add_working_hours(friday_five, timedelta(hours=24), PARIS) == datetime(
        2026, 3, 11, 14, 0, tzinfo=ZoneInfo("Europe/Paris")
    )


def test_the_last_block_before_a_monday_digest_is_friday() -> None:
    monday_nine = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert last_block_start(monday_nine, PARIS) == datetime(
        2026, 3, 6, 9, 0, tzinfo=ZoneInfo("Europe/Paris")
    )


def test_a_person_with_no_working_day_has_no_working_moment() -> None:
    never = WorkingHours(ZoneInfo("UTC"), days=frozenset())
    assert next_working_moment(utc(2026, 3, 3, 10, 0), never) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:00", time(9)), ("7:30", time(7, 30)), ("24:00", None), ("9am", None)],
)
def test_clock_reads_a_24_hour_time(text: str, expected: time | None) -> None:
    assert clock(text) == expected
