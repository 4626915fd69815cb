"""Parsing and validating what people type about goals: numbers, dates, `/goal update` text.

Pure functions: each returns the parsed value or raises InputError with a friendly message.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from storage.models.goals import GoalInput

NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
MAX_NAME = 100
MAX_UNIT = 30
MAX_NOTE = 300
MAX_VALUE = 1e12


class InputError(ValueError):
    """A user mistake; the message says what to type instead."""


@dataclass(frozen=True)
class Progress:
    """`42` sets the value, `+5` / `-2` changes it."""

    amount: float
    is_delta: bool


def parse_number(text: str, what: str = "value") -> float:
    """A finite number such as 12, 1,250 or 3.5 (a trailing % or unit-less text is refused)."""
    clean = (text or "").strip()
    if not clean or not NUMBER.match(clean) or not any(c.isdigit() for c in clean):
        # Plain text: a form shows it as it is; a reply in mrkdwn escapes it where it is put.
        raise InputError(f"The {what} must be a number, like 12 or 3.5 (got `{clean[:20]}`).")
    value = float(clean.replace(",", ""))
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        raise InputError(f"The {what} is too large.")
    return value


def parse_target(text: str) -> float:
    target = parse_number(text, "target")
    if target <= 0:
        raise InputError("The target must be more than 0.")
    return target


def parse_progress(text: str) -> Progress:
    """`42` (new value), `+5` or `-2` (change)."""
    clean = (text or "").strip()
    value = parse_number(clean, "progress")
    if clean.startswith(("+", "-")):
        return Progress(value, True)
    return Progress(value, False)


def check_period(start: date | None, end: date | None) -> tuple[date, date]:
    if start is None or end is None:
        raise InputError("Pick both a start and an end date.")
    if end < start:
        raise InputError("The end date must be on or after the start date.")
    return start, end


def parse_date(text: str | None) -> date | None:
    """A datepicker's `YYYY-MM-DD`, or None."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError("Dates look like 2026-12-31.") from exc


def looks_numeric(token: str) -> bool:
    return bool(NUMBER.match(token)) and any(c.isdigit() for c in token)


def split_update(text: str) -> list[tuple[str, str, str]]:
    """Every way to read `<goal> <value|+delta> [note]`: (goal name, progress, note) candidates.

    A goal name may contain numbers ("Top 10 deals +3"), so each numeric word is a candidate
    split; a quoted name ("\"Top 10\" 5") is the only candidate.
    """
    text = text.strip()
    if text.startswith(('"', "“")):
        closing = text.find("”" if text[0] == "“" else '"', 1)
        if closing > 1:
            rest = text[closing + 1 :].split(maxsplit=1)
            if rest and looks_numeric(rest[0]):
                note = rest[1] if len(rest) > 1 else ""
                return [(text[1:closing].strip(), rest[0], note.strip())]
            return []
    words = text.split()
    found = []
    for index in range(1, len(words)):
        if looks_numeric(words[index]):
            found.append(
                (" ".join(words[:index]), words[index], " ".join(words[index + 1 :]).strip())
            )
    return found


def validate_goal(fields: dict[str, str | None]) -> GoalInput | dict[str, str]:
    """A GoalInput from the form's fields (by block id), or {block_id: message} to show inline."""
    errors: dict[str, str] = {}
    name = " ".join((fields.get("name") or "").split())
    if not name:
        errors["name"] = "Give the goal a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Keep the name under {MAX_NAME} characters."
    unit = " ".join((fields.get("unit") or "").split())[:MAX_UNIT]
    target = 0.0
    try:
        target = parse_target(fields.get("target") or "")
    except InputError as exc:
        errors["target"] = str(exc)
    start = end = None
    try:
        start = parse_date(fields.get("start"))
        end = parse_date(fields.get("end"))
        start, end = check_period(start, end)
    except InputError as exc:
        errors["start" if start is None else "end"] = str(exc)
    sales, marketing = fields.get("sales_owner"), fields.get("marketing_owner")
    if not sales:
        errors["sales_owner"] = "A shared goal needs a sales owner."
    if not marketing:
        errors["marketing_owner"] = "A shared goal needs a marketing owner."
    if errors or start is None or end is None or not sales or not marketing:
        return errors or {"name": "Please check the form."}
    return GoalInput(name, unit, target, start, end, sales, marketing, fields.get("channel"))
