"""The message Lockstep posts once when it joins a channel."""

from __future__ import annotations

from typing import Any

from bot.kernel.text import mrkdwn, plain

GENERAL = (
    "I keep sales and marketing in one feedback loop. Reps: log what prospects ask with "
    "`/prospect-question`, rate content with `/asset-feedback`, ask for what is missing with "
    "`/content-request`. Type `/lockstep help` for everything."
)


def introduction(purposes: list[str]) -> dict[str, Any]:
    """Hello, and what Lockstep will do in this channel (`purposes`: e.g. 'triage posts')."""
    here = (
        "In this channel I'll post " + " and ".join(purposes) + "."
        if purposes
        else "I'll answer commands here; an admin can make this the triage or digest channel "
        "with `/lockstep config`."
    )
    text = f":wave: Hi, I'm Lockstep. {here}"
    return {
        "text": text,
        "blocks": [
            {"type": "header", "text": plain("Hi, I'm Lockstep")},
            {"type": "section", "text": mrkdwn(here)},
            {"type": "context", "elements": [mrkdwn(GENERAL)]},
        ],
    }
