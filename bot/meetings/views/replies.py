"""Ephemeral replies of `/agenda` and its buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.kernel.messages import ephemeral, usage
from bot.kernel.text import safe
from bot.meetings.schedule import ScheduleSpec, describe
from bot.meetings.views.agenda import KIND_NAMES, when_text

EXAMPLES = (
    "/agenda setup",
    "/agenda list",
    "/agenda add weekly-sync Pricing page questions",
    "/agenda preview weekly-sync",
    "/agenda skip weekly-sync 2026-12-28",
    "/agenda pause weekly-sync",
    "/agenda resume weekly-sync",
)


def help_usage(problem: str) -> dict[str, Any]:
    return usage(problem, *EXAMPLES)


def no_series(name: str) -> dict[str, Any]:
    return usage(f"I know no meeting series called `{safe(name, 80)}`.", "/agenda list")


def series_line(
    name: str, kind: str, spec: ScheduleSpec, channel: str, paused: bool, next_at: datetime | None
) -> str:
    state = ":double_vertical_bar: paused" if paused else ":arrow_forward: active"
    upcoming = f" · next {when_text(next_at)}" if next_at and not paused else ""
    return (
        f"• *{safe(name, 80)}* ({KIND_NAMES.get(kind, kind)}) · {safe(describe(spec), 200)}"
        f" · <#{channel}> · {state}{upcoming}"
    )


def series_list(lines: list[str]) -> dict[str, Any]:
    if not lines:
        return ephemeral(
            "No meeting series yet. Leaders and admins create one with `/agenda setup`."
        )
    return ephemeral("*Meeting series*\n" + "\n".join(lines[:40]))


def done(text: str) -> dict[str, Any]:
    """A confirmation (already-escaped mrkdwn)."""
    return ephemeral(f":white_check_mark: {text}")


def note(text: str) -> dict[str, Any]:
    return ephemeral(f":information_source: {text}")


def series_saved(name: str, spec: ScheduleSpec, channel: str) -> dict[str, Any]:
    return done(
        f"Meeting series *{safe(name, 80)}* is saved: {safe(describe(spec), 200)}; "
        f"the agenda goes to <#{channel}>."
    )
