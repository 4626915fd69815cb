"""Each person's own time: `/lockstep away|back`, `/lockstep config nudges|working-hours|holiday`
(routed here from handlers/admin.py), and the `user_change` event that refreshes a cached zone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, BoltContext
from sqlmodel import Session

from bot.kernel.messages import usage
from bot.kernel.parsing import time_zone, user_id
from bot.kernel.text import escape
from bot.people import settings as parse
from bot.people.reach import remember
from bot.people.views import replies
from bot.platform import permissions
from bot.platform.config import Settings
from storage import people, workspaces
from storage.clock import to_local, utcnow
from storage.models import Person

CONFIG_KEYS = ("nudges", "working-hours", "holiday")


def register(app: Any) -> None:
    app.event("user_change")(user_changed)


def user_changed(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
    """A member changed their profile (zone) or was deactivated: cache what Slack says now.

    Written before the ack (one small upsert): a failed write is not acked, so Slack sends the
    event again. The workspace is the event's (a shared channel's member carries their own
    home team in `user.team_id`)."""
    user = event.get("user") or {}
    team = context.get("team_id") or user.get("team_id")
    if user.get("id") and team:
        with Session(context["engine"]) as session:
            remember(session, str(team), user)
    ack()


def _target(
    session: Session, settings: Settings, command: dict[str, Any], words: list[str]
) -> tuple[str, list[str], dict[str, Any] | None]:
    """Whose away days: the sender, or (admins only) the person mentioned first."""
    actor = command["user_id"]
    other = user_id(words[0]) if words else None
    if other is None or other == actor:
        return actor, words[1:] if other else words, None
    if not permissions.allowed(session, settings, command["team_id"], actor):
        return actor, words, replies_refusal()
    return other, words[1:], None


def replies_refusal() -> dict[str, Any]:
    return usage("Only admins set someone else's away days.", parse.AWAY_EXAMPLES[0])


def away(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    """`/lockstep away [@person] <from> [to] [note]`."""
    team = command["team_id"]
    with Session(context["engine"]) as session:
        who, words, refused = _target(session, context["settings"], command, rest.split())
        if refused:
            return refused
        ws = workspaces.get_or_create(session, team, context["settings"].lockstep_timezone)
        person = people.get(session, team, who)  # their own today, when their zone is known
        zone = time_zone(person.tz if person and person.tz else ws.timezone) or ZoneInfo("UTC")
        today = to_local(utcnow(), zone).date()
        try:
            plan = parse.parse_away(words, today)
        except parse.InputError as exc:
            return usage(escape(str(exc)), *parse.AWAY_EXAMPLES)  # it echoes input
        before = people.get(session, team, who)
        replaced = _away_range(before)
        people.set_away(session, team, who, plan.start, plan.end, plan.note)
    end = plan.end.isoformat() if plan.end else None
    return replies.away_saved(who, plan.start.isoformat(), end, who == command["user_id"], replaced)


def _away_range(person: Person | None) -> str | None:
    """The away days a new `/lockstep away` replaces, as text (None: none set)."""
    if person is None or person.away_from is None:
        return None
    end = person.away_to.isoformat() if person.away_to else "`/lockstep back`"
    return f"{person.away_from.isoformat()} to {end}"


def back(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    """`/lockstep back [@person]`."""
    with Session(context["engine"]) as session:
        who, _, refused = _target(session, context["settings"], command, rest.split())
        if refused:
            return refused
        was_away = people.clear_away(session, command["team_id"], who)
    return replies.back(who, who == command["user_id"], was_away)


def config(session: Session, settings: Settings, team: str, key: str, value: str) -> dict[str, Any]:
    """`/lockstep config nudges|working-hours|holiday ...` (the caller checked: an admin)."""
    words = value.split()
    try:
        if key == "holiday":
            return _holiday(session, team, words)
        if key == "working-hours":
            changes: dict[str, object] = dict(parse.parse_working_hours(words))
        elif words:
            changes = parse.parse_nudges(words)
        else:
            changes = {}
    except parse.InputError as exc:
        examples = {
            "holiday": parse.HOLIDAY_EXAMPLES,
            "working-hours": (parse.HOURS_EXAMPLE,),
        }.get(key, parse.NUDGE_EXAMPLES)
        return usage(escape(str(exc)), *examples)  # it echoes input
    if changes:
        ws = workspaces.update(session, team, settings.lockstep_timezone, **changes)
    else:
        ws = workspaces.get_or_create(session, team, settings.lockstep_timezone)
        session.commit()
    return replies.nudge_settings(ws, parse.days_text(ws.work_days))


def _holiday(session: Session, team: str, words: list[str]) -> dict[str, Any]:
    action, day, name = parse.parse_holiday(words)
    if action == "list" or day is None:
        today = utcnow().date()
        return replies.holiday_list(
            people.holidays(session, team, today - timedelta(days=1), today + timedelta(days=730))
        )
    if action == "add":
        return replies.holiday_changed(
            day.isoformat(), True, people.add_holiday(session, team, day, name)
        )
    return replies.holiday_changed(
        day.isoformat(), False, people.remove_holiday(session, team, day)
    )
