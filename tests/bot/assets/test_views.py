"""Asset and content-request builders: valid Block Kit within Slack's limits, escaped text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.assets.views import catalog as assets
from bot.assets.views import feedback as asset_feedback
from bot.content_requests.views import forms as content_requests
from bot.content_requests.views import posts as content_request_posts
from storage.models import Asset, AssetFeedback, ContentRequest
from storage.scoring import AssetStats, Resonance
from tests.blockkit import assert_valid_message, assert_valid_modal, live_mentions

NOW = datetime(2026, 11, 22, tzinfo=UTC)
EVIL = "<!channel> <@U0BOSS0001> <https://evil.example|bank> & " + "x" * 4000
URL = "https://example.com/a"


def asset(n: int = 1, title: str = EVIL) -> Asset:
    return Asset(
        id=n,
        team_id="T1",
        title=title[:200],
        url=URL,
        kind="deck",
        stage="decision",
        owner_id="U0OWNER001",
        created_by="U0OWNER001",
    )


def feedback(n: int) -> AssetFeedback:
    return AssetFeedback(
        id=n,
        team_id="T1",
        source_key=f"k{n}",
        asset_id=1,
        user_id="U0REP00001",
        with_prospect=True,
        rating=4,
        deal_stage="demo",
        worked=EVIL,
        missing=EVIL,
    )


def request(status: str = "submitted") -> ContentRequest:
    return ContentRequest(
        id=7,
        team_id="T1",
        source_key="k",
        requester_id="U0REP00001",
        what=EVIL,
        why=EVIL,
        deal_stage="demo",
        desired_date=date(2026, 12, 1),
        question_refs="12,15",
        status=status,
        priority="P1",
        owner_id="U0MKT00001",
        expected_date=date(2026, 12, 5),
        decline_reason=EVIL,
        asset_id=1,
    )


ALLOWED = ("U0OWNER001", "U0REP00001", "U0MKT00001", URL)


def test_modals_are_valid() -> None:
    for view in (
        assets.asset_modal(None, "U1"),
        assets.asset_modal(asset(), "U1"),
        asset_feedback.feedback_modal(asset(), 7),
        asset_feedback.feedback_modal(None),
        asset_feedback.reply_modal(feedback(1), EVIL),
        content_requests.request_modal(),
        content_requests.accept_modal(request(), "U1"),
        content_requests.decline_modal(request()),
        content_requests.deliver_modal(request()),
    ):
        assert_valid_modal(view)
        assert live_mentions(view, allowed=ALLOWED) == []


def test_owner_dm_batches_many_feedback_within_limits() -> None:
    items = [(feedback(n), asset()) for n in range(1, 31)]
    message = asset_feedback.owner_dm(items)
    assert_valid_message(message)
    assert live_mentions(message["blocks"], allowed=ALLOWED) == []
    buttons = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    assert len(buttons) == asset_feedback.MAX_IN_DM
    assert "20 more" in str(message["blocks"][-1])
    assert asset_feedback.feedback_ids(message) == list(range(1, 31))


def test_asset_list_and_options_stay_within_limits() -> None:
    many = [asset(n) for n in range(1, 40)]
    stats = {1: AssetStats(Resonance(4.25, 12, "high"), 12, NOW)}
    message = assets.asset_list(many, stats, assets.search_heading(EVIL, 39), "none")
    assert_valid_message(message)
    assert "resonance *4.2*/5 (12 ratings, high confidence)" in str(message["blocks"])
    assert live_mentions(message["blocks"], allowed=ALLOWED) == []
    options = assets.options([asset(n) for n in range(150)])
    assert len(options) == 100
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)


def test_triage_posts_and_dms_in_every_status() -> None:
    for status in ("submitted", "accepted", "in_progress", "delivered", "declined"):
        post = content_request_posts.triage_post(request(status), 3, asset())
        assert_valid_message(post)
        assert live_mentions(post["blocks"], allowed=ALLOWED) == []
        dm = content_request_posts.status_dm(request(status), asset())
        assert_valid_message(dm)
        assert live_mentions(dm["blocks"], allowed=ALLOWED) == []
    assert_valid_message(content_request_posts.followup_dm(request("delivered"), asset()))


def test_request_form_reads_question_numbers() -> None:
    values = {
        content_requests.B_WHAT: {"value": {"type": "plain_text_input", "value": "x"}},
        content_requests.B_QUESTIONS: {"value": {"type": "plain_text_input", "value": "#3 ,4"}},
    }
    form, errors = content_requests.read_request_form(values, date(2026, 1, 1))
    assert errors == {} and form is not None and form.question_refs == "3,4"
    values[content_requests.B_QUESTIONS]["value"]["value"] = "3, four"
    assert (
        content_requests.B_QUESTIONS
        in content_requests.read_request_form(values, date(2026, 1, 1))[1]
    )


def test_triage_post_lists_the_questions_it_answers() -> None:
    many = request()
    many.question_refs = ",".join(str(n) for n in range(1, 41))
    texts = {n: EVIL * 20 for n in range(1, 41) if n != 2}
    post = content_request_posts.triage_post(many, 1, None, texts)
    assert_valid_message(post)
    assert live_mentions(post["blocks"], allowed=ALLOWED) == []
    shown = str(post["blocks"])
    assert "• #1 " in shown and "• #2\\n" in shown and "… and 30 more" in shown
    assert "#11" not in shown
