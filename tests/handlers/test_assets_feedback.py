"""`/asset-feedback` end to end: the modal, the owner's DM (instant, then hourly batches),
"Reply to rep", bad input and retried deliveries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.assets import jobs as asset_jobs
from bot.assets.views import feedback as views
from bot.assets.views.catalog import ASSET_SELECT
from bot.platform.runtime import Runtime
from storage.clock import utcnow
from storage.models import AssetFeedback
from tests.blockkit import assert_valid_message, assert_valid_modal, live_mentions
from tests.conftest import outbox_settled
from tests.fake_slack import FakeSlack
from tests.handlers.asset_support import MARKETER, OTHER_REP, REP, empty, sel, txt
from tests.handlers.notice_support import notice_of_click
from tests.handlers.test_assets import make_asset
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload


def feedback_values(asset_id: int | None, rating: str = "5", other: str = "") -> dict[str, Any]:
    chosen = (
        sel(str(asset_id), "external_select")
        if asset_id
        else {"value": {"type": "external_select", "selected_option": None}}
    )
    return {
        views.B_ASSET: chosen,
        views.B_OTHER: txt(other) if other else empty(),
        views.B_PROSPECT: sel("yes"),
        views.B_RATING: sel(rating),
        views.B_DEAL: sel("demo"),
        views.B_WORKED: txt("The <!channel> ROI slide"),
        views.B_MISSING: empty(),
    }


def dms_to(slack: FakeSlack, user: str) -> list[Any]:
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user]


def feedback_rows(engine: Engine) -> list[AssetFeedback]:
    with Session(engine) as session:
        return list(session.exec(select(AssetFeedback).order_by(AssetFeedback.id)))


def test_command_opens_the_modal_with_the_best_match(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    asset = make_asset(engine, "Pricing deck")
    assert http.command("/asset-feedback", "pricing", user_id=REP) == (200, "")
    view = slack.calls_to("views.open")[0].json("view")
    assert_valid_modal(view)
    select_element = view["blocks"][0]["element"]
    assert (
        select_element["type"] == "external_select" and select_element["action_id"] == ASSET_SELECT
    )
    assert select_element["initial_option"]["value"] == str(asset.id)
    http.command("/asset-feedback", "", user_id=REP)
    assert (
        "initial_option" not in slack.calls_to("views.open")[1].json("view")["blocks"][0]["element"]
    )


def test_feedback_dms_the_owner_once_even_when_retried(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    asset = make_asset(engine)
    payload = view_submission_payload(
        views.FEEDBACK_CALLBACK, feedback_values(asset.id), user_id=REP
    )
    assert http.submit(payload) == (200, "")
    dm = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MARKETER)[0]
    message = {"text": dm.params["text"], "blocks": dm.json("blocks")}
    assert_valid_message(message)
    assert "5/5" in dm.params["text"]
    assert live_mentions(message, allowed=(REP, "https://example.com/x")) == []
    button = message["blocks"][1]["accessory"]
    assert button["action_id"] == views.REPLY_BUTTON and button["text"]["text"] == "Reply to rep"
    assert http.submit(payload) == (200, "")  # the same delivery again
    outbox_settled(engine)  # the DM is out; the follow-up marks the row just after it
    rows = feedback_rows(engine)
    assert len(rows) == 1 and rows[0].notified_at is not None and rows[0].user_id == REP
    asset_jobs.run(runtime, utcnow() + timedelta(hours=1))
    assert len(dms_to(slack, MARKETER)) == 1


def test_later_feedback_in_the_hour_is_batched_into_one_dm(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    asset = make_asset(engine)
    for user, rating in ((REP, "5"), (OTHER_REP, "2"), (REP, "3")):
        payload = view_submission_payload(
            views.FEEDBACK_CALLBACK, feedback_values(asset.id, rating), user_id=user
        )
        http.submit(payload)
    slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MARKETER)
    assert len(dms_to(slack, MARKETER)) == 1
    assert asset_jobs.run(runtime, utcnow())["feedback_batches"] == 0  # the hour is not over
    next_hour = utcnow() + timedelta(hours=1)
    outbox_settled(engine)  # the clock jumps: no run may look expired
    with freeze_time(next_hour):
        assert asset_jobs.run(runtime, next_hour)["feedback_batches"] == 1
        assert asset_jobs.run(runtime, next_hour)["feedback_batches"] == 0
    dms = dms_to(slack, MARKETER)
    assert len(dms) == 2
    assert "2 new pieces of feedback" in dms[1].params["text"]
    assert len([b for b in dms[1].json("blocks") if b.get("accessory")]) == 2
    assert all(r.notified_at is not None for r in feedback_rows(engine))


def test_the_hourly_batch_running_while_the_instant_dm_is_sent_does_not_repeat_it(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    """The batch runs while Slack has the instant DM in hand (before the follow-up could mark
    the feedback told): the feedback was claimed with the DM's record, so it reaches the
    owner once."""
    asset = make_asset(engine)
    gate = slack.hold("chat.postMessage")
    payload = view_submission_payload(
        views.FEEDBACK_CALLBACK, feedback_values(asset.id), user_id=REP
    )
    assert http.submit(payload) == (200, "")
    slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MARKETER)
    next_hour = utcnow() + timedelta(hours=1)
    try:
        assert asset_jobs.run(runtime, next_hour)["feedback_batches"] == 0
    finally:
        gate.set()
    outbox_settled(engine)
    assert asset_jobs.run(runtime, next_hour)["feedback_batches"] == 0
    (dm,) = dms_to(slack, MARKETER)
    assert "5/5" in dm.params["text"]
    assert all(r.notified_at is not None for r in feedback_rows(engine))


def test_the_owners_own_feedback_is_batched_out_of_their_dm(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    """Feedback the owner gave on their own asset is marked told, never DMed; in the hour's
    batch only the others' feedback is listed."""
    asset = make_asset(engine)
    for user, rating in ((REP, "5"), (MARKETER, "4"), (OTHER_REP, "2")):
        payload = view_submission_payload(
            views.FEEDBACK_CALLBACK, feedback_values(asset.id, rating), user_id=user
        )
        http.submit(payload)
    slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MARKETER)
    outbox_settled(engine)
    next_hour = utcnow() + timedelta(hours=1)
    with freeze_time(next_hour):
        assert asset_jobs.run(runtime, next_hour)["feedback_batches"] == 1
    dms = dms_to(slack, MARKETER)
    assert len(dms) == 2 and "2/5" in dms[1].params["text"] and "4/5" not in dms[1].params["text"]
    assert all(r.notified_at is not None for r in feedback_rows(engine))


