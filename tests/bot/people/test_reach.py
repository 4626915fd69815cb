"""The zone cache behind every self-initiated DM: a failed users.info keeps what is known (a rate
limit or an outage says nothing about the person) and is tried again within the hour; only
Slack's "this user is gone" errors mark a person deactivated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.people.reach import LOOKUPS_PER_MINUTE, _when, reach_of
from bot.platform.runtime import Runtime
from storage import people, workspaces
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
USER = "U0HONOLULU"


def look_up(runtime: Runtime, engine: Engine, now: datetime) -> None:
    with Session(engine, expire_on_commit=False) as session:
        ws = workspaces.get_or_create(session, TEAM, "Europe/Paris")
        reach_of(runtime, session, ws, [USER], now)


def cached(engine: Engine) -> tuple[str | None, bool]:
    with Session(engine) as session:
        person = people.get(session, TEAM, USER)
        assert person is not None
        return person.tz, person.deleted


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 200, "error": "ratelimited"},
        {"status": 429, "retry_after": 0},
        {"status": 503},
        {"status": 200, "error": "account_inactive"},  # the bot's token, not the person
    ],
)
def test_a_failed_refresh_keeps_the_known_zone_and_retries_within_the_hour(
    runtime: Runtime, slack: FakeSlack, engine: Engine, fault: dict
) -> None:
    slack.users[USER] = {"tz": "Pacific/Honolulu"}
    look_up(runtime, engine, NOW)
    slack.fail("users.info", times=-1, **fault)
    look_up(runtime, engine, NOW + timedelta(days=1))
    assert cached(engine) == ("Pacific/Honolulu", False)
    asked = len(slack.calls_to("users.info"))
    look_up(runtime, engine, NOW + timedelta(days=1, minutes=59))
    assert len(slack.calls_to("users.info")) == asked  # not before the hour
    look_up(runtime, engine, NOW + timedelta(days=1, hours=1))
    assert len(slack.calls_to("users.info")) > asked


@pytest.mark.parametrize("error", ["user_not_found", "user_disabled"])
def test_a_user_slack_says_is_gone_is_marked_deactivated(
    runtime: Runtime, slack: FakeSlack, engine: Engine, error: str
) -> None:
    slack.fail("users.info", status=200, error=error)
    look_up(runtime, engine, NOW)
    assert cached(engine) == (None, True)


def reach_many(runtime: Runtime, engine: Engine, users: list[str], now: datetime) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        ws = workspaces.get_or_create(session, TEAM, "Europe/Paris")
        return reach_of(runtime, session, ws, users, now)


def test_look_ups_are_capped_per_minute_and_the_rest_wait(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """A cold cache of 60 people: 50 users.info this minute, the other 10 held (their zone
    unknown, no DM yet) and looked up the next minute."""
    users = [f"U0COLD{n:04d}" for n in range(60)]
    found = reach_many(runtime, engine, users, NOW)
    assert len(slack.calls_to("users.info")) == LOOKUPS_PER_MINUTE
    unsure = [u for u, r in found.items() if r.unsure]
    assert len(unsure) == 10
    assert _when(found[unsure[0]], NOW, False, None) == (None, "later")
    found = reach_many(runtime, engine, users, NOW + timedelta(minutes=1))
    assert len(slack.calls_to("users.info")) == 60
    assert not any(r.unsure for r in found.values())


def test_a_rate_limit_stops_look_ups_for_the_minute(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    slack.fail("users.info", status=200, error="ratelimited")
    users = ["U0FIRST001", "U0SECOND01", "U0THIRD001"]
    found = reach_many(runtime, engine, users, NOW)
    assert len(slack.calls_to("users.info")) == 1
    assert [u for u, r in found.items() if r.unsure] == users[1:]
    reach_many(runtime, engine, users, NOW + timedelta(minutes=1))
    assert len(slack.calls_to("users.info")) == 3  # the failed one waits for its hour


def test_daily_refreshes_are_spread_over_four_hours(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    users = [f"U0SPREAD{n:02d}" for n in range(40)]
    reach_many(runtime, engine, users, NOW)
    with Session(engine) as session:
        fetched = {p.fetched_at for p in people.of(session, TEAM, users).values()}
    assert len(fetched) > 20
    assert all(NOW - timedelta(hours=4) < f.replace(tzinfo=UTC) <= NOW for f in fetched if f)
