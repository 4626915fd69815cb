"""Question Block Kit builders: valid, within Slack's limits, escaped, truncated visibly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.kernel.text import ELLIPSIS
from bot.questions.views import modals, posts
from bot.questions.views import replies as views
from storage.clock import utcnow
from storage.models import Answer, Question
from tests.blockkit import assert_valid_message, assert_valid_modal, live_mentions

LONG = "<!channel> " + "why " * 1500  # 6000+ characters, escaped longer still


def question(text: str = "Is there an API?", **extra: object) -> Question:
    now = utcnow().replace(microsecond=0)
    values: dict[str, object] = {
        "id": 7,
        "team_id": "T1",
        "capture_key": "k",
        "asker_id": "U0REP00001",
        "text": text,
        "created_at": now - timedelta(hours=2, minutes=5),
    }
    values.update(extra)
    return Question(**values)  # type: ignore[arg-type]


def answer(text: str = "Yes.", link: str | None = None) -> Answer:
    return Answer(
        id=1,
        team_id="T1",
        question_id=7,
        answerer_id="U0MKT00001",
        text=text,
        link=link,
        delivery_key="v",
    )


def test_triage_post_open_answered_merged_withdrawn() -> None:
    open_post = posts.triage_post(question(prospect="Acme", stage="decision"), 1, None)
    assert_valid_message(open_post)
    assert open_post["blocks"][-1]["type"] == "actions"
    answered_q = question(status="answered", answered_at=utcnow().replace(microsecond=0))
    answered = posts.triage_post(answered_q, 3, answer(link="https://x.example/a"))
    assert_valid_message(answered)
    text = json.dumps(answered["blocks"])
    assert "3 reps heard" in text and "in 2h 5m" in text and "(answered)" in answered["text"]
    merged = posts.triage_post(question(status="duplicate", duplicate_of=3), 1, None)
    assert "Merged into question #3" in json.dumps(merged["blocks"])
    assert all(b["type"] != "actions" for b in merged["blocks"])
    gone = posts.triage_post(question(status="withdrawn"), 1, None)
    assert all(b["type"] != "actions" for b in gone["blocks"])


@pytest.mark.parametrize(
    "build",
    [
        lambda: posts.triage_post(question(LONG, prospect=LONG[:150]), 2, answer(LONG)),
        lambda: posts.answer_dm(question(LONG), answer(LONG), asker=True),
        lambda: posts.merged_dm(question(LONG), question(LONG), answer(LONG)),
        lambda: views.captured(7, [(question(LONG), answer(LONG))] * 3, None),
        lambda: views.search_results(LONG, [(question(LONG), answer(LONG))] * 5),
        lambda: views.edited(question(LONG)),
    ],
)
def test_long_text_is_escaped_and_truncated_with_an_ellipsis(build: object) -> None:
    message = build()  # type: ignore[operator]
    assert_valid_message(message)
    assert ELLIPSIS in json.dumps(message["blocks"], ensure_ascii=False)
    assert live_mentions(message, ("U0REP00001", "U0MKT00001")) == []


def test_modals_are_valid() -> None:
    for modal in (
        modals.capture_modal(LONG, {"channel": "C1", "ts": "1.2"}),
        modals.answer_modal(question(LONG)),
        modals.duplicate_modal(question(LONG)),
        modals.captured_modal(question(LONG), [(question(LONG), None)] * 3, "C1"),
    ):
        assert_valid_modal(modal)
    prefilled = modals.capture_modal(LONG)["blocks"][0]["element"]["initial_value"]
    assert len(prefilled) == 3000 and prefilled.endswith(ELLIPSIS)


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "under a minute"), (7, "7m"), (125, "2h 5m"), (60 * 24 * 3 + 240, "3d 4h")],
)
def test_duration(minutes: int, shown: str) -> None:
    assert posts.duration(timedelta(minutes=minutes)) == shown
