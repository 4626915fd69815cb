"""Posts Lockstep makes about questions: the triage post and the DMs that close the loop."""

from __future__ import annotations

from typing import Any

from bot.kernel.text import duration, mrkdwn, plain, safe, section, user_mention
from bot.questions.views import ratings
from storage.models import Answer, Question

ANSWER_BUTTON = "question_answer_open"
PLUS_ONE_BUTTON = "question_plus_one"
DUPLICATE_BUTTON = "question_duplicate_open"
TRIAGE_SETUP = (
    "Set one with `/lockstep config triage-channel #channel` (and invite me there); "
    "I'll post the queued questions as soon as it is set."
)


def _context_line(q: Question) -> str:
    parts = [f"Asked by {user_mention(q.asker_id)}"]
    for label, value in (
        ("Prospect", q.prospect),
        ("Segment", q.segment),
        ("Stage", q.stage),
        ("Tags", q.tags),
        ("Urgency", q.urgency),
    ):
        if value:
            parts.append(f"{label}: {safe(value, 200)}")
    if q.source_permalink:
        parts.append(f"<{q.source_permalink}|source message>")
    return " · ".join(parts)


def _answer_text(a: Answer, limit: int = 2500) -> str:
    text = f"{safe(a.text, limit)}"
    if a.link:
        text += f"\nLink: {safe(a.link, 300)}"
    return text


def _buttons(q: Question) -> dict[str, Any]:
    value = str(q.id)
    return {
        "type": "actions",
        "block_id": f"question:{q.id}",
        "elements": [
            {
                "type": "button",
                "action_id": ANSWER_BUTTON,
                "text": plain("Answer"),
                "style": "primary",
                "value": value,
            },
            {
                "type": "button",
                "action_id": PLUS_ONE_BUTTON,
                "text": plain("I got this too"),
                "value": value,
            },
            {
                "type": "button",
                "action_id": DUPLICATE_BUTTON,
                "text": plain("Mark duplicate of…"),
                "value": value,
            },
        ],
    }


def triage_post(q: Question, count: int, answer: Answer | None) -> dict[str, Any]:
    """The question as marketing sees it in the triage channel; rebuilt on every change."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"Prospect question #{q.id}", 150)},
        section(safe(q.text, 2900)),
        {"type": "context", "elements": [mrkdwn(_context_line(q))]},
    ]
    if count > 1:
        heard = f":raised_hands: {count} reps heard this question"
        blocks.append({"type": "context", "elements": [mrkdwn(heard)]})
    if answer is not None:
        took = f" in {duration(q.time_to_first_answer)}" if q.time_to_first_answer else ""
        head = f":white_check_mark: *Answered by {user_mention(answer.answerer_id)}*{took}"
        blocks.append(section(f"{head}\n{_answer_text(answer)}"))
    if q.status == "duplicate":
        blocks.append(section(f":link: Merged into question #{q.duplicate_of}."))
    elif q.status == "resolved":
        resolved = (
            f":white_check_mark: Resolved by the answer to question #{q.duplicate_of}: "
            "the rep said it answers it. Nothing to answer here."
        )
        blocks.append(section(resolved))
    elif q.status == "withdrawn":
        blocks.append(section(":wastebasket: Withdrawn by the rep who asked."))
    else:
        blocks.append(_buttons(q))
    state = {
        "answered": "answered",
        "duplicate": "merged",
        "resolved": "resolved by an existing answer",
        "withdrawn": "withdrawn",
    }
    suffix = f" ({state[q.status]})" if q.status in state else ""
    text = f"Prospect question #{q.id}{suffix}: {safe(q.text, 200)}"
    return {"text": text, "blocks": blocks, "unfurl_links": False}


def answer_dm(q: Question, answer: Answer, *, asker: bool) -> dict[str, Any]:
    """The answer, sent to the rep who asked and to every rep who heard it too."""
    whose = "your question" if asker else "a question you also heard"
    head = (
        f":speech_balloon: {user_mention(answer.answerer_id)} answered {whose} "
        f"(*#{q.id}*): {safe(q.text, 500)}"
    )
    blocks = [section(head), section(f"*Answer:* {_answer_text(answer)}")]
    if q.id is not None:
        blocks.append(ratings.buttons(q.id, answer))
    return {
        "text": f"Marketing answered {whose} #{q.id}: {safe(answer.text, 300)}",
        "blocks": blocks,
    }


def merged_dm(dup: Question, original: Question, answer: Answer | None) -> dict[str, Any]:
    """Tells a rep their question was merged into an original (with its answer, if any)."""
    head = (
        f":link: Question *#{dup.id}* was merged into *#{original.id}*, which asks the same: "
        f"{safe(original.text, 500)}"
    )
    tail = (
        f"*Answer:* {_answer_text(answer)}"
        if answer
        else "It isn't answered yet; you'll get the answer here when it is."
    )
    return {
        "text": f"Question #{dup.id} was merged into #{original.id}.",
        "blocks": [section(head), section(tail)],
    }


def triage_missing_dm() -> dict[str, Any]:
    text = (
        ":wave: A rep logged a prospect question, but this workspace has no marketing triage "
        f"channel yet, so questions are queued. {TRIAGE_SETUP}"
    )
    return {"text": text, "blocks": [section(text)]}
