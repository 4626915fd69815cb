"""The Home tab: the person's loop at a glance, and a button for each thing they can start."""

from __future__ import annotations

from typing import Any

from bot.home import HomeData, HomeSection
from bot.text import mrkdwn, plain, truncate

MAX_BLOCKS = 100
# (action_id, label) of the buttons that start each action; features register theirs.
START_BUTTONS: list[tuple[str, str]] = []
ROLE_INTRO = {
    "rep": "Your questions, your content requests and the goals we share.",
    "marketer": "The triage queue and how your content is doing in the field.",
    "leader": "How the shared goals are pacing, and the next meetings.",
    "admin": "Everything in the loop. Settings: `/lockstep config`, roles: `/lockstep role`.",
    "member": "Ask an admin for a role (`/lockstep role @you rep`) to see more here.",
}


def _section_blocks(section: HomeSection) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain(section.title, 150)}]
    if not section.lines:
        blocks.append({"type": "context", "elements": [mrkdwn(section.empty)]})
        return blocks
    chunk: list[str] = []
    size = 0
    for line in section.lines:
        if size + len(line) + 1 > 2900 and chunk:
            blocks.append({"type": "section", "text": mrkdwn("\n".join(chunk))})
            chunk, size = [], 0
        chunk.append(truncate(line, 2900))
        size += len(line) + 1
    if chunk:
        blocks.append({"type": "section", "text": mrkdwn("\n".join(chunk))})
    if section.more:
        blocks.append({"type": "context", "elements": [mrkdwn(f"… and {section.more} more")]})
    return blocks


def home_view(data: HomeData) -> dict[str, Any]:
    """A Home tab view for `data`, always within Slack's 100 blocks."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Lockstep")},
        {
            "type": "section",
            "text": mrkdwn(f"*You're a {data.main_role}.* {ROLE_INTRO[data.main_role]}"),
        },
    ]
    if START_BUTTONS:
        blocks.append({
            "type": "actions",
            "block_id": "home_start",
            "elements": [
                {"type": "button", "action_id": action_id, "text": plain(label, 75)}
                for action_id, label in START_BUTTONS[:25]
            ],
        })  # fmt: skip
    for section in data.sections:
        part = _section_blocks(section)
        if len(blocks) + len(part) + 2 > MAX_BLOCKS:
            blocks.append(
                {"type": "context", "elements": [mrkdwn("More in Slack: `/lockstep help`.")]}
            )
            break
        blocks.append({"type": "divider"})
        blocks.extend(part)
    return {"type": "home", "blocks": blocks}
