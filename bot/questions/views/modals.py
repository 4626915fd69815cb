"""Modals for prospect questions: capture (command and shortcut), answer, mark duplicate."""

from __future__ import annotations

import json
from typing import Any

from bot.kernel.text import ELLIPSIS, plain, safe, section
from bot.questions.views.replies import captured, number
from storage.models import Answer, Question
from storage.models.questions import (
    DEFAULT_REVIEW_DAYS,
    MAX_TEXT,
    REVIEW_CHOICES,
    STAGES,
    URGENCIES,
)

CAPTURE_MODAL = "question_capture"
ANSWER_MODAL = "question_answer"
DUPLICATE_MODAL = "question_duplicate"
# Modal inputs: block_id -> the one action_id inside it.
FIELDS = {
    "question": "text",
    "prospect": "prospect",
    "segment": "segment",
    "stage": "stage",
    "tags": "tags",
    "urgency": "urgency",
    "answer": "answer",
    "link": "link",
    "original": "original",
    "review": "review",
}


def captured_modal(
    q: Question, similar: list[tuple[Question, Answer | None]], triage_channel: str | None
) -> dict[str, Any]:
    """The capture modal's last page: the same receipt as the command's reply."""
    return {
        "type": "modal",
        "title": plain("Question logged"),
        "close": plain("Done"),
        "blocks": captured(q.id or 0, similar, triage_channel)["blocks"],
    }


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "optional": optional,
        "element": {**element, "action_id": FIELDS[block_id]},
    }


def _text(max_length: int, multiline: bool = False, initial: str = "", hint: str = "") -> dict:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if initial:
        element["initial_value"] = initial[:max_length]
    if hint:
        element["placeholder"] = plain(hint, 150)
    return element


def _select(choices: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "static_select",
        "options": [{"text": plain(c.capitalize()), "value": c} for c in choices],
    }


def capture_modal(initial_text: str = "", metadata: dict[str, str] | None = None) -> dict:
    """The full capture form (also opened, pre-filled, by the message shortcut)."""
    if len(initial_text) > MAX_TEXT:
        initial_text = initial_text[: MAX_TEXT - 1] + ELLIPSIS
    return {
        "type": "modal",
        "callback_id": CAPTURE_MODAL,
        "title": plain("Log prospect question"),
        "submit": plain("Log question"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(metadata or {})[:3000],
        "blocks": [
            _input(
                "question", "What did the prospect ask?", _text(MAX_TEXT, True, initial_text), False
            ),
            _input("prospect", "Prospect / account", _text(150, hint="e.g. Acme Corp"), True),
            _input("segment", "Industry or segment", _text(100, hint="e.g. Fintech, SMB"), True),
            _input("stage", "Funnel stage", _select(STAGES), True),
            _input(
                "tags", "Topic tags", _text(200, hint="comma separated: pricing, security"), True
            ),
            _input("urgency", "Urgency", _select(URGENCIES), True),
        ],
    }


CUT_REPLY = (
    f":scissors: The reply is longer than an answer can be ({MAX_TEXT:,} characters): it is cut "
    "to fit, marked with …. Check the end before you send it."
)


def _note(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _question_summary(q: Question) -> dict[str, Any]:
    return section(f"*Question {number(q)}* from <@{q.asker_id}>\n{safe(q.text, 2500)}")


def _review_select(days: int) -> dict[str, Any]:
    options = [{"text": plain(f"In {d} days"), "value": str(d)} for d in REVIEW_CHOICES]
    chosen = next((o for o in options if o["value"] == str(days)), options[0])
    return {"type": "static_select", "options": options, "initial_option": chosen}


def answer_modal(
    q: Question,
    current: Answer | None = None,
    reply: str = "",
    author: str | None = None,
    days: int = DEFAULT_REVIEW_DAYS,
) -> dict[str, Any]:
    """The answer form, its review period `days` (the workspace's default); pre-filled with
    `current` (the Update button of a review DM) or with a thread `reply` by `author` (Use as
    answer), who is then credited with the answer."""
    text, link = (current.text, current.link or "") if current else (reply, "")
    days = current.review_days if current else days
    notes = []
    if len(text) > MAX_TEXT:  # a thread reply longer than an answer: cut, and said so
        text = text[: MAX_TEXT - 1] + ELLIPSIS
        notes.append(_note(CUT_REPLY))
    return {
        "type": "modal",
        "callback_id": ANSWER_MODAL,
        "title": plain(f"Answer {number(q)}"),
        "submit": plain("Send answer"),
        "close": plain("Cancel"),
        "private_metadata": f"{q.id}:{author}" if author else str(q.id),
        "blocks": [
            _question_summary(q),
            *notes,
            _input("answer", "Answer", _text(MAX_TEXT, True, text), False),
            _input("link", "Link to an asset", _text(3000, initial=link, hint="https://…"), True),
            _input("review", "Ask me to check it is still true", _review_select(days), True),
        ],
    }


def duplicate_modal(q: Question) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": DUPLICATE_MODAL,
        "title": plain("Mark as duplicate"),
        "submit": plain("Merge"),
        "close": plain("Cancel"),
        "private_metadata": str(q.id),
        "blocks": [
            _question_summary(q),
            _input("original", "Duplicate of question number", _text(12, hint="e.g. 12"), False),
        ],
    }
