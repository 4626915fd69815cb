"""Replies for `/lockstep config` and `/lockstep role`."""

from __future__ import annotations

from typing import Any

from bot.kernel.messages import ephemeral
from bot.kernel.messages import refusal as refusal_text
from bot.kernel.text import safe, user_mention
from storage.models import Workspace

CONFIG_EXAMPLES = (
    "/lockstep config triage-channel #marketing-triage",
    "/lockstep config timezone Europe/Paris",
    "/lockstep config digest monday 09:00 Europe/Paris #sales-marketing",
    "/lockstep config answer-review 90",
)
ROLE_EXAMPLES = ("/lockstep role @dana marketer", "/lockstep role remove @dana marketer")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def clip(text: str) -> str:
    """User text echoed inside backticks: escaped and short."""
    return safe(text, 40)


def refusal() -> dict[str, Any]:
    return ephemeral(refusal_text())


def config_saved(what: str, value: str) -> dict[str, Any]:
    return ephemeral(f":white_check_mark: {what} is now {value}.")


def config_summary(ws: Workspace) -> dict[str, Any]:
    triage = f"<#{ws.triage_channel}>" if ws.triage_channel else "_not set_"
    digest = f"<#{ws.digest_channel}>" if ws.digest_channel else "_not set_"
    return ephemeral(
        "*Lockstep settings for this workspace*\n"
        f"• Triage channel: {triage}\n• Digest channel: {digest}\n"
        f"• Digest: {WEEKDAYS[ws.digest_weekday]} {ws.digest_time}\n"
        f"• Time zone: {safe(ws.timezone, 64)}\n"
        f"• Answers reviewed after: {ws.answer_review_days} days"
    )


def role_changed(user: str, role: str, *, granted: bool, changed: bool) -> dict[str, Any]:
    who = user_mention(user)
    if granted:
        text = f"{who} is now a {role}." if changed else f"{who} was already a {role}."
    else:
        text = f"{who} is no longer a {role}." if changed else f"{who} was not a {role}."
    return ephemeral(f":white_check_mark: {text}")


def role_list(held: dict[str, list[str]], env_admins: frozenset[str]) -> dict[str, Any]:
    lines = []
    for role, users in held.items():
        people = sorted(set(users) | (set(env_admins) if role == "admin" else set()))
        names = ", ".join(user_mention(u) for u in people) if people else "_nobody yet_"
        lines.append(f"• *{role}*: {names}")
    return ephemeral("*Roles in this workspace*\n" + "\n".join(lines))
