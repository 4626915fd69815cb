"""Replies and modals for `/prospect-question` and the "Log prospect question" shortcut."""

from __future__ import annotations

import json
from typing import Any

from bot.text import ELLIPSIS, mrkdwn, plain, safe, section
from bot.views.common import ephemeral, usage
from storage.models import Answer, Question
from storage.models.questions import MAX_TEXT, STAGES, URGENCIES

COMMAND = "/prospect-question"
SHORTCUT = "log_prospect_question"
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
}
EXAMPLES = (
    f"{COMMAND} Do you integrate with Salesforce?",
    f"{COMMAND} search salesforce integration",
    f"{COMMAND} edit 12 Do you integrate with HubSpot?",
    f"{COMMAND} withdraw 12",
)
SIMILAR_TEXT = 300
ANSWER_TEXT = 600
ERRORS = {
    "not_found": "I can't find that question.",
    "not_yours": "Only the rep who asked a question can change it.",
    "closed": "That question was withdrawn or merged, so it can't change any more.",
    "same": "A question can't be a duplicate of itself.",
}


def number(q: Question) -> str:
    return f"#{q.id}"


def _answer_line(a: Answer | None) -> str:
    if a is None:
        return "_Not answered yet._"
    line = f"*Answer:* {safe(a.text, ANSWER_TEXT)}"
    if a.link:
        line += f"\nLink: {safe(a.link, 300)}"
    return line


def _similar_sections(found: list[tuple[Question, Answer | None]]) -> list[dict[str, Any]]:
    return [
        section(f"*{number(q)}* {safe(q.text, SIMILAR_TEXT)}\n{_answer_line(a)}") for q, a in found
    ]


def captured(
    q: Question, similar: list[tuple[Question, Answer | None]], triage_channel: str | None
) -> dict[str, Any]:
    """The asker's ephemeral receipt: the number, where it went, and similar questions."""
    where = (
        f"Marketing will see it in <#{triage_channel}>."
        if triage_channel
        else "No triage channel is set up yet, so it is queued; an admin has been told."
    )
    head = f":white_check_mark: Logged your question as *{number(q)}*. {where}"
    blocks = [section(head)]
    if similar:
        blocks.append(section("*Similar questions already asked:*"))
        blocks.extend(_similar_sections(similar))
    hint = (
        f"Change it: `{COMMAND} edit {q.id} <new text>` · take it back: `{COMMAND} withdraw {q.id}`"
    )
    blocks.append({"type": "context", "elements": [mrkdwn(hint)]})
    return {"response_type": "ephemeral", "text": head, "blocks": blocks}


def similar_found(q: Question, similar: list[tuple[Question, Answer | None]]) -> dict[str, Any]:
    """The follow-up to the command's receipt: similar questions already asked, with answers."""
    head = f":bulb: Questions like *{number(q)}* already asked:"
    return {
        "response_type": "ephemeral",
        "replace_original": False,
        "text": head,
        "blocks": [section(head), *_similar_sections(similar)],
    }


def captured_modal(
    q: Question, similar: list[tuple[Question, Answer | None]], triage_channel: str | None
) -> dict[str, Any]:
    """The capture modal's last page: the same receipt as the command's reply."""
    return {
        "type": "modal",
        "title": plain("Question logged"),
        "close": plain("Done"),
        "blocks": captured(q, similar, triage_channel)["blocks"],
    }


def search_results(query: str, found: list[tuple[Question, Answer | None]]) -> dict[str, Any]:
    if not found:
        return ephemeral(
            f":mag: No answered questions match _{safe(query, 200)}_ yet. "
            f"Ask it with `{COMMAND} <your question>`."
        )
    head = f":mag: Answered questions matching _{safe(query, 200)}_:"
    return {
        "response_type": "ephemeral",
        "text": head,
        "blocks": [section(head), *_similar_sections(found)],
    }


def edited(q: Question) -> dict[str, Any]:
    return ephemeral(f":pencil2: Question *{number(q)}* now reads: {safe(q.text, 2000)}")


def withdrawn(q: Question) -> dict[str, Any]:
    return ephemeral(f":wastebasket: Question *{number(q)}* is withdrawn.")


def error(code: str) -> dict[str, Any]:
    return usage(ERRORS.get(code, "That didn't work."), *EXAMPLES[2:])


def help_reply() -> dict[str, Any]:
    return usage("Log what a prospect asked, or search what was already answered.", *EXAMPLES)


def too_long(length: int) -> dict[str, Any]:
    return usage(
        f"That question is {length} characters; the limit is {MAX_TEXT}. Shorten it, "
        f"or use `{COMMAND}` alone to open the form.",
        EXAMPLES[0],
    )


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


def _question_summary(q: Question) -> dict[str, Any]:
    return section(f"*Question {number(q)}* from <@{q.asker_id}>\n{safe(q.text, 2500)}")


def answer_modal(q: Question) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ANSWER_MODAL,
        "title": plain(f"Answer {number(q)}"),
        "submit": plain("Send answer"),
        "close": plain("Cancel"),
        "private_metadata": str(q.id),
        "blocks": [
            _question_summary(q),
            _input("answer", "Answer", _text(MAX_TEXT, True), False),
            _input("link", "Link to an asset", _text(3000, hint="https://…"), True),
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


def notice_modal(text: str) -> dict[str, Any]:
    """A read-only modal for a button the clicker may not use (already-escaped mrkdwn)."""
    return {
        "type": "modal",
        "title": plain("Lockstep"),
        "close": plain("OK"),
        "blocks": [section(text)],
    }
