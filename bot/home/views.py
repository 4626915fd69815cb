"""The Home tab: the person's loop at a glance, and a button for each thing they can start."""

from __future__ import annotations

from typing import Any

from bot.home.tab import HomeData, HomeSection
from bot.kernel.text import mrkdwn, plain, truncate

MAX_BLOCKS = 100
START_PREFIX = "home_start:"
# The buttons that start each action: (what, label, roles that see it; empty = everyone).
START_BUTTONS: list[tuple[str, str, frozenset[str]]] = [
    ("question", "Ask a prospect question", frozenset()),
    ("feedback", "Give asset feedback", frozenset()),
    ("request", "Request content", frozenset()),
    ("asset", "Add an asset", frozenset({"marketer", "admin"})),
]
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
    buttons = [
        {"type": "button", "action_id": START_PREFIX + what, "text": plain(label, 75)}
        for what, label, roles in START_BUTTONS
        if not roles or roles & data.roles
    ]
    if buttons:
        blocks.append({"type": "actions", "block_id": "home_start", "elements": buttons[:25]})
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


def start_form(what: str, user_id: str) -> dict[str, Any] | None:
    """The modal a Home start button opens (permissions are checked again on submit)."""
    from bot.assets.views.catalog import asset_modal
    from bot.assets.views.feedback import feedback_modal
    from bot.content_requests.views.forms import request_modal
    from bot.questions.views.modals import capture_modal

    forms = {
        "question": capture_modal,  # as `/prospect-question` with no text opens it
        "feedback": lambda: feedback_modal(None),
        "request": request_modal,
        "asset": lambda: asset_modal(None, user_id),
    }
    build = forms.get(what)
    return build() if build else None
