"""The review DM and the stale mark: valid Block Kit, escaped, within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.kernel.text import ELLIPSIS, safe
from bot.questions.views import modals
from bot.questions.views import review as views
from storage.models import Answer
from tests.blockkit import assert_valid_message, assert_valid_modal, live_mentions
from tests.bot.questions.test_views import LONG, answer, question

AUG12 = datetime(2026, 8, 12, 9, 30, tzinfo=UTC)


def due(text: str = "Yes.") -> Answer:
    a = answer(text, link="https://x.example/<a>")
    a.verified_at, a.review_by = AUG12, AUG12 + timedelta(days=90)
    return a


def test_the_review_dm_has_three_buttons_and_escapes_the_answer() -> None:
    a = due(LONG)
    message = views.review_dm(question(LONG), a, author=True)
    assert_valid_message(message)
    (actions,) = [b for b in message["blocks"] if b["type"] == "actions"]
    ids = [e["action_id"] for e in actions["elements"]]
    assert ids == [views.VERIFY_BUTTON, views.UPDATE_BUTTON, views.RETIRE_BUTTON]
    text = json.dumps(message["blocks"], ensure_ascii=False)
    assert ELLIPSIS in text and "&lt;a&gt;" in text and "last verified on 12 Aug" in text
    assert live_mentions(message, ("U0REP00001", "U0MKT00001")) == []
    assert views.parse_verify_value(actions["elements"][0]["value"]) == (1, a.review_by)
    assert views.parse_verify_value("x:y") is None and views.parse_verify_value(None) is None


def test_a_long_question_answer_and_link_fit_the_review_dm_whole() -> None:
    a = due(LONG)
    a.link = "https://x.example/" + "&" * 400
    (head, _) = views.review_dm(question(LONG), a, author=False)["blocks"]
    text = head["text"]["text"]
    assert len(text) <= 3000 and text.endswith("\nLink: " + safe(a.link, 300))  # all of it


def test_the_stale_mark_names_the_last_verification() -> None:
    a = due()
    assert views.stale_note(a, AUG12 + timedelta(days=89)) == ""
    note = views.stale_note(a, AUG12 + timedelta(days=90))
    assert note == ":warning: _not verified since 12 Aug_"
    a.retired_at = AUG12
    assert views.stale_note(a, AUG12 + timedelta(days=90)) == ""


def test_the_answer_form_offers_the_review_periods_and_prefills_an_update() -> None:
    a = due("Yes, SAML.")
    a.review_days = 180
    modal = modals.answer_modal(question(), current=a)
    assert_valid_modal(modal)
    blocks = {b.get("block_id"): b for b in modal["blocks"]}
    assert blocks["answer"]["element"]["initial_value"] == "Yes, SAML."
    assert blocks["review"]["element"]["initial_option"]["value"] == "180"
    fresh = {b.get("block_id"): b for b in modals.answer_modal(question())["blocks"]}
    assert fresh["review"]["element"]["initial_option"]["value"] == "90"


def test_the_answer_form_reads_the_review_period() -> None:
    from bot.questions.forms import answer_fields

    def values(review: str | None) -> dict[str, object]:
        picked = {"type": "static_select", "selected_option": {"value": review}} if review else {}
        return {"answer": {"answer": {"value": "Yes."}}, "review": {"review": picked}}

    assert answer_fields(values("30"))[2:] == (30, {})
    assert answer_fields(values(None))[2:] == (90, {})
    assert answer_fields(values("45"))[3] == {"review": "Pick one of the options."}