def test_feedback_on_something_not_in_the_catalog(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    payload = view_submission_payload(
        views.FEEDBACK_CALLBACK, feedback_values(None, other="ROI calculator"), user_id=REP
    )
    assert http.submit(payload) == (200, "")
    rows = feedback_rows(engine)
    assert rows[0].asset_id is None and rows[0].asset_name == "ROI calculator"


def test_bad_feedback_gets_inline_errors(http: SlackHTTP, engine: Engine) -> None:
    asset = make_asset(engine)
    values = feedback_values(None)
    values[views.B_RATING] = sel("9")
    _, body = http.submit(view_submission_payload(views.FEEDBACK_CALLBACK, values, user_id=REP))
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {views.B_ASSET, views.B_RATING}
    both = feedback_values(asset.id, other="Something else")
    _, body = http.submit(view_submission_payload(views.FEEDBACK_CALLBACK, both, user_id=REP))
    assert set(body["errors"]) == {views.B_OTHER}
    forged = feedback_values(999999)
    _, body = http.submit(view_submission_payload(views.FEEDBACK_CALLBACK, forged, user_id=REP))
    assert set(body["errors"]) == {views.B_ASSET}
    assert feedback_rows(engine) == []


def test_owner_replies_to_the_rep(http: SlackHTTP, slack: FakeSlack, engine: Engine) -> None:
    asset = make_asset(engine)
    http.submit(
        view_submission_payload(views.FEEDBACK_CALLBACK, feedback_values(asset.id), user_id=REP)
    )
    slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MARKETER)
    fb = feedback_rows(engine)[0]
    # Anyone else gets a notice on the click's trigger, even while response_url fails.
    url = slack.new_response_url()
    refused = block_action_payload(
        views.REPLY_BUTTON, str(fb.id), user_id=OTHER_REP, response_url=url
    )
    assert "Only the asset's owner" in notice_of_click(http, slack, refused)
    http.action(block_action_payload(views.REPLY_BUTTON, str(fb.id), user_id=MARKETER))
    view = slack.wait_for("views.open", 2)[1].json("view")
    assert view["callback_id"] == views.REPLY_CALLBACK
    assert_valid_modal(view)
    blank = view_submission_payload(
        views.REPLY_CALLBACK,
        {views.B_REPLY: empty()},
        user_id=MARKETER,
        private_metadata=str(fb.id),
    )
    assert http.submit(blank)[1]["errors"] == {views.B_REPLY: "Write a reply first."}
    forged = view_submission_payload(
        views.REPLY_CALLBACK,
        {views.B_REPLY: txt("hi")},
        user_id=OTHER_REP,
        private_metadata=str(fb.id),
    )
    assert http.submit(forged)[1]["response_action"] == "errors"
    reply = view_submission_payload(
        views.REPLY_CALLBACK,
        {views.B_REPLY: txt("Thanks! <!here> v2 soon")},
        user_id=MARKETER,
        private_metadata=str(fb.id),
    )
    assert http.submit(reply) == (200, "")
    dm = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == REP)[0]
    assert "v2 soon" in dm.params["text"] and "<!here>" not in dm.params["text"]
    http.submit(reply)  # retried: still one DM
    assert len(dms_to(slack, REP)) == 1
