"""Grouping unanswered questions into gaps: tags first, else shared significant words."""

from __future__ import annotations

import json

from bot.gaps.compute import attach, group
from bot.gaps.model import Gap, RequestRef, Unanswered
from bot.gaps.views import report as views
from storage.clock import utcnow
from tests.blockkit import assert_valid_message, live_mentions


def q(n: int, text: str, tags: str | None = None, votes: int = 0, missed: int = 0) -> Unanswered:
    return Unanswered(n, text, tags, votes, missed)


QUESTIONS = [
    q(1, "Do you support Okta single sign-on?", votes=3),
    q(2, "Okta login for contractors?"),
    q(3, "Can Okta groups map to roles?", missed=1),
    q(4, "What does it cost for 50 seats?", tags="pricing, Discounts"),
    q(5, "Volume pricing?", tags="pricing"),
    q(6, "Is there a public roadmap?"),  # a word nobody else uses: no gap
    q(7, "Do you support the product?"),
    q(8, "Do you support SCIM?"),
    q(9, "Does the product export CSV?"),
    q(10, "Product tour?"),
]


def test_tags_make_topics_and_untagged_questions_share_words() -> None:
    gaps = {g.key: g for g in group(QUESTIONS)}
    assert set(gaps) >= {"term:okta", "tag:pricing"}
    okta = gaps["term:okta"]
    assert (okta.questions, okta.votes, okta.missed) == (3, 3, 1)
    assert okta.question_ids == [1, 3, 2] and okta.demand == 7  # the most asked first
    assert gaps["tag:pricing"].question_ids == [4, 5]
    assert "tag:discounts" not in gaps  # one question: not a gap yet
    assert "term:roadmap" not in gaps
    assert list(gaps)[0] == "term:okta"  # most demand first


def test_a_word_in_too_many_questions_says_nothing() -> None:
    same = [q(i, f"Does the widget work with thing{i % 2}?") for i in range(1, 31)]
    keys = [g.key for g in group(same)]
    assert "term:widget" not in keys and "term:work" not in keys


def test_feedback_and_requests_are_matched_to_the_gap() -> None:
    gaps = group(QUESTIONS)
    texts = {x.id: x.text for x in QUESTIONS}
    feedback = [("Nothing on Okta provisioning", "SSO deck"), ("More colour", "Brand deck")]
    requests = [RequestRef(4, "declined", "Okta guide", ()), RequestRef(5, "submitted", "x", (5,))]
    attach(gaps, texts, feedback, requests)
    by_key = {g.key: g for g in gaps}
    okta, pricing = by_key["term:okta"], by_key["tag:pricing"]
    assert okta.feedback == 1 and okta.feedback_samples == [feedback[0]]
    assert okta.requests == [(4, "declined", "Okta guide")]
    assert pricing.requests == [(5, "submitted", "x")]
    assert okta.samples[0] == (1, "Do you support Okta single sign-on?")
    assert Gap.from_dict(json.loads(json.dumps(okta.as_dict()))) == okta


def test_the_reply_escapes_gap_text_and_prefills_a_request() -> None:
    hostile = [q(1, "<!channel> & <b>okta</b>?", tags="<x>&y"), q(2, "okta?", tags="<x>&y")]
    gaps = group(hostile)
    attach(gaps, {x.id: x.text for x in hostile}, [], [])
    message = views.gaps_reply(gaps, 90, utcnow())
    assert_valid_message(message)
    assert live_mentions(message) == []
    text = json.dumps(message["blocks"])
    assert "&lt;x&gt;&amp;y" in text and views.REQUEST_BUTTON in text
    assert views.parse_button(views.button_value(90, gaps[0])) == (90, gaps[0].key)
    what, why, refs = views.prefill(gaps[0])
    assert "<x>&y" in what and refs == "1, 2" and "2 questions unanswered" in why
    assert views.gaps_reply([], 30, utcnow())["text"] == views.NO_GAPS


def test_a_tag_is_matched_by_its_words_not_inside_other_words() -> None:
    gaps = group([q(1, "Rate limits?", tags="api"), q(2, "Webhooks?", tags="API")])
    feedback = [("No capital plan", "Deck"), ("The API docs are missing", "Guide")]
    (api,) = attach(gaps, {1: "Rate limits?", 2: "Webhooks?"}, feedback, [])
    assert api.feedback == 1 and api.feedback_samples == [feedback[1]]
