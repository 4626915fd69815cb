"""Replies to `/lockstep away|back` and `/lockstep config nudges|working-hours|holiday`."""

from __future__ import annotations

from typing import Any

from bot.kernel.messages import ephemeral
from bot.kernel.text import safe, user_mention
from storage.models import Holiday, Workspace


def nudge_settings(ws: Workspace, days: str) -> dict[str, Any]:
    def state(on: bool) -> str:
        return "on" if on else "off"

    return ephemeral(
        "*Nudges in this workspace*\n"
        f"• Goal owners: {state(ws.nudge_goals)}, {ws.nudge_goal_hours} h before the digest\n"
        f"• Unanswered questions: {state(ws.nudge_questions)}, after "
        f"{ws.nudge_question_hours} working hours\n"
        f"• Overdue content requests: {state(ws.nudge_requests)}\n"
        f"• Working hours (each person's own time): {ws.work_start}-{ws.work_end}, {days}\n"
        "Change with `/lockstep config nudges goals off`, `... nudges questions 16` or "
        "`/lockstep config working-hours 09:00-18:00 mon-fri`."
    )


def away_saved(
    user: str, start: str, end: str | None, self_: bool, replaced: str | None = None
) -> dict[str, Any]:
    """The reply to `/lockstep away`; `replaced`: the earlier away days it overwrote (one range
    a person)."""
    who = "You are" if self_ else f"{user_mention(user)} is"
    until = f"to {end}" if end else "until `/lockstep back`"
    instead = f" (instead of {replaced}: one range at a time)" if replaced else ""
    return ephemeral(
        f":palm_tree: {who} away from {start} {until}{instead}: no nudges meanwhile, and "
        "agendas skip them as a voice."
    )


def back(user: str, self_: bool, was_away: bool) -> dict[str, Any]:
    who = "You are" if self_ else f"{user_mention(user)} is"
    if not was_away:
        return ephemeral(f"{who} not marked away.")
    return ephemeral(f":wave: {who} back: nudges are on again.")


def holiday_list(days: list[Holiday]) -> dict[str, Any]:
    if not days:
        return ephemeral(
            "No holidays set. Add one with `/lockstep config holiday add 2026-12-25 Christmas`."
        )
    lines = [f"• {h.day.isoformat()} {safe(h.name, 100)}".rstrip() for h in days]
    return ephemeral("*Holidays (no nudges, no agendas)*\n" + "\n".join(lines))


def holiday_changed(day: str, added: bool, changed: bool) -> dict[str, Any]:
    if added:
        return ephemeral(
            f":white_check_mark: {day} is a holiday" + ("." if changed else " (renamed).")
        )
    if not changed:
        return ephemeral(f"{day} was not a holiday.")
    return ephemeral(f":white_check_mark: {day} is no longer a holiday.")
