"""Keeping answers true in Block Kit: the stale mark and the review DM with its three buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.kernel.text import mrkdwn, plain, safe, section, user_mention
from storage.models import Answer, Question

VERIFY_BUTTON = "answer_review_verify"
UPDATE_BUTTON = "answer_review_update"
RETIRE_BUTTON = "answer_review_retire"
STALE_ICON = ":warning:"
# The answer's share of the DM's 3,000-character section, beside the question (500), the
# link (300) and the heading: the link is never cut off.
ANSWER_ROOM = 1800


def day(moment: datetime | None) -> str:
    """“12 Aug” (UTC: a date, not a time, so the zone rarely matters)."""
    return f"{moment:%-d %b}" if moment else "?"


def stale_note(a: Answer, now: datetime) -> str:
    """“⚠️ not verified since 12 Aug” for a stale answer; "" for a fresh one."""
    if not a.is_stale(now):
        return ""
    return f"{STALE_ICON} _not verified since {day(a.verified_at or a.created_at)}_"


def verify_value(a: Answer) -> str:
    """The Still true button's value: the answer and the review date this DM is about, so a
    click on an older DM (or a second click) verifies nothing twice."""
    assert a.review_by is not None
    return f"{a.id}:{a.review_by.isoformat()}"


def parse_verify_value(raw: str | None) -> tuple[int, datetime] | None:
    number, _, when = (raw or "").partition(":")
    try:
        return int(number), datetime.fromisoformat(when)
    except ValueError:
        return None


def _button(action_id: str, label: str, value: str, style: str | None = None) -> dict[str, Any]:
    button = {"type": "button", "action_id": action_id, "text": plain(label), "value": value}
    if style:
        button["style"] = style
    return button


def review_dm(q: Question, a: Answer, *, author: bool) -> dict[str, Any]:
    """The DM when an answer comes due: Still true / Update / Retire."""
    whose = "Your answer" if author else f"{user_mention(a.answerer_id)}'s answer"
    head = (
        f":hourglass: {whose} to question *#{q.id}* was last verified on "
        f"{day(a.verified_at or a.created_at)}. Is it still true?\n"
        f"*Question:* {safe(q.text, 500)}\n*Answer:* {safe(a.text, ANSWER_ROOM)}"
    )
    if a.link:
        head += f"\nLink: {safe(a.link, 300)}"
    buttons = [
        _button(VERIFY_BUTTON, "Still true", verify_value(a), "primary"),
        _button(UPDATE_BUTTON, "Update", str(a.id)),
        _button(RETIRE_BUTTON, "Retire", str(a.id), "danger"),
    ]
    return {
        "text": f"Is your answer to question #{q.id} still true?",
        "blocks": [
            section(head),
            {"type": "actions", "block_id": f"answer_review:{a.id}", "elements": buttons},
        ],
        "unfurl_links": False,
    }


def verified(a: Answer, user_id: str) -> dict[str, Any]:
    text = (
        f":white_check_mark: {user_mention(user_id)} verified the answer to question "
        f"*#{a.question_id}*; next review on {day(a.review_by)}."
    )
    return {"text": text, "blocks": [section(text)], "replace_original": True}


def retired(a: Answer, user_id: str) -> dict[str, Any]:
    text = (
        f":wastebasket: {user_mention(user_id)} retired the answer to question "
        f"*#{a.question_id}*: it is not suggested any more, and the question is back in triage."
    )
    return {"text": text, "blocks": [section(text)], "replace_original": True}


def retired_note(a: Answer) -> dict[str, Any]:
    """The triage thread's note when an answer is retired."""
    text = (
        f":wastebasket: {user_mention(a.retired_by or a.answerer_id)} retired the answer "
        "to this question as no longer true. It is open again: answer it anew."
    )
    return {"text": text, "blocks": [{"type": "context", "elements": [mrkdwn(text)]}]}


UNCHANGED = ":information_source: Nothing to do: someone already verified, updated or retired it."
