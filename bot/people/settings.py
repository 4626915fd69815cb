"""Reading what people type for `/lockstep away`, `... config holiday`, `... config nudges` and
`... config working-hours`; every mistake is an InputError that says the right form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.people.hours import clock

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AWAY_EXAMPLES = (
    "/lockstep away 2026-03-10 2026-03-14 conference",
    "/lockstep away today",
    "/lockstep away @dana tomorrow (admins)",
)
HOLIDAY_EXAMPLES = (
    "/lockstep config holiday add 2026-12-25 Christmas",
    "/lockstep config holiday remove 2026-12-25",
    "/lockstep config holiday list",
)
NUDGE_EXAMPLES = (
    "/lockstep config nudges goals off",
    "/lockstep config nudges goals 48",
    "/lockstep config nudges questions 16",
    "/lockstep config nudges requests on",
)
HOURS_EXAMPLE = "/lockstep config working-hours 09:00-18:00 mon-fri"
NUDGE_KINDS = {"goals": "nudge_goals", "questions": "nudge_questions", "requests": "nudge_requests"}
NUDGE_HOURS = {"goals": "nudge_goal_hours", "questions": "nudge_question_hours"}
MAX_NUDGE_HOURS = 168
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class InputError(ValueError):
    """A user mistake; the message says what to type instead. Plain text (it may echo what was
    typed): a reply in mrkdwn escapes it where it is put (handlers/people.py)."""


@dataclass(frozen=True)
class Away:
    start: date
    end: date | None  # inclusive; None: until `/lockstep back`
    note: str


def day(text: str, today: date | None = None) -> date:
    """`2026-03-10`, or `today`/`tomorrow` when `today` is given."""
    word = text.strip().lower()
    if today is not None and word in ("today", "tomorrow"):
        return today + timedelta(days=1 if word == "tomorrow" else 0)
    if not ISO_DAY.match(word):
        # echoes what was typed: handlers/people.py escapes every InputError it shows
        raise InputError(f"`{text[:20]}` is not a date: write it as YYYY-MM-DD.")
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise InputError(f"{word} is not a day of the calendar.") from None


def parse_away(words: list[str], today: date) -> Away:
    """`<from> [to] [note]`: from today on, the end not before the start."""
    if not words:
        raise InputError("Say from which day you are away.")
    start = day(words[0], today)
    end: date | None = None
    rest = words[1:]
    if rest and (ISO_DAY.match(rest[0]) or rest[0].lower() in ("today", "tomorrow")):
        end = day(rest[0], today)
        rest = rest[1:]
    if start < today:
        raise InputError("That day is in the past: away days start today or later.")
    if end is not None and end < start:
        raise InputError("The last day comes before the first.")
    return Away(start, end, " ".join(rest)[:200])


def parse_holiday(words: list[str]) -> tuple[str, date | None, str]:
    """`add <YYYY-MM-DD> [name]`, `remove <YYYY-MM-DD>` or `list`."""
    action = words[0].lower() if words else "list"
    if action == "list":
        return "list", None, ""
    if action not in ("add", "remove") or len(words) < 2:
        raise InputError("Use `add`, `remove` or `list`.")
    return action, day(words[1]), " ".join(words[2:])[:100]


def parse_nudges(words: list[str]) -> dict[str, object]:
    """`<goals|questions|requests> <on|off|hours>`: the Workspace columns to change."""
    if len(words) != 2 or words[0].lower() not in NUDGE_KINDS:
        raise InputError("Name the nudge (goals, questions or requests) and on, off or hours.")
    kind, value = words[0].lower(), words[1].lower().removesuffix("h")
    if value in ("on", "off"):
        return {NUDGE_KINDS[kind]: value == "on"}
    if kind not in NUDGE_HOURS:
        raise InputError(f"The {kind} nudge can only be turned on or off.")
    if not value.isdigit() or not 1 <= int(value) <= MAX_NUDGE_HOURS:
        raise InputError(f"Give the hours as a number from 1 to {MAX_NUDGE_HOURS}.")
    return {NUDGE_HOURS[kind]: int(value), NUDGE_KINDS[kind]: True}


MIN_WINDOW_MINUTES = 60  # a shorter window leaves a DM a few minutes a day to go out in


def parse_working_hours(words: list[str]) -> dict[str, str]:
    """`<HH:MM>-<HH:MM> [mon-fri | mon,tue,...]`: the Workspace columns to change."""
    if len(words) not in (1, 2):
        raise InputError("Give the hours, and optionally the days.")
    start_text, _, end_text = words[0].partition("-")
    start, end = clock(start_text), clock(end_text)
    if start is None or end is None or start >= end:
        raise InputError("Give the hours as 09:00-18:00 (24-hour clock, start before end).")
    if (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) < MIN_WINDOW_MINUTES:
        raise InputError("Give working hours at least one hour long, e.g. 09:00-18:00.")
    changes = {"work_start": start.strftime("%H:%M"), "work_end": end.strftime("%H:%M")}
    if len(words) == 2:
        changes["work_days"] = _days(words[1].lower())
    return changes


FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAYS_HELP = "Give the days as mon-fri, mon,wed-fri or monday,tuesday."


def _day(name: str) -> int:
    """`mon` or `monday` -> 0; nothing else (no `monkey`)."""
    for names in (DAY_NAMES, FULL_DAY_NAMES):
        if name in names:
            return names.index(name)
    raise InputError(DAYS_HELP)


def _days(text: str) -> str:
    """`mon,wed-fri` -> `1345`: comma-separated parts, each one day or an in-order range."""
    picked: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        a = _day(first)
        b = _day(last) if dash else a
        if a > b:
            raise InputError("Give each range of days in order, e.g. mon-fri.")
        picked.update(range(a, b + 1))
    return "".join(str(i + 1) for i in sorted(picked))


def days_text(work_days: str) -> str:
    return ", ".join(DAY_NAMES[int(d) - 1] for d in work_days if d.isdigit() and 1 <= int(d) <= 7)
