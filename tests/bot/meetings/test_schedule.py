"""Series schedules: time in, meeting and agenda post time out, in the series time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.kernel.schedule import occurrences
from bot.meetings.schedule import (
    ScheduleError,
    ScheduleSpec,
    due_meeting,
    make_trigger,
    next_meeting,
)

PARIS = ZoneInfo("Europe/Paris")
NY = ZoneInfo("America/New_York")
DAY = timedelta(hours=24)


def test_weekly_meeting_agenda_due_at_lead_time_in_series_zone() -> None:
    trigger = make_trigger(ScheduleSpec("weekly", weekday=0, time="09:00", timezone="Europe/Paris"))
    meeting = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)  # Monday
    post_at = meeting - DAY
    assert due_meeting(trigger, post_at - timedelta(minutes=1), DAY) is None
    assert due_meeting(trigger, post_at, DAY) == meeting
    assert due_meeting(trigger, meeting - timedelta(minutes=1), DAY) == meeting
    # once the meeting has started, the next one is a week away: nothing due
    assert due_meeting(trigger, meeting, DAY) is None


def test_nth_weekday_and_last_weekday() -> None:
    second_tue = make_trigger(
        ScheduleSpec("nth_weekday", weekday=1, nth=2, time="14:30", timezone="America/New_York")
    )
    found = occurrences(
        second_tue, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert [f.astimezone(NY).date().isoformat() for f in found] == [
        "2026-01-13",
        "2026-02-10",
        "2026-03-10",
    ]
    assert all(f.astimezone(NY).strftime("%H:%M") == "14:30" for f in found)
    last_fri = make_trigger(ScheduleSpec("nth_weekday", weekday=4, nth=-1, timezone="UTC"))
    first = next_meeting(last_fri, datetime(2026, 2, 1, tzinfo=UTC))
    assert first is not None and first.date().isoformat() == "2026-02-27"


def test_day_of_month_and_cron() -> None:
    monthly = make_trigger(ScheduleSpec("day_of_month", day=15, time="10:00", timezone="UTC"))
    assert next_meeting(monthly, datetime(2026, 2, 16, tzinfo=UTC)) == datetime(
        2026, 3, 15, 10, tzinfo=UTC
    )
    quarterly = make_trigger(
        ScheduleSpec("cron", cron="0 16 1 1,4,7,10 *", timezone="Europe/Paris")
    )
    nxt = next_meeting(quarterly, datetime(2026, 4, 2, tzinfo=UTC))
    assert nxt == datetime(2026, 7, 1, 16, 0, tzinfo=PARIS)


def test_skipped_dates_and_pause() -> None:
    trigger = make_trigger(ScheduleSpec("weekly", weekday=0, time="09:00", timezone="Europe/Paris"))
    meeting = datetime(2026, 12, 28, 9, 0, tzinfo=PARIS)
    now = meeting - timedelta(hours=2)
    assert due_meeting(trigger, now, DAY) == meeting
    assert due_meeting(trigger, now, DAY, frozenset({"2026-12-28"})) is None
    assert next_meeting(trigger, now, frozenset({"2026-12-28"})) == meeting + timedelta(days=7)
    assert due_meeting(trigger, now, DAY, paused=True) is None


def test_daylight_saving_change_keeps_local_time() -> None:
    # Paris leaves summer time on Sunday 2026-10-25.
    trigger = make_trigger(ScheduleSpec("weekly", weekday=0, time="09:00", timezone="Europe/Paris"))
    before = next_meeting(trigger, datetime(2026, 10, 18, tzinfo=UTC))
    after = next_meeting(trigger, datetime(2026, 10, 25, tzinfo=UTC))
    assert before is not None and after is not None
    assert before.astimezone(UTC).hour == 7 and after.astimezone(UTC).hour == 8
    assert after.astimezone(PARIS).hour == 9
    # the agenda goes out 24 h before: Sunday 08:00 UTC, 09:00 local after the change
    assert due_meeting(trigger, datetime(2026, 10, 25, 7, 59, tzinfo=UTC), DAY) is None
    assert due_meeting(trigger, datetime(2026, 10, 25, 8, 0, tzinfo=UTC), DAY) == after


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (ScheduleSpec("cron", cron="61 * * * *"), "cron"),
        (ScheduleSpec("cron", cron="every monday"), "cron"),
        (ScheduleSpec("weekly", time="25:00"), "time"),
        (ScheduleSpec("weekly", time="9am"), "time"),
        (ScheduleSpec("weekly", timezone="Mars/Base"), "timezone"),
        (ScheduleSpec("day_of_month", day=31), "day"),
        (ScheduleSpec("nth_weekday", nth=7), "nth"),
        (ScheduleSpec("sometimes"), "pattern"),
    ],
)
def test_bad_schedules_name_the_field(spec: ScheduleSpec, field: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        make_trigger(spec)
    assert caught.value.field == field
