"""A "which goal?" click stores the progress in its ack and replies from its follow-up. Before,
the ack itself called the response_url after the commit: a slow URL timed the click out, and
one that failed turned a stored update into "Something went wrong" (found by review)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.goals.views import goals as goal_views
from bot.platform.runtime import Runtime
from storage import goals
from storage.models import GoalUpdate
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import make_goal
from tests.http_mode import lazy_rows, run_queue
from tests.slack_signing import SlackHTTP, block_action_payload

FAULTS: dict[str, Callable[[FakeSlack], None]] = {
    "a 500": lambda slack: slack.fail("response_url", status=500),
    "a dropped connection": lambda slack: slack.drop("response_url", times=2),  # and its retry
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failed_reply_is_retried_and_the_progress_stored_once(
    fault: str, web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    FAULTS[fault](slack)
    url = slack.new_response_url()
    value = json.dumps({"g": goal.id, "v": "+3", "n": ""})
    click = block_action_payload(
        f"{goal_views.PICK_ACTION}_0", value, user_id=ADMIN, response_url=url
    )
    assert web.action(click)[0] == 200  # the click is taken, whatever the URL does
    assert slack.responses(url) == []  # the web worker did not wait on the response_url
    with Session(engine) as session:
        assert len(list(session.exec(select(GoalUpdate)))) == 1
    background.outbox.deliver_due()  # the reply fails: the follow-up is kept for a retry
    (row,) = lazy_rows(engine, "tell_picked")
    assert row.status == "pending" and row.error
    run_queue(background, engine)
    (row,) = lazy_rows(engine, "tell_picked")
    assert row.status == "sent"
    said = [c.params["text"] for c in slack.responses(url) if c.status == 200]
    assert len(said) == 1 and "+3 logged" in said[0] and "went wrong" not in said[0]
    assert slack.responses(url)[-1].params["replace_original"] is True
    with Session(engine) as session:
        assert len(list(session.exec(select(GoalUpdate)))) == 1
        assert goals.get(session, TEAM, goal.id or 0).current_value == 3  # type: ignore[union-attr]


def test_a_refused_click_is_told_from_the_follow_up_and_stores_nothing(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    url = slack.new_response_url()
    value = json.dumps({"g": goal.id, "v": "+3", "n": ""})
    click = block_action_payload(
        f"{goal_views.PICK_ACTION}_0", value, user_id="U0STRANGE1", response_url=url
    )
    assert web.action(click)[0] == 200
    background.outbox.deliver_due()
    (reply,) = slack.responses(url)
    assert ":lock:" in reply.params["text"]
    with Session(engine) as session:
        assert list(session.exec(select(GoalUpdate))) == []
