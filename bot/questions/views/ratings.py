"""“This answers it” / “Not quite” under an answer a rep is shown (a suggestion or the DM)."""

from __future__ import annotations

from typing import Any

from bot.kernel.text import mrkdwn, plain, section, user_mention
from storage.models import Answer, Question

ANSWERS_BUTTON = "answer_rating_answers"
NOT_QUITE_BUTTON = "answer_rating_not_quite"


def value(question_id: int, a: Answer) -> str:
    """The question the rep is asking about (their new one, or the answered one itself from the
    answer DM) and the answer they were shown."""
    return f"{question_id}:{a.id}"


def parse(raw: str | None) -> tuple[int, int] | None:
    question, _, answer = (raw or "").partition(":")
    if not (question.isdigit() and answer.isdigit()):
        return None
    return int(question), int(answer)


def buttons(question_id: int, a: Answer) -> dict[str, Any]:
    """The two buttons, in a block of their own (block ids are unique per message)."""
    v = value(question_id, a)
    return {
        "type": "actions",
        "block_id": f"rate:{v}",
        "elements": [
            {"type": "button", "action_id": ANSWERS_BUTTON, "text": plain("This answers it"),
             "style": "primary", "value": v},
            {"type": "button", "action_id": NOT_QUITE_BUTTON, "text": plain("Not quite"),
             "value": v},
        ],
    }  # fmt: skip


def resolved(question_id: int, original_id: int) -> str:
    return (
        f":white_check_mark: Question *#{question_id}* is resolved with the answer to "
        f"*#{original_id}*: marketing won't need to answer it again, and you'll get any update "
        "of that answer."
    )


THANKS = ":+1: Thanks: that answer is marked as a good one."
MISSED = (
    ":memo: Noted: that answer missed. Your question stays open for marketing, who can see "
    "which answers fall short."
)
MISSED_ANSWER = (  # on the answer DM: the question stays answered, marketing is told
    ":memo: Noted: that answer missed. Marketing sees it in the question's triage thread and "
    "can update the answer."
)
UNCHANGED = ":information_source: Already noted: your first reply to that answer stands."
NOT_YOURS = ":lock: Only the rep who asked (or marketing) can say whether it answers it."


def rated_modal(text: str) -> dict[str, Any]:
    """The capture modal's last page, once a suggestion on it was rated."""
    return {
        "type": "modal",
        "title": plain("Question logged"),
        "close": plain("Done"),
        "blocks": [section(text)],
    }


def missed_note(q: Question, user_id: str) -> dict[str, Any]:
    """The triage thread's note when a rep says the answer DM did not quite answer it."""
    text = (
        f":thinking_face: {user_mention(user_id)} says the answer to #{q.id} does not quite "
        "answer it."
    )
    return {"text": text, "blocks": [{"type": "context", "elements": [mrkdwn(text)]}]}
