"""`/agenda` modals (setup, topic, action item), reading what was submitted, and replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.kernel.parsing import BARE_USER, channel_id
from bot.kernel.text import plain
from bot.meetings.schedule import (
    ORDINALS,
    WEEKDAY_NAMES,
    ScheduleError,
    ScheduleSpec,
    describe,
    make_trigger,
)
from bot.meetings.views.agenda import KIND_NAMES

SETUP = "agenda_setup"
TOPIC = "agenda_topic"
ACTION = "agenda_action"
VALUE = "value"
PATTERN_NAMES = {
    "weekly": "Every week (weekday + time)",
    "nth_weekday": "Nth weekday of the month",
    "day_of_month": "Day of the month",
    "cron": "Cron expression (custom)",
}
FIELDS = ("name", "kind", "pattern", "weekday", "nth", "day", "time", "cron", "timezone")


@dataclass(frozen=True)
class SetupForm:
    name: str
    kind: str
    spec: ScheduleSpec
    channel: str
    lead_minutes: int
    sales: list[str]
    marketing: list[str]


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, 75), "value": value}


def _input(
    block_id: str, label: str, element: dict[str, Any], optional: bool = False, hint: str = ""
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "optional": optional,
        "element": {**element, "action_id": VALUE},
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _select(options: dict[str, str], initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "options": [_option(text, value) for value, text in options.items()],
    }
    if initial is not None:
        element["initial_option"] = _option(options[initial], initial)
    return element


def _text(initial: str = "", max_length: int = 80, placeholder: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": max_length}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def setup_modal(timezone: str) -> dict[str, Any]:
    """The `/agenda setup` modal (leaders and admins)."""
    weekdays = {str(i): name for i, name in enumerate(WEEKDAY_NAMES)}
    ordinals = {str(n): text for n, text in ORDINALS.items()}
    days = {str(d): str(d) for d in range(1, 29)}
    blocks = [
        _input("name", "Name", _text(placeholder="Weekly sales & marketing check-in")),
        _input("kind", "Kind", _select(KIND_NAMES, "weekly")),
        _input("pattern", "Repeats", _select(PATTERN_NAMES, "weekly")),
        _input("weekday", "Weekday", _select(weekdays, "0"), optional=True),
        _input("nth", "Which one (nth weekday)", _select(ordinals, "1"), optional=True),
        _input("day", "Day of the month", _select(days, "1"), optional=True),
        _input("time", "Time (HH:MM, 24 h)", _text("09:00", 5), optional=True),
        _input(
            "cron",
            "Cron expression",
            _text(max_length=120, placeholder="30 9 * * 1-5"),
            optional=True,
            hint="Only for 'Cron expression': minute hour day month weekday.",
        ),
        _input("timezone", "Time zone", _text(timezone, 64)),
        _input(
            "channel",
            "Post the agenda in",
            {
                "type": "conversations_select",
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            },
        ),
        _input("lead", "Post how many hours before", _text("24", 4)),
        _input("sales", "Sales members", {"type": "multi_users_select"}, optional=True),
        _input("marketing", "Marketing members", {"type": "multi_users_select"}, optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": SETUP,
        "title": plain("Meeting series", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def value_of(values: dict[str, Any], block_id: str) -> Any:
    """Whatever the element in `block_id` holds: text, option value, user(s), channel, date."""
    element = (values.get(block_id) or {}).get(VALUE) or {}
    if not isinstance(element, dict):
        return None
    if "selected_option" in element:
        option = element["selected_option"] or {}
        return option.get("value")
    for key in ("selected_users", "selected_user", "selected_conversation", "selected_date"):
        if key in element:
            return element[key]
    return element.get("value")


def _int(values: dict[str, Any], block_id: str, default: int) -> int:
    raw = value_of(values, block_id)
    try:
        return int(raw) if raw not in (None, "") else default
    except (TypeError, ValueError):
        return -99  # out of range: the trigger check names the field


def _users(values: dict[str, Any], block_id: str) -> list[str] | None:
    raw = value_of(values, block_id) or []
    if not isinstance(raw, list) or not all(isinstance(u, str) and BARE_USER.match(u) for u in raw):
        return None
    return list(dict.fromkeys(raw))[:50]


def read_setup(values: dict[str, Any]) -> tuple[SetupForm | None, dict[str, str]]:
    """The submitted setup, or the inline errors to show (block_id -> message)."""
    errors: dict[str, str] = {}
    name = str(value_of(values, "name") or "").strip()
    if not name or len(name) > 80 or name.isdigit():
        errors["name"] = "Give the series a name (up to 80 characters, not only digits)."
    kind = str(value_of(values, "kind") or "")
    if kind not in KIND_NAMES:
        errors["kind"] = "Pick a kind."
    spec = ScheduleSpec(
        pattern=str(value_of(values, "pattern") or ""),
        weekday=_int(values, "weekday", 0),
        nth=_int(values, "nth", 1),
        day=_int(values, "day", 1),
        time=str(value_of(values, "time") or "").strip(),
        cron=str(value_of(values, "cron") or "").strip() or None,
        timezone=str(value_of(values, "timezone") or "").strip(),
    )
    try:
        make_trigger(spec)
    except ScheduleError as exc:
        errors[exc.field] = exc.message
    channel = channel_id(str(value_of(values, "channel") or ""))
    if channel is None:
        errors["channel"] = "Pick a channel for the agenda."
    lead_raw = str(value_of(values, "lead") or "").strip()
    lead = int(lead_raw) if lead_raw.isdigit() else -1
    if not 1 <= lead <= 336:
        errors["lead"] = "Hours before the meeting: a whole number from 1 to 336."
    sales, marketing = _users(values, "sales"), _users(values, "marketing")
    if sales is None:
        errors["sales"] = "Pick people."
    if marketing is None:
        errors["marketing"] = "Pick people."
    if errors or channel is None or sales is None or marketing is None:
        return None, errors
    return SetupForm(name, kind, spec, channel, lead * 60, sales, marketing), {}


def text_modal(callback_id: str, title: str, label: str, agenda_id: int) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": str(agenda_id),
        "title": plain(title, 24),
        "submit": plain("Add", 24),
        "close": plain("Cancel", 24),
        "blocks": [_input("text", label, _text(max_length=300))],
    }


def topic_modal(agenda_id: int) -> dict[str, Any]:
    return text_modal(TOPIC, "Add a topic", "Topic", agenda_id)


def action_modal(agenda_id: int) -> dict[str, Any]:
    view = text_modal(ACTION, "Add action item", "What needs doing", agenda_id)
    view["blocks"] += [
        _input("owner", "Owner", {"type": "users_select"}),
        _input("due", "Due date", {"type": "datepicker"}),
    ]
    return view


def read_action(values: dict[str, Any]) -> tuple[tuple[str, str, date] | None, dict[str, str]]:
    """(text, owner, due) from the action item modal, or inline errors."""
    errors: dict[str, str] = {}
    text = str(value_of(values, "text") or "").strip()
    if not text:
        errors["text"] = "Say what needs doing."
    owner = str(value_of(values, "owner") or "")
    if not BARE_USER.match(owner):
        errors["owner"] = "Pick the person who owns it."
    try:
        due = date.fromisoformat(str(value_of(values, "due") or ""))
    except ValueError:
        errors["due"] = "Pick a due date."
    if errors:
        return None, errors
    return (text, owner, due), {}


def schedule_summary(spec: ScheduleSpec) -> str:
    return describe(spec)
