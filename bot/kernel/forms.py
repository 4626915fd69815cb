"""Reading modal state and building the input elements the feature modals share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.kernel.text import plain, truncate

INPUT = "value"  # every input block holds one element with this action_id


def state_value(values: dict[str, Any], block_id: str) -> str | None:
    """The submitted value of a block's element, whatever its type (None when empty).

    An input block holds one element; Slack keys its state by that element's action_id, which
    is INPUT for our text fields but the select's own id for shared selects (asset_pick).
    """
    item = next(iter(values.get(block_id, {}).values()), None) or {}
    option = item.get("selected_option")
    if isinstance(option, dict):
        return str(option.get("value"))
    for key in ("value", "selected_date", "selected_user"):
        if item.get(key):
            return str(item[key]).strip() or None
    return None


def option(label: str, value: str) -> dict[str, Any]:
    """A select option within Slack's limits (text 75, value 150)."""
    return {"text": plain(truncate(label, 75), 75), "value": value[:150]}


def text_input(
    block_id: str,
    label: str,
    *,
    initial: str = "",
    multiline: bool = False,
    optional: bool = False,
    max_length: int = 3000,
    placeholder: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": INPUT,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return input_block(block_id, label, element, optional=optional)


def static_select(
    block_id: str,
    label: str,
    choices: Sequence[tuple[str, str]],
    *,
    initial: str | None = None,
    optional: bool = False,
) -> dict[str, Any]:
    options = [option(text, value) for text, value in choices]
    element: dict[str, Any] = {"type": "static_select", "action_id": INPUT, "options": options}
    chosen = [o for o in options if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return input_block(block_id, label, element, optional=optional)


def date_input(
    block_id: str, label: str, *, initial: str | None = None, optional: bool = True
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": INPUT}
    if initial:
        element["initial_date"] = initial
    return input_block(block_id, label, element, optional=optional)


def user_input(block_id: str, label: str, *, initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select", "action_id": INPUT}
    if initial:
        element["initial_user"] = initial
    return input_block(block_id, label, element)


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }


def modal(
    callback_id: str,
    title: str,
    blocks: list[dict[str, Any]],
    *,
    submit: str = "Save",
    metadata: str = "",
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "submit": plain(submit, 24),
        "close": plain("Cancel", 24),
        "private_metadata": metadata[:3000],
        "blocks": blocks,
    }
