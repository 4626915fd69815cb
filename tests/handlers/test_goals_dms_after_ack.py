"""The goal and progress forms answer Slack without waiting on Slack: their confirmation DM is
recorded with the write and sent afterwards by the outbox, even when chat.postMessage is slow."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.goals.views import goals as views
from bot.platform.runtime import Runtime
from storage.models import OutboxMessage
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import form, make_goal
from tests.slack_signing import SlackHTTP, view_submission_payload

SLOW = 2.0  # seconds the fake Slack takes to answer chat.postMessage


def progress_form(engine: Engine) -> dict[str, Any]:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    values = {
        "goal": {"value": {"type": "static_select", "selected_option": {"value": str(goal.id)}}},
        "progress": {"value": {"type": "plain_text_input", "value": "+4"}},
        "note": {"value": {"type": "plain_text_input", "value": None}},
    }
    return view_submission_payload(views.LOG_CALLBACK, values, user_id=ADMIN)


def goal_form(engine: Engine) -> dict[str, Any]:
    return view_submission_payload(views.FORM_CALLBACK, form(), user_id=ADMIN)


@pytest.mark.parametrize(
    ("submission", "expected"), [(progress_form, "+4 logged"), (goal_form, "Signed contracts")]
)
def test_the_ack_does_not_wait_for_the_dm(
    http: SlackHTTP,
    slack: FakeSlack,
    runtime: Runtime,
    engine: Engine,
    submission: Any,
    expected: str,
) -> None:
    payload = submission(engine)
    slack.slow("chat.postMessage", SLOW)
    started = time.monotonic()
    assert http.submit(payload) == (200, "")
    assert time.monotonic() - started < SLOW / 2
    (row,) = outbox_rows(engine)
    assert row.status in ("pending", "sending")  # recorded; Slack has not answered it yet
    runtime.outbox.deliver_due()  # what the background worker does (if it has not already)
    (dm,) = slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == ADMIN and expected in dm.params["text"]
    assert http.submit(payload) == (200, "")  # delivered again: no second row, no second DM
    assert [r.id for r in outbox_rows(engine)] == [row.id]


def outbox_rows(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage)))
