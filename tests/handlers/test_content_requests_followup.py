"""The 14-day follow-up: once per delivered request, its button files feedback on the asset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.assets.views import feedback as feedback_views
from bot.content_requests import jobs as request_jobs
from bot.content_requests.views import posts
from bot.platform.runtime import Runtime
from bot.system import jobs
from storage import content_requests, people
from storage.models import AssetFeedback, ContentRequest
from tests.blockkit import assert_valid_message, assert_valid_modal
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.asset_support import MARKETER, OTHER_REP, REP
from tests.handlers.notice_support import notice_of_click
from tests.handlers.test_assets import make_asset
from tests.handlers.test_assets_feedback import feedback_values
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

DELIVERED = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def delivered_request(engine: Engine) -> tuple[int, int]:
    asset = make_asset(engine, "Bank case study")
    with Session(engine) as session:
        request, _ = content_requests.create(session, TEAM, "view:V1", REP, what="Bank story")
        rid = request.id or 0
        content_requests.transition(session, TEAM, rid, "accepted", priority="P1")
        with freeze_time(DELIVERED):
            content_requests.transition(session, TEAM, rid, "delivered", asset_id=asset.id)
    return rid, asset.id or 0


def followups(slack: FakeSlack) -> list:  # type: ignore[type-arg]
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP]


def test_followup_is_sent_once_14_days_after_delivery(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    rid, _ = delivered_request(engine)
    assert request_jobs.run(runtime, DELIVERED + timedelta(days=13, hours=23))["followups"] == 0
    assert followups(slack) == []
    due = DELIVERED + timedelta(days=14, minutes=1)
    with freeze_time(due):
        assert jobs.tick(due, runtime)["content_requests"]["followups"] == 1  # the scheduler's
        assert request_jobs.run(runtime, due + timedelta(minutes=1))["followups"] == 0
        runtime.outbox.deliver_due()  # the tick recorded the DM; the worker sends it
    (dm,) = followups(slack)
    message = {"text": dm.params["text"], "blocks": dm.json("blocks")}
    assert_valid_message(message)
    button = message["blocks"][0]["accessory"]
    assert button["action_id"] == posts.FOLLOWUP_BUTTON and button["value"] == str(rid)
    with Session(engine) as session:
        request = session.get(ContentRequest, rid)
        assert request is not None and request.followup_at == due


def test_a_followup_due_while_the_requester_is_away_is_sent_when_they_are_back(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    rid, _ = delivered_request(engine)
    due = DELIVERED + timedelta(days=14, minutes=1)  # Monday 11:31 in New York
    with Session(engine) as session:
        people.set_away(session, TEAM, REP, due.date(), due.date(), "one day off")
    with freeze_time(due):
        assert request_jobs.run(runtime, due)["followups"] == 0
    with Session(engine) as session:
        request = session.get(ContentRequest, rid)
        assert request is not None and request.followup_at is None  # still due
    back = due + timedelta(days=1)
    with freeze_time(back):
        assert request_jobs.run(runtime, back)["followups"] == 1
        runtime.outbox.deliver_due()
    assert len(followups(slack)) == 1


def test_a_deactivated_requester_is_not_asked(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    rid, _ = delivered_request(engine)
    slack.users[REP] = {"deleted": True}
    due = DELIVERED + timedelta(days=14, minutes=1)
    with freeze_time(due):
        assert request_jobs.run(runtime, due)["followups"] == 0
        runtime.outbox.deliver_due()
    assert followups(slack) == []
    with Session(engine) as session:
        request = session.get(ContentRequest, rid)
        assert request is not None and request.followup_at == due  # not asked again


def test_followup_button_opens_prefilled_feedback_that_files_for_the_asset(
    http: SlackHTTP, runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    rid, asset_id = delivered_request(engine)
    request_jobs.run(runtime, DELIVERED + timedelta(days=15))
    # Only the requester gets the form; anyone else a notice, even while response_url fails.
    refused = block_action_payload(posts.FOLLOWUP_BUTTON, str(rid), user_id=OTHER_REP,
                                   response_url=slack.new_response_url())  # fmt: skip
    assert "Only the person who asked" in notice_of_click(http, slack, refused)
    http.action(block_action_payload(posts.FOLLOWUP_BUTTON, str(rid), user_id=REP))
    view = slack.wait_for("views.open", 2)[1].json("view")
    assert len(slack.calls_to("views.open")) == 2
    assert_valid_modal(view)
    assert view["blocks"][0]["element"]["initial_option"]["value"] == str(asset_id)
    payload = view_submission_payload(
        feedback_views.FEEDBACK_CALLBACK,
        feedback_values(asset_id, "4"),
        user_id=REP,
        private_metadata=view["private_metadata"],
    )
    assert http.submit(payload) == (200, "")
    with Session(engine) as session:
        (fb,) = session.exec(select(AssetFeedback)).all()
    assert fb.request_id == rid and fb.asset_id == asset_id and fb.rating == 4
    slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MARKETER)
