"""The "still unanswered" reminder in the triage thread, and the DM to the rep who asked."""

from __future__ import annotations

from typing import Any

from bot.kernel.text import safe, user_mention
from storage.models import Question

MAX_MENTIONS = 10


def thread_reminder(q: Question, marketers: list[str], hours: int) -> dict[str, Any]:
    """A reply in the triage post's thread that mentions the marketers (not away)."""
    who = " ".join(user_mention(m) for m in marketers[:MAX_MENTIONS]) or "Marketing"
    text = (
        f":alarm_clock: {who}: question #{q.id} is still unanswered after {hours} working "
        "hours. *Answer* above, or *Mark duplicate of…* if it was answered before."
    )
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def asker_still_open(q: Question) -> dict[str, Any]:
    """The DM telling the rep their question is still open (and that marketing was reminded)."""
    text = (
        f":hourglass_flowing_sand: Your prospect question #{q.id} is still open: "
        f"_{safe(q.text, 300)}_\nI reminded marketing in the triage channel; you will get the "
        "answer here as soon as it comes."
    )
    return {
        "text": f"Your prospect question #{q.id} is still open",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    }
