"""The zone cache behind every self-initiated DM: a failed users.info keeps what is known (a rate
limit or an outage says nothing about the person) and is tried again within the hour; only
Slack's "this user is gone" errors mark a person deactivated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.people.reach import reach_of
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
