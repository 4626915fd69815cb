"""Small messages every feature uses: errors, confirmations, usage hints."""

from __future__ import annotations

from typing import Any

from bot.kernel.text import plain, section


def ephemeral(text: str) -> dict[str, Any]:
    """An ephemeral reply of already-escaped mrkdwn, with its notification fallback."""
    return {"response_type": "ephemeral", "text": text, "blocks": [section(text)]}


def notice_modal(text: str) -> dict[str, Any]:
    """A read-only modal of already-escaped mrkdwn: what a button that opens a form shows when
    it cannot (a refusal, "not now"). It uses the click's trigger, so the ack waits on no
    response_url."""
    return {
        "type": "modal",
        "title": plain("Lockstep"),
        "close": plain("OK"),
        "blocks": [section(text)],
    }


def something_went_wrong() -> dict[str, Any]:
    return ephemeral(
        ":warning: Something went wrong on our side and it has been logged. "
        "Nothing you sent was lost; please try again in a moment."
    )


def usage(problem: str, *examples: str) -> dict[str, Any]:
    """A friendly error that shows the right usage."""
    lines = [f":thinking_face: {problem}"]
    if examples:
        lines.append("Try:\n" + "\n".join(f"• `{e}`" for e in examples))
    return ephemeral("\n".join(lines))


def slow_down(limit: int) -> dict[str, Any]:
    return ephemeral(
        f":hourglass: That's more than {limit} commands in a minute. "
        "Please wait a moment and try again — nothing you sent before was lost."
    )


def refusal(*needed: str) -> str:
    """The polite message for someone without the role (`needed` as plural nouns)."""
    who = " or ".join((*needed, "admins")) if needed else "admins"
    return (
        f":lock: Sorry, only {who} can do that. "
        "An admin can grant a role with `/lockstep role @person <role>`."
    )
