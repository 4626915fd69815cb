"""Goal owners before the digest (freezegun): each owner nudged once, inside their own working
hours (Honolulu UTC-10 and Tokyo UTC+9 in one workspace, New York across its DST change), never
after the digest; skipped when progress was logged, when turned off, away, on a holiday, or
deactivated; a failing users.info falls back to the workspace's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.goals.nudges import nudge_goal_owners
from bot.goals.views.digest import LOG_PROGRESS
from bot.platform.runtime import Runtime, build_runtime
from bot.system import jobs
from storage import goals, people, workspaces
from tests.blockkit import assert_valid_message
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import DIGEST_CHANNEL, MKT, SALES, make_goal

# The digest posts Monday 2026-03-09 09:00 Paris (08:00 UTC); the nudge opens 24 h before.
DIGEST = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
HONOLULU_FRIDAY_NINE = datetime(2026, 3, 6, 19, 0, tzinfo=UTC)  # no working hour Sun-Mon 08:00 UTC
TOKYO_MONDAY_NINE = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)


def setup(engine: Engine, slack: FakeSlack, sales_tz: str = "Pacific/Honolulu") -> int:
    slack.users[SALES] = {"tz": sales_tz}
    slack.users[MKT] = {"tz": "Asia/Tokyo"}
    with Session(engine, expire_on_commit=False) as session:
        workspaces.update(session, TEAM, "UTC", timezone="Europe/Paris",
                          digest_channel=DIGEST_CHANNEL, digest_time="09:00")  # fmt: skip
        goal = make_goal(session, TEAM)
        with freeze_time(DIGEST - timedelta(days=10)):  # before this digest period
            goals.log_progress(session, TEAM, goal.id or 0, SALES, 30, is_delta=False)
        return goal.id or 0


def run(runtime: Runtime, now: datetime) -> dict:
    """One tick's scan, then the outbox's worker run (the scan only records the nudges)."""
    with freeze_time(now):
        done = nudge_goal_owners(runtime, now)
        runtime.outbox.deliver_due()
        return done


def dms(slack: FakeSlack, user: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user]


def test_each_owner_is_nudged_once_inside_their_own_working_hours(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(engine, slack)
    assert run(runtime, HONOLULU_FRIDAY_NINE - timedelta(minutes=1)).get("sent") is None
    assert run(runtime, HONOLULU_FRIDAY_NINE) == {"sent": 1, "waiting": 1}
    run(runtime, HONOLULU_FRIDAY_NINE + timedelta(minutes=1))
    (sales,) = dms(slack, SALES)
    assert dms(slack, MKT) == []
    assert len(slack.calls_to("users.info")) == 2  # each zone asked once, cached for a day
    run(runtime, TOKYO_MONDAY_NINE - timedelta(minutes=1))
    assert dms(slack, MKT) == []
    run(runtime, TOKYO_MONDAY_NINE)
    run(runtime, TOKYO_MONDAY_NINE)
    (mkt,) = dms(slack, MKT)
    assert_valid_message(mkt.params)
    assert "Signed contracts" in str(mkt.params["blocks"]) and "30/100 deals" in str(mkt.params)
    assert "Monday 17:00 your time" in mkt.params["blocks"][0]["text"]["text"]  # Tokyo
    assert "Sunday 22:00 your time" in sales.params["blocks"][0]["text"]["text"]  # Honolulu
    assert mkt.params["blocks"][1]["elements"][0]["action_id"] == LOG_PROGRESS


def test_an_owner_who_logged_progress_is_not_nudged(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    goal_id = setup(engine, slack)
    with Session(engine) as session, freeze_time(DIGEST - timedelta(days=3)):
        goals.log_progress(session, TEAM, goal_id, MKT, 2, is_delta=True)
    run(runtime, HONOLULU_FRIDAY_NINE)
    run(runtime, TOKYO_MONDAY_NINE)
    assert slack.calls_to("chat.postMessage") == []


def test_nudges_turned_off_send_nothing(runtime: Runtime, slack: FakeSlack, engine: Engine) -> None:
    setup(engine, slack)
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", nudge_goals=False)
    run(runtime, HONOLULU_FRIDAY_NINE)
    run(runtime, TOKYO_MONDAY_NINE)
    assert slack.calls_to("chat.postMessage") == []


def test_a_nudge_missed_while_down_is_sent_late_only_before_the_digest(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(engine, slack)
    restarted = build_runtime(runtime.settings, engine=engine)
    # Back up Monday 07:00 UTC: 16:00 in Tokyo (sent late), 21:00 Sunday in Honolulu (not).
    with freeze_time(DIGEST - timedelta(hours=1)):
        jobs.tick(DIGEST - timedelta(hours=1), restarted)
        jobs.bind(restarted)
        try:
            jobs.deliver_outbox()
        finally:
            jobs.bind(None)
    assert len(dms(slack, MKT)) == 1 and dms(slack, SALES) == []
    run(restarted, DIGEST + timedelta(minutes=1))  # after the digest: too late for anyone
    assert dms(slack, SALES) == []


def test_two_processes_ticking_at_once_send_one_nudge(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(engine, slack)
    other = build_runtime(runtime.settings, engine=engine)
    run(runtime, TOKYO_MONDAY_NINE)
    run(other, TOKYO_MONDAY_NINE)
    assert len(dms(slack, MKT)) == 1


def test_nine_in_new_york_moves_across_its_dst_change(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(engine, slack, sales_tz="America/New_York")  # DST starts Sunday 2026-03-08
    run(runtime, datetime(2026, 3, 6, 13, 59, tzinfo=UTC))
    assert dms(slack, SALES) == []
    run(runtime, datetime(2026, 3, 6, 14, 0, tzinfo=UTC))  # Fri 09:00 EST
    assert len(dms(slack, SALES)) == 1
    # The next week: no progress again; Friday 09:00 EDT is 13:00 UTC.
    run(runtime, datetime(2026, 3, 13, 13, 0, tzinfo=UTC))
    assert len(dms(slack, SALES)) == 2


def test_an_away_owner_and_a_holiday_get_no_nudge(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(engine, slack)
    with Session(engine) as session:
        people.set_away(session, TEAM, MKT, date(2026, 3, 9), date(2026, 3, 13), "offsite")
        people.add_holiday(session, TEAM, date(2026, 3, 6), "Founders' day")
    run(runtime, HONOLULU_FRIDAY_NINE)  # a holiday: Honolulu's last working day is Thursday
    run(runtime, TOKYO_MONDAY_NINE)
    assert slack.calls_to("chat.postMessage") == []


def test_the_holiday_moves_the_nudge_to_the_working_day_before(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(engine, slack)
    with Session(engine) as session:
        people.add_holiday(session, TEAM, date(2026, 3, 6), "Founders' day")
    run(runtime, HONOLULU_FRIDAY_NINE - timedelta(days=1))  # Thursday 09:00 in Honolulu
    assert len(dms(slack, SALES)) == 1


def test_a_deactivated_owner_gets_no_dm_and_a_failed_lookup_uses_the_workspace_zone(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(engine, slack)
    slack.users[SALES] = {"deleted": True, "tz": "Pacific/Honolulu"}
    slack.fail("users.info", status=200, error="fatal_error")  # the first lookup: MKT's
    # Friday 09:00 in Paris (08:00 UTC): the marketer, whose zone Slack did not give, is
    # nudged in the workspace's zone; the deactivated sales owner never.
    run(runtime, datetime(2026, 3, 6, 7, 59, tzinfo=UTC))
    assert slack.calls_to("chat.postMessage") == []
    run(runtime, datetime(2026, 3, 6, 8, 0, tzinfo=UTC))
    run(runtime, HONOLULU_FRIDAY_NINE)
    run(runtime, TOKYO_MONDAY_NINE)
    posted = [c.params["channel"] for c in slack.calls_to("chat.postMessage")]
    assert posted == [MKT]


def test_a_failed_refresh_keeps_the_owners_known_zone(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """A day after Honolulu was cached, users.info is rate limited: the nudge still waits for
    09:00 in Honolulu rather than going at 09:00 in Paris (22:00 the evening before there)."""
    setup(engine, slack)
    run(runtime, datetime(2026, 3, 4, 9, 0, tzinfo=UTC))  # caches both zones
    slack.fail("users.info", status=200, error="ratelimited", times=-1)
    run(runtime, datetime(2026, 3, 6, 8, 0, tzinfo=UTC))
    assert dms(slack, SALES) == []
    run(runtime, HONOLULU_FRIDAY_NINE)
    assert len(dms(slack, SALES)) == 1
