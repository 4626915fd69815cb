"""Block Kit for `/goal`: the goal form, the progress form, the list and the replies."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.goals.digest import GoalFigures, goal_line, number, pack
from bot.goals.input import MAX_NAME, MAX_NOTE, MAX_UNIT
from bot.kernel.messages import ephemeral
from bot.kernel.parsing import row_id
from bot.kernel.text import mrkdwn, plain, safe, section, user_mention
from storage.models import Goal, GoalUpdate

FORM_CALLBACK = "goal_form"
LOG_CALLBACK = "goal_log"
PICK_ACTION = "goal_pick"  # buttons are goal_pick_0, goal_pick_1... (unique within a message)
VALUE = "value"  # the action_id of every input; the block_id names the field
MAX_CHOICES = 5
MAX_OPTIONS = 100
EXAMPLES = (
    "/goal new",
    "/goal update Signed contracts +3 two from the webinar",
    "/goal update Pipeline 250000",
    "/goal list",
)


def goal_form(goal: Goal | None, default_channel: str | None, today: date) -> dict[str, Any]:
    """The create/edit modal (leaders and admins); private_metadata holds the goal id on edit."""
    channel = goal.channel if goal else default_channel
    blocks = [
        _text_input("name", "Goal", goal.name if goal else "", MAX_NAME, "e.g. Signed contracts"),
        _text_input("unit", "Unit", goal.unit if goal else "", MAX_UNIT, "e.g. deals", True),
        _text_input("target", "Target", number(goal.target) if goal else "", 20, "e.g. 40"),
        _date_input("start", "Start date", goal.start_date if goal else today),
        _date_input("end", "End date", goal.end_date if goal else None),
        _user_input("sales_owner", "Sales owner", goal.sales_owner if goal else None),
        _user_input("marketing_owner", "Marketing owner", goal.marketing_owner if goal else None),
        _channel_input(channel),
    ]
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": str(goal.id) if goal else "",
        "title": plain("Edit goal" if goal else "New shared goal", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def log_modal(goals: list[Goal]) -> dict[str, Any]:
    """Log progress on one goal (the digest's button)."""
    options = [{"text": plain(g.name, 75), "value": str(g.id)} for g in goals[:MAX_OPTIONS] if g.id]
    select = {"type": "static_select", "action_id": VALUE, "options": options}
    return {
        "type": "modal",
        "callback_id": LOG_CALLBACK,
        "title": plain("Log progress", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            {"type": "input", "block_id": "goal", "label": plain("Goal"), "element": select},
            _text_input("progress", "New value, or +change", "", 20, "e.g. 42 or +3"),
            _text_input("note", "Note", "", MAX_NOTE, "What moved it?", True),
        ],
    }


def _text_input(
    block_id: str, label: str, initial: str, limit: int, hint: str, optional: bool = False
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "max_length": limit,
        "placeholder": plain(hint, 150),
    }
    if initial:
        element["initial_value"] = initial
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element}
    return {**block, "optional": True} if optional else block


def _date_input(block_id: str, label: str, initial: date | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": VALUE}
    if initial:
        element["initial_date"] = initial.isoformat()
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}


def _user_input(block_id: str, label: str, initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select", "action_id": VALUE}
    if initial:
        element["initial_user"] = initial
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}


def _channel_input(initial: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": VALUE,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if initial:
        element["initial_conversation"] = initial
    return {
        "type": "input",
        "block_id": "channel",
        "optional": True,
        "label": plain("Digest channel"),
        "hint": plain("Leave empty for the workspace's digest channel."),
        "element": element,
    }


def form_values(state: dict[str, Any]) -> dict[str, str | None]:
    """The submitted value of each field of a form, by block id (None when empty)."""
    found: dict[str, str | None] = {}
    for block_id, actions in state.items():
        item = actions.get(VALUE, {})
        option = item.get("selected_option") or {}
        found[block_id] = (
            item.get("value")
            or item.get("selected_date")
            or item.get("selected_user")
            or item.get("selected_conversation")
            or option.get("value")
        )
    return found


def goal_list(figures: list[GoalFigures], today: date) -> dict[str, Any]:
    """Each goal with progress, pace and owners, only to the asker."""
    if not figures:
        return ephemeral("No shared goals yet. Leaders and admins create one with `/goal new`.")
    lines = [
        goal_line(f, today)
        + f"\nOwners: {user_mention(f.sales_owner)} (sales) · "
        + f"{user_mention(f.marketing_owner)} (marketing)"
        for f in figures
    ]
    sections = pack(lines)
    if len(sections) > 49:
        sections = [*sections[:48], "…more goals than fit in one message."]
    text = f"{len(figures)} shared goals"
    blocks = [section(f"*Shared goals* ({len(figures)})"), *(section(s) for s in sections)]
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}


def update_saved(goal: Goal, update: GoalUpdate) -> dict[str, Any]:
    unit = f" {safe(goal.unit, 30)}" if goal.unit else ""
    change = ("+" if update.delta >= 0 else "−") + number(abs(update.delta))
    percent = round(goal.current_value / goal.target * 100) if goal.target else 0
    return ephemeral(
        f":white_check_mark: *{safe(goal.name, 100)}* is now {number(goal.current_value)}/"
        f"{number(goal.target)}{unit} ({percent}%), {change} logged."
    )


def choose_goal(candidates: list[Goal], progress: str, note: str) -> dict[str, Any]:
    """Several goals match: one button per candidate carries the update to apply."""
    buttons = [
        {
            "type": "button",
            "action_id": f"{PICK_ACTION}_{index}",
            "text": plain(goal.name, 75),
            "value": json.dumps({"g": goal.id, "v": progress, "n": note[:MAX_NOTE]}),
        }
        for index, goal in enumerate(candidates[:MAX_CHOICES])
    ]
    text = f"Which goal should get `{safe(progress, 20)}`?"
    return {
        "response_type": "ephemeral",
        "text": text,
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {"type": "actions", "elements": buttons},
        ],
    }


def read_choice(value: str) -> tuple[int, str, str] | None:
    """(goal id, progress, note) from a choice button's value; None if it was tampered with."""
    try:
        data = json.loads(value)
        goal_id = row_id(str(data["g"]))
        if goal_id is None:
            return None
        return goal_id, str(data["v"]), str(data.get("n", ""))[:MAX_NOTE]
    except (ValueError, TypeError, KeyError):
        return None


def goal_saved(goal: Goal, created: bool, digest_channel: str | None) -> dict[str, Any]:
    """The DM confirming a new or edited goal (and where its digest goes, if anywhere)."""
    verb = "created" if created else "updated"
    text = (
        f":dart: Shared goal *{safe(goal.name, 100)}* {verb}: {number(goal.target)} "
        f"{safe(goal.unit, 30)} by {goal.end_date.isoformat()}, owned by "
        f"{user_mention(goal.sales_owner)} and {user_mention(goal.marketing_owner)}."
    )
    channel = goal.channel or digest_channel
    if channel:
        text += f" It appears in the weekly digest in <#{channel}>."
    else:
        text += (
            " No digest channel is set yet: an admin can set one with "
            "`/lockstep config digest monday 09:00 #channel`."
        )
    return {"text": text, "blocks": [section(text)]}
