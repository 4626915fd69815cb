"""A double click on a "which goal?" button logs the progress once. Before, the key was the
click's trigger id, which Slack makes new for every click (found by review)."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.goals.views import goals as goal_views
from storage import goals
from storage.models import GoalUpdate
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import make_goal
from tests.slack_signing import SlackHTTP, block_action_payload


def test_double_click_on_a_choice_logs_once(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    value = json.dumps({"g": goal.id, "v": "+3", "n": ""})
    for trigger in ("111.222.aaa", "111.222.bbb"):  # the same button, clicked twice quickly
        http.action(
            block_action_payload(
                f"{goal_views.PICK_ACTION}_0",
                value,
                user_id=ADMIN,
                trigger_id=trigger,
                message_ts="1700000100.000600",
            )
        )
    with Session(engine) as session:
        updates = list(session.exec(select(GoalUpdate)))
        value_now = goals.get(session, TEAM, goal.id).current_value
    assert len(updates) == 1 and value_now == 3
