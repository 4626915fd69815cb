"""A delivery is stored once, with its idempotency key in the same transaction as its write.

The write fails (the database is locked) after the delivery was accepted: nothing of it is kept,
and Slack's retry of the same delivery is stored as the first time would have been. Before, a
receipt committed ahead of the write answered the retry "already recorded" with nothing stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from bot.assets.views import catalog as asset_views
from bot.content_requests.views import forms as request_views
from bot.goals.views import goals as goal_views
from bot.platform.runtime import Runtime
from storage import content_requests, goals, meetings
from storage.models import Asset, ContentRequest, Goal, GoalUpdate, OutboxMessage
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import form, make_goal
from tests.handlers.asset_support import MARKETER, REP, grant, sel, txt
from tests.handlers.test_assets import asset_values
from tests.handlers.test_goals_reactions import posted_digest, react, recorded
from tests.meeting_helpers import make_series
from tests.slack_signing import SlackHTTP, reaction_event, view_submission_payload

LEAD = "U0LEAD0001"


@contextmanager
def locked_once(engine: Engine, table: str) -> Iterator[list[str]]:
    """The first INSERT into `table` fails as on a busy SQLite ("database is locked")."""
    failed: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not failed and statement.startswith(f"INSERT INTO {table} "):
            failed.append(statement)
            raise OperationalError(statement, None, Exception("database is locked"))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert failed, f"no INSERT INTO {table} was attempted"


def rows(engine: Engine, model: type) -> list[Any]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(model)))


def test_progress_command_retried_after_a_failed_write_is_recorded(
    http: SlackHTTP, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    with locked_once(engine, "goal_update"):
        http.command("/goal", "update Signed contracts +3", user_id=ADMIN, trigger_id="T.9.x")
    assert rows(engine, GoalUpdate) == []
    _, body = http.command("/goal", "update Signed contracts +3", user_id=ADMIN, trigger_id="T.9.x")
    assert "+3 logged" in body["text"]
    _, body = http.command("/goal", "update Signed contracts +3", user_id=ADMIN, trigger_id="T.9.x")
    assert "already recorded" in body["text"]  # now it really was
    (update,) = rows(engine, GoalUpdate)
    assert update.delta == 3 and update.source_key == "trigger:T.9.x"
    with Session(engine) as session:
        assert goals.get(session, TEAM, goal.id or 0).current_value == 3  # type: ignore[union-attr]


def test_progress_form_retried_after_a_failed_write_is_recorded_with_one_dm(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    values = {
        "goal": {"value": {"type": "static_select", "selected_option": {"value": str(goal.id)}}},
        "progress": {"value": {"type": "plain_text_input", "value": "+4"}},
        "note": {"value": {"type": "plain_text_input", "value": None}},
    }
    submission = view_submission_payload(goal_views.LOG_CALLBACK, values, user_id=ADMIN)
    with locked_once(engine, "goal_update"):
        http.submit(submission)
    assert rows(engine, GoalUpdate) == [] and rows(engine, OutboxMessage) == []
    assert http.submit(submission) == (200, "")
    assert http.submit(submission) == (200, "")
    assert len(rows(engine, GoalUpdate)) == 1 and len(rows(engine, OutboxMessage)) == 1
    runtime.outbox.deliver_due()  # what the background worker does (if it has not already)
    (dm,) = slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == ADMIN and "+4 logged" in dm.params["text"]


def test_goal_form_retried_after_a_failed_write_creates_the_goal(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    payload = view_submission_payload(goal_views.FORM_CALLBACK, form(), user_id=ADMIN)
    with locked_once(engine, "goal"):
        http.submit(payload)
    assert rows(engine, Goal) == [] and rows(engine, OutboxMessage) == []
    assert http.submit(payload) == (200, "")
    assert http.submit(payload) == (200, "")  # delivered once more: found by its key
    (goal,) = rows(engine, Goal)
    assert goal.name == "Signed contracts" and goal.source_key.startswith("view:")
    (dm,) = rows(engine, OutboxMessage)  # one DM recorded, with the goal
    runtime.outbox.deliver_due()
    assert "Signed contracts" in slack.wait_for("chat.postMessage")[0].params["text"]


def test_goal_form_fixed_after_losing_a_race_for_the_name_is_stored(
    http: SlackHTTP, engine: Engine, monkeypatch: Any
) -> None:
    """Another leader takes the name between the check and the write; the person picks another
    name in the same modal (same view id): the goal is created, not "already recorded"."""
    with Session(engine, expire_on_commit=False) as session:
        make_goal(session, TEAM, name="Signed contracts")
    real = goals.name_taken
    monkeypatch.setattr(goals, "name_taken", lambda *a, **k: False)  # the check ran first
    first = view_submission_payload(
        goal_views.FORM_CALLBACK, form(), user_id=ADMIN, view_id="V0RACE0001"
    )
    _, body = http.submit(first)
    assert body["errors"] == {"name": "That name is taken; try another."}
    monkeypatch.setattr(goals, "name_taken", real)
    fixed = view_submission_payload(
        goal_views.FORM_CALLBACK, form(name="Signed EMEA"), user_id=ADMIN, view_id="V0RACE0001"
    )
    assert http.submit(fixed) == (200, "")
    assert sorted(g.name for g in rows(engine, Goal)) == ["Signed EMEA", "Signed contracts"]


def test_asset_form_retried_after_a_failed_write_adds_the_asset(
    http: SlackHTTP, engine: Engine
) -> None:
    grant(engine, MARKETER)
    payload = view_submission_payload(asset_views.ADD_CALLBACK, asset_values(), user_id=MARKETER)
    with locked_once(engine, "asset"):
        http.submit(payload)
    assert rows(engine, Asset) == []
    assert http.submit(payload) == (200, "")
    assert http.submit(payload) == (200, "")
    (asset,) = rows(engine, Asset)
    assert asset.title == "Pricing deck"


def test_reaction_redelivered_after_a_failed_write_is_recorded(
    http: SlackHTTP, runtime: Runtime, engine: Engine
) -> None:
    digest = posted_digest(runtime, engine)
    eyes = reaction_event(
        "eyes", user=MARKETER, item_channel=digest.channel, item_ts=digest.ts or ""
    )
    with locked_once(engine, "digest_reaction"):
        http.event(eyes, event_id="Ev0LOCKED1")
    assert recorded(engine) == []
    react(http, digest, MARKETER, "eyes", event_id="Ev0LOCKED1", retry_num=1)
    assert recorded(engine) == [(MARKETER, "eyes")]


def test_agenda_add_retried_after_a_failed_write_adds_the_topic(
    http: SlackHTTP, session: Session, engine: Engine
) -> None:
    series = make_series(session)
    with locked_once(engine, "meeting_topic"):
        http.command("/agenda", "add Weekly sync Budget", trigger_id="1.2.locked")
    _, body = http.command("/agenda", "add Weekly sync Budget", trigger_id="1.2.locked")
    assert "Added to *Weekly sync*" in body["text"]
    _, body = http.command("/agenda", "add Weekly sync Budget", trigger_id="1.2.locked")
    assert "Already added" in body["text"]
    assert [t.text for t in meetings.open_topics(session, series.id or 0)] == ["Budget"]


def test_delivery_with_a_new_asset_retried_after_a_failed_write_is_delivered(
    http: SlackHTTP, engine: Engine
) -> None:
    grant(engine, MARKETER)
    with Session(engine, expire_on_commit=False) as session:
        request, _ = content_requests.create(session, TEAM, "view:V0REQ", REP, what="A deck")
        content_requests.transition(session, TEAM, request.id or 0, "accepted", priority="P2")
    new_asset = {
        request_views.B_NEW_TITLE: txt("Security one-pager"),
        request_views.B_NEW_URL: txt("https://example.com/sec"),
        request_views.B_NEW_KIND: sel("one-pager"),
    }
    payload = view_submission_payload(
        request_views.DELIVER_CALLBACK,
        new_asset,
        user_id=MARKETER,
        private_metadata=str(request.id),
    )
    with locked_once(engine, "asset"):
        http.submit(payload)
    assert rows(engine, Asset) == [] and rows(engine, ContentRequest)[0].status == "accepted"
    assert http.submit(payload) == (200, "")
    (asset,) = rows(engine, Asset)
    (delivered,) = rows(engine, ContentRequest)
    assert delivered.status == "delivered" and delivered.asset_id == asset.id
