"""The Home tab: published on open, fits the role, refreshed after the person acts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage import roles
from tests.blockkit import assert_valid_blocks
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackHTTP


def opened(user: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME0001",
        "tab": "home",
        "event_ts": "1700000100.000100",
    }


def published_for(slack: FakeSlack, user: str, count: int = 1) -> dict[str, Any]:
    calls = slack.wait_for("views.publish", count, where=lambda c: c.params.get("user_id") == user)
    view = calls[-1].json("view")
    assert view["type"] == "home"
    assert_valid_blocks(view["blocks"], 100)
    return dict(view)


def test_home_fits_the_role(http: SlackHTTP, slack: FakeSlack, session: Session) -> None:
    roles.grant(session, TEAM, "U0MKT00001", "marketer", ADMIN)
    http.event(opened("U0MKT00001"))
    assert "You're a marketer" in str(published_for(slack, "U0MKT00001"))
    http.event(opened("U0NEW00001"))
    assert "Ask an admin for a role" in str(published_for(slack, "U0NEW00001"))


def test_home_is_refreshed_after_the_person_acts(http: SlackHTTP, slack: FakeSlack) -> None:
    http.event(opened(ADMIN))
    published_for(slack, ADMIN, 1)
    http.command("/lockstep", "roles", user_id=ADMIN)
    published_for(slack, ADMIN, 2)


def test_no_refresh_for_people_who_never_opened_home(http: SlackHTTP, slack: FakeSlack) -> None:
    http.command("/lockstep", "roles", user_id="U0QUIET001")
    http.event(opened(ADMIN))
    published_for(slack, ADMIN)
    assert all(c.params.get("user_id") != "U0QUIET001" for c in slack.calls_to("views.publish"))


def test_messages_tab_is_not_the_home(http: SlackHTTP, slack: FakeSlack) -> None:
    http.event({**opened(ADMIN), "tab": "messages"})
    http.event(opened("U0OTHER001"))
    published_for(slack, "U0OTHER001")
    assert all(c.params.get("user_id") != ADMIN for c in slack.calls_to("views.publish"))
