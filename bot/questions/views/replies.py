"""Ephemeral replies for `/prospect-question` (modals live in question_modals.py)."""

from __future__ import annotations

from typing import Any

from bot.kernel.messages import ephemeral, usage
from bot.kernel.text import mrkdwn, safe, section
from bot.questions.views import ratings
from bot.questions.views.review import stale_note
from storage.clock import utcnow
from storage.models import Answer, Question
from storage.models.questions import MAX_TEXT

COMMAND = "/prospect-question"
SHORTCUT = "log_prospect_question"
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
NOT_COUNTED = ":ballot_box: Not counted: it is your own question, or you already said so."


def number(q: Question) -> str:
    return f"#{q.id}"


def _answer_line(a: Answer | None) -> str:
    if a is None:
        return "_Not answered yet._"
    line = f"*Answer:* {safe(a.text, ANSWER_TEXT)}"
    if a.link:
        line += f"\nLink: {safe(a.link, 300)}"
    stale = stale_note(a, utcnow())
    return f"{line}\n{stale}" if stale else line


def _similar_sections(
    found: list[tuple[Question, Answer | None]], asking: int | None = None
) -> list[dict[str, Any]]:
    """Each question with its answer; shown to the rep who is `asking` a new question, an
    answered one carries “This answers it” / “Not quite”."""
    blocks = []
    for q, a in found:
        blocks.append(section(f"*{number(q)}* {safe(q.text, SIMILAR_TEXT)}\n{_answer_line(a)}"))
        if asking is not None and a is not None:
            blocks.append(ratings.buttons(asking, a))
    return blocks


def captured(
    question_id: int, similar: list[tuple[Question, Answer | None]], triage_channel: str | None
) -> dict[str, Any]:
    """The asker's ephemeral receipt: the number, where it went, and similar questions."""
    where = (
        f"Marketing will see it in <#{triage_channel}>."
        if triage_channel
        else "No triage channel is set up yet, so it is queued; an admin has been told."
    )
    head = f":white_check_mark: Logged your question as *#{question_id}*. {where}"
    blocks = [section(head)]
    if similar:
        blocks.append(section("*Similar questions already asked:*"))
        blocks.extend(_similar_sections(similar, question_id))
    hint = (
        f"Change it: `{COMMAND} edit {question_id} <new text>` · "
        f"take it back: `{COMMAND} withdraw {question_id}`"
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
        "blocks": [section(head), *_similar_sections(similar, q.id)],
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
