"""The weekly digest as a Block Kit message (and its ephemeral preview)."""

from __future__ import annotations

from typing import Any

from bot.goals.digest import (
    LEGEND,
    DigestData,
    engagement_line,
    goal_line,
    loop_lines,
    pack,
    summary,
)
from bot.kernel.text import mrkdwn, plain, section

LOG_PROGRESS = "digest_log_progress"  # the "Log progress" button (handled in handlers/goals.py)
# Per-goal signals (handlers/goals_reactions.py): a menu of the digest's goals each, so a signal
# is about the goal it names, whatever the number of goals (one block for all of them).
SIGNAL_HELP = "digest_signal_help"
SIGNAL_RISK = "digest_signal_risk"
SIGNAL_KIND = {SIGNAL_HELP: "help", SIGNAL_RISK: "risk"}
MAX_OPTIONS = 100
MAX_BLOCKS = 50
NO_GOALS = "No shared goals yet: leaders can create one with `/goal new`."


def digest_message(data: DigestData, reserved: int = 0) -> dict[str, Any]:
    """The digest: header, one line group per goal, the loop, engagement, legend, a button.

    `reserved` blocks are left free under the 50-block limit for a caller to add.
    """
    title = f"Shared goals · week of {data.today:%b} {data.today.day}"
    top: list[dict[str, Any]] = [
        {"type": "header", "text": plain(title, 150)},
        _context(summary(data.goals, data.today)),
        {"type": "divider"},
    ]
    bottom: list[dict[str, Any]] = []
    loop = loop_lines(data.loop)
    if loop:
        bottom += [{"type": "divider"}, section("*This week in the loop*\n" + "\n".join(loop))]
    engaged = engagement_line(data.engagement)
    if engaged:
        bottom.append(_context(engaged))
    bottom.append(_context("Tell both teams: " + LEGEND))
    if data.goals:
        button = {
            "type": "button",
            "action_id": LOG_PROGRESS,
            "text": plain("Log progress"),
            "value": "log",
        }
        help_menu = _signal_menu(SIGNAL_HELP, "🙌 I can help with…", data)
        risk_menu = _signal_menu(SIGNAL_RISK, "⚠️ I see a risk in…", data)
        bottom.append({"type": "actions", "elements": [button, help_menu, risk_menu]})
    lines = [goal_line(g, data.today) for g in data.goals] or [NO_GOALS]
    sections = _fit(pack(lines), MAX_BLOCKS - reserved - len(top) - len(bottom))
    text = f"{title}: {summary(data.goals, data.today)}"
    return {"text": text, "blocks": top + [section(s) for s in sections] + bottom}


def _signal_menu(action_id: str, placeholder: str, data: DigestData) -> dict[str, Any]:
    options = [
        {"text": plain(g.name, 75), "value": str(g.goal_id)} for g in data.goals[:MAX_OPTIONS]
    ]
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, 150),
        "options": options,
    }


def preview_message(data: DigestData) -> dict[str, Any]:
    """The next digest, shown only to the asker."""
    message = digest_message(data, reserved=1)
    note = _context(":eyes: Preview: only you can see this; the digest itself posts on schedule.")
    blocks = [note, *message["blocks"]]
    return {"response_type": "ephemeral", "text": message["text"], "blocks": blocks}


def _fit(sections: list[str], room: int) -> list[str]:
    """At most `room` sections; beyond that, a pointer to `/goal list` replaces the rest."""
    if len(sections) <= room:
        return sections
    return [*sections[: room - 1], "…and more goals than fit here: `/goal list` shows them all."]


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text[:3000])]}
