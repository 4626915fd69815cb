"""The knowledge-gap report: `/lockstep gaps`, its lines on the Home tab and the agenda."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.gaps.model import Gap
from bot.kernel.messages import ephemeral
from bot.kernel.text import mrkdwn, plain, safe, section

REQUEST_BUTTON = "gap_request_content"
COMMAND = "/lockstep gaps"
NO_GAPS = (
    ":tada: No knowledge gaps: every question of the window is answered, or none is asked "
    "by two reps yet."
)
WORKING = ":hourglass_flowing_sand: Working out the knowledge gaps; they'll be here in a moment."


def label(gap: Gap) -> str:
    """“pricing” (a tag) or “okta” (shared word): user text, escaped."""
    kind = "tag" if gap.kind == "tag" else "word"
    return f"*{safe(gap.label, 60)}* ({kind})"


def figures(gap: Gap) -> str:
    parts = [f"{gap.questions} question{'s' * (gap.questions != 1)} unanswered"]
    if gap.votes:
        parts.append(f"+{gap.votes}")
    if gap.missed:
        parts.append(f"{gap.missed} “Not quite”")
    if gap.feedback:
        parts.append(f"{gap.feedback} asset feedback{'s' * (gap.feedback != 1)} missing it")
    return " · ".join(parts)


def _gap_text(gap: Gap) -> str:
    lines = [f"{label(gap)} — {figures(gap)}"]
    lines += [f"> #{i} {safe(text, 150)}" for i, text in gap.samples[:2]]
    lines += [f"_Missing from {safe(a, 60) or 'an asset'}:_ {safe(m, 150)}"
              for m, a in gap.feedback_samples[:1]]  # fmt: skip
    lines += [f"Request #{i} ({s.replace('_', ' ')}): {safe(w, 100)}" for i, s, w in gap.requests]
    return "\n".join(lines)


def button_value(days: int, gap: Gap) -> str:
    return f"{days}|{gap.key}"[:2000]


def parse_button(raw: str | None) -> tuple[int, str] | None:
    days, _, key = (raw or "").partition("|")
    return (int(days), key) if days.isdigit() and key else None


def gaps_reply(gaps: list[Gap], days: int, computed_at: datetime) -> dict[str, Any]:
    """The private reply: each gap with a Request content button."""
    if not gaps:
        return ephemeral(NO_GAPS)
    head = f":jigsaw: *Knowledge gaps, last {days} days* — what reps hear that nothing answers"
    blocks: list[dict[str, Any]] = [section(head)]
    for gap in gaps:
        block = section(_gap_text(gap))
        block["accessory"] = {
            "type": "button",
            "action_id": REQUEST_BUTTON,
            "text": plain("Request content"),
            "value": button_value(days, gap),
        }
        blocks.append(block)
    note = (
        f"As of {computed_at:%d %b %H:%M} UTC · `{COMMAND} 30` or `{COMMAND} 90` · "
        "topics are tags, or words the questions share"
    )
    blocks.append({"type": "context", "elements": [mrkdwn(note)]})
    return {"response_type": "ephemeral", "text": head, "blocks": blocks}


def gap_lines(gaps: list[Gap], limit: int = 5) -> list[str]:
    """One line per gap (the Home tab and the agenda)."""
    return [f"🧩 {label(g)} — {figures(g)}" for g in gaps[:limit]]


def prefill(gap: Gap) -> tuple[str, str, str]:
    """The content request a gap asks for: (what, why, question numbers)."""
    what = f"Content answering what prospects ask about “{gap.label}”"
    asked = "\n".join(f"#{i}: {text[:200]}" for i, text in gap.samples)
    why = f"{figures(gap)} (knowledge gaps report).\n{asked}"[:2000]
    refs = ""
    for number in gap.question_ids:  # as many as fit the form's 200 characters
        more = f"{refs}, {number}" if refs else str(number)
        if len(more) > 200:
            break
        refs = more
    return what[:2000], why, refs
