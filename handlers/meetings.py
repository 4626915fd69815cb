"""`/agenda`: set up meeting series, list, pause, resume, skip, add topics, preview."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, BoltContext
from sqlmodel import Session

from bot.kernel.messages import ephemeral
from bot.kernel.parsing import command_text, split_command
from bot.kernel.text import safe
from bot.meetings import jobs as agenda_jobs
from bot.meetings import preview
from bot.meetings.schedule import meets_on, next_meeting
from bot.meetings.views import forms, replies
from bot.platform import permissions
from bot.platform.background import NO_FOLLOW_UP, record_lazy
from handlers import meetings_actions, meetings_setup
from storage import meetings, receipts
from storage import meetings_agendas as agendas
from storage.clock import utcnow
from storage.meetings_agendas import NewItem
from storage.models import Workspace
from storage.models.meetings import MeetingSeries

COMMAND = "/agenda"
LEADERS = ("leader",)


def register(app: Any) -> None:
    app.command(COMMAND)(ack=agenda_command, lazy=[agenda_command_later])
    meetings_setup.register(app)
    meetings_actions.register(app)


def agenda_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """Route `/agenda <sub>`; each reply is the ack's ephemeral body (quick database work).
    Only `add` has a follow-up, recorded with its write; every other reply records none."""
    context[NO_FOLLOW_UP] = True
    sub, rest = split_command(command_text(command.get("text")))
    action = SUBCOMMANDS.get(sub)
    if action is None:
        problem = "What would you like to do?" if not sub else f"I don't know `{safe(sub, 20)}`."
        ack(replies.help_usage(problem))
        return
    ack(action(context, command, rest))


def agenda_command_later(command: dict[str, Any], context: BoltContext) -> None:
    """After `/agenda add`: update the coming agenda that got the new topic."""
    sub, rest = split_command(command_text(command.get("text")))
    if sub != "add":
        return
    team = command["team_id"]
    with Session(context["engine"]) as session:
        series, _ = _series_and_rest(session, team, rest)
        upcoming = (
            agendas.upcoming_agenda(session, series.id, utcnow()) if series and series.id else None
        )
    if upcoming is not None and upcoming.id is not None:
        agenda_jobs.refresh_agenda(context["runtime"], team, upcoming.id)


def _setup(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    """Open the series form here, in the ack: its trigger id is good for 3 s, once (a follow-up
    may run later, in another process). Only reads come before it."""
    team, user = command["team_id"], command["user_id"]
    settings = context["settings"]
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, settings, team, user, *LEADERS):
            return ephemeral(permissions.refusal("leaders"))
        ws = session.get(Workspace, team)
    tz = ws.timezone if ws is not None else settings.lockstep_timezone
    context.client.views_open(trigger_id=command["trigger_id"], view=forms.setup_modal(tz))
    return replies.note("Opening the meeting series form…")


def _list(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    now = utcnow()
    lines = []
    with Session(context["engine"]) as session:
        for s in meetings.list_series(session, command["team_id"]):
            trigger = agenda_jobs.trigger_of(s)
            upcoming = next_meeting(trigger, now, frozenset(s.skip_dates))
            spec = agenda_jobs.spec_of(s)
            lines.append(replies.series_line(s.name, s.kind, spec, s.channel, s.paused, upcoming))
    return replies.series_list(lines)


def _series_and_rest(session: Session, team: str, rest: str) -> tuple[MeetingSeries | None, str]:
    """The series named at the start of `rest` (longest matching name wins) and what follows."""
    lowered = rest.lower()
    best: MeetingSeries | None = None
    for s in meetings.list_series(session, team):
        name = s.name.lower()
        matches = lowered == name or lowered.startswith(name + " ")
        if matches and (best is None or len(s.name) > len(best.name)):
            best = s
    if best is not None:
        return best, rest[len(best.name) :].strip()
    head, _, tail = rest.partition(" ")
    return meetings.find_series(session, team, head), tail.strip()


def _pause_or_resume(paused: bool) -> Any:
    def change(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
        team, user = command["team_id"], command["user_id"]
        if not rest:
            return replies.help_usage("Name the series.")
        with Session(context["engine"]) as session:
            if not permissions.allowed(session, context["settings"], team, user, *LEADERS):
                return ephemeral(permissions.refusal("leaders"))
            series = meetings.find_series(session, team, rest)
            if series is None:
                return replies.no_series(rest)
            changed = meetings.set_paused(session, series, paused)
            name = safe(series.name, 80)
        word = "paused" if paused else "active again"
        return (
            replies.done(f"*{name}* is {word}.")
            if changed
            else replies.note(f"*{name}* already was.")
        )

    return change


def _skip(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    team, user = command["team_id"], command["user_id"]
    name, _, when = rest.rpartition(" ")
    try:
        day = date.fromisoformat(when.strip())
    except ValueError:
        return replies.help_usage("Name the series and the date (YYYY-MM-DD) to skip.")
    with Session(context["engine"]) as session:
        if not permissions.allowed(session, context["settings"], team, user, *LEADERS):
            return ephemeral(permissions.refusal("leaders"))
        series = meetings.find_series(session, team, name) if name else None
        if series is None:
            return replies.no_series(name) if name else replies.help_usage("Name the series.")
        tz = ZoneInfo(series.timezone)
        if day < utcnow().astimezone(tz).date():
            return replies.help_usage("That date has passed; pick a coming one.")
        if not meets_on(agenda_jobs.trigger_of(series), day, tz):
            return replies.help_usage(f"*{safe(series.name, 80)}* does not meet on {day}.")
        meetings.add_skip(session, series, day)
        safe_name = safe(series.name, 80)
    return replies.done(f"No agenda for *{safe_name}* on {day.isoformat()}.")


def _add(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    team, user = command["team_id"], command["user_id"]
    with Session(context["engine"]) as session:
        series, text = _series_and_rest(session, team, rest)
        if series is None or series.id is None:
            return (
                replies.no_series(rest.split(" ")[0])
                if rest
                else replies.help_usage("Name the series and the topic.")
            )
        if not text or len(text) > 300:
            return replies.help_usage("Say what the topic is, in up to 300 characters.")
        # The receipt, the topic and its agenda line commit together or not at all.
        if not receipts.first_time(session, team, f"trigger:{command['trigger_id']}"):
            return replies.note("Already added.")
        topic = meetings.add_topic(session, team, series.id, text, user, commit=False)
        upcoming = agendas.upcoming_agenda(session, series.id, utcnow())
        if upcoming is not None:  # its post shows the topic: refreshed by the follow-up
            item = NewItem("topics", "topic", topic.id, text)
            agendas.add_item(session, upcoming, item, commit=False)
            context[NO_FOLLOW_UP] = False
            record_lazy(session.connection(), context, team, agenda_command_later.__name__, command)
        session.commit()
        name = safe(series.name, 80)
    return replies.done(f"Added to *{name}*: {safe(text, 300)}")


def _preview(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    if not rest:
        return replies.help_usage("Name the series.")
    with Session(context["engine"]) as session:
        series, coming = preview.agenda(session, command["team_id"], rest, utcnow())
    if series is None:
        return replies.no_series(rest)
    if coming is None:
        return replies.note("This series has no coming meeting.")
    return {"response_type": "ephemeral", **coming[1]}


SUBCOMMANDS = {
    "setup": _setup,
    "list": _list,
    "pause": _pause_or_resume(True),
    "resume": _pause_or_resume(False),
    "skip": _skip,
    "add": _add,
    "preview": _preview,
}
