"""Scheduled agenda work: post each meeting's agenda at its lead time, update it, remind owners.

Posts go through the outbox under keys made from what they are about, so a double-fired tick,
two processes or a restart post each agenda and each reminder exactly once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.gaps import report as gap_report
from bot.meetings.agenda import Section, build
from bot.meetings.collect import collect_inputs, stored_sections, to_storage
from bot.meetings.schedule import ScheduleError, ScheduleSpec, due_meeting, make_trigger
from bot.meetings.views import agenda as views
from bot.people.reach import dm, reach_of
from bot.platform.delivery import Outbox, Post
from bot.platform.runtime import Runtime
from storage import meetings, people, workspaces
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage import outbox as outbox_rows
from storage.models.gaps import WINDOWS
from storage.models.meetings import MeetingSeries, PostedAgenda

log = logging.getLogger(__name__)
REMIND_AT = time(9, 0)  # local time, the day before an action item is due


def spec_of(series: MeetingSeries) -> ScheduleSpec:
    return ScheduleSpec(
        pattern=series.pattern,
        weekday=series.weekday,
        nth=series.nth,
        day=series.day,
        time=series.time,
        cron=series.cron,
        timezone=series.timezone,
    )


def trigger_of(series: MeetingSeries) -> CronTrigger:
    return make_trigger(spec_of(series))


def agenda_key(series_id: int, meeting_at: datetime) -> str:
    return f"agenda:{series_id}:{meeting_at.astimezone(UTC).isoformat()}"


def build_for(
    session: Session, series: MeetingSeries, meeting_at: datetime
) -> tuple[list[Section], dict[str, str]]:
    """The sections of the agenda of the meeting at `meeting_at`, and its voices."""
    assert series.id is not None
    previous = agendas.previous_agenda(session, series.id, meeting_at)
    since = previous.meeting_at if previous is not None else series.created_at
    inputs = collect_inputs(session, series.team_id, series, since, meeting_at)
    return build(inputs), inputs.voices


def preview_sections(
    session: Session, series: MeetingSeries, meeting_at: datetime
) -> list[Section]:
    """The next agenda as it stands: the stored one if already built, else built now."""
    assert series.id is not None
    existing = agendas.agenda_for(session, series.id, meeting_at.astimezone(UTC))
    if existing is not None:
        return stored_sections(session, existing)
    return build_for(session, series, meeting_at)[0]


def render(session: Session, series: MeetingSeries, agenda: PostedAgenda) -> dict[str, Any]:
    local = agenda.meeting_at.astimezone(ZoneInfo(series.timezone))
    sections = stored_sections(session, agenda)
    return views.agenda_message(series.name, series.kind, local, sections, agenda.id)


def post_due_agendas(runtime: Runtime, now: datetime) -> dict[str, int]:
    """Post every agenda whose lead time has come (once per meeting); returns counts."""
    counts = {"posted": 0, "pending": 0, "failed": 0}
    with Session(runtime.engine) as session:
        series_ids = [
            s.id
            for s in meetings.active_series(session)
            if s.id is not None and runtime.installed(s.team_id)
        ]
    for series_id in series_ids:
        status = post_agenda(runtime.engine, runtime.outbox, series_id, now)
        if status in counts:
            counts[status] += 1
    return counts


def post_agenda(engine: Engine, outbox: Outbox, series_id: int, now: datetime) -> str:
    """Post one series' due agenda: 'posted', 'pending' (outbox retrying), 'failed' or 'none'."""
    with Session(engine, expire_on_commit=False) as session:
        series = session.get(MeetingSeries, series_id)
        if series is None:
            return "none"
        try:
            trigger = trigger_of(series)
        except ScheduleError:
            log.warning("series %s has an invalid schedule; skipped", series_id)
            return "none"
        skips = frozenset(series.skip_dates)
        lead = timedelta(minutes=series.lead_minutes)
        holidays = holiday_dates(session, series.team_id, now)
        meeting = due_meeting(trigger, now, lead, skips | holidays, series.paused)
        if meeting is None:
            on_holiday = due_meeting(trigger, now, lead, skips, series.paused)
            if on_holiday is not None:  # it falls on a holiday: one line, no agenda
                _say_holiday(outbox, series, on_holiday)
            return "none"
        meeting_utc = meeting.astimezone(UTC)
        agenda = agendas.agenda_for(session, series_id, meeting_utc)
        if agenda is None:
            if series.kind == "brainstorm":  # its gaps section reads the kept report
                gap_report.current(engine, series.team_id, WINDOWS[-1], now)
            sections, voices = build_for(session, series, meeting_utc)
            snapshot, items = to_storage(sections)
            agendas.create_agenda(
                session,
                series.team_id,
                series_id,
                meeting_utc,
                series.channel,
                snapshot,
                items,
                voices,
            )
            agenda = agendas.agenda_for(session, series_id, meeting_utc)  # ours or a racer's
        assert agenda is not None
        if agenda.ts:
            return "none"
        message = render(session, series, agenda)
        post = Post("chat.postMessage", agenda.channel, message)
        row = outbox.submit(series.team_id, agenda_key(series_id, meeting_utc), post)
        if row.status == "failed":  # admins were alerted; the outbox never retries it
            return "failed"
        if row.status != "sent" or not row.result_ts:
            return "pending"
        agendas.set_posted(session, agenda, row.result_ts, row.result_channel)
        return "posted"


def holiday_dates(session: Session, team_id: str, now: datetime) -> frozenset[str]:
    """The team's holidays from yesterday on (ISO dates, as meeting skip dates are kept)."""
    today = now.date()
    days = people.holidays(session, team_id, today - timedelta(days=1), today + timedelta(days=400))
    return frozenset(h.day.isoformat() for h in days)


def _say_holiday(outbox: Outbox, series: MeetingSeries, meeting: datetime) -> None:
    """One line to the series' channel: no agenda for a meeting on a holiday (its items carry
    over to the next meeting)."""
    day = meeting.date().isoformat()
    post = Post("chat.postMessage", series.channel, views.holiday_notice(series.name, day))
    outbox.submit(series.team_id, f"agenda-holiday:{series.id}:{day}", post)


def refresh_agenda(runtime: Runtime, team_id: str, agenda_id: int) -> bool:
    """Update a posted agenda in place (votes, discussed, new items) through the outbox."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        agenda = agendas.get_agenda(session, team_id, agenda_id)
        if agenda is None or not agenda.ts:
            return False
        series = session.get(MeetingSeries, agenda.series_id)
        assert series is not None
        revision = agendas.bump_revision(session, agenda)
        message = render(session, series, agenda)
    payload = {**message, "ts": agenda.ts}
    post = Post("chat.update", agenda.channel, payload)
    runtime.outbox.submit(team_id, f"agenda-update:{agenda_id}:{revision}", post)
    return True


def remind_actions(runtime: Runtime, now: datetime) -> dict[str, int]:
    """DM each open action item's owner once, from 09:00 (series time) the day before it is due."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        due_soon = action_items.actions_due_between(
            session, (now - timedelta(days=2)).date(), (now + timedelta(days=2)).date()
        )
        work = []
        for action in due_soon:
            if not runtime.installed(action.team_id):
                continue
            series = session.get(MeetingSeries, action.series_id)
            if series is None:
                continue
            zone = ZoneInfo(series.timezone)
            remind_at = datetime.combine(action.due - timedelta(days=1), REMIND_AT, zone)
            end = datetime.combine(action.due + timedelta(days=1), time(0, 0), zone)
            if remind_at <= now < end:
                work.append((action, series.name, end))
    outcomes: dict[str, int] = {}
    for action, series_name, end in work:
        assert action.id is not None
        message = views.reminder_dm(action.text, series_name, action.due, action.id)
        outcome = _remind(runtime, action.team_id, action.owner, action.id, message, now, end)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"reminders_due": len(work), **outcomes}


def _remind(
    runtime: Runtime, team_id: str, owner: str, action_id: int, message: dict[str, Any],
    now: datetime, end: datetime,
) -> str:  # fmt: skip
    """DM the owner inside their own working hours: outside them, nothing is written and a
    later tick (while the item is still open, the owner not away, before `end`) tries again."""
    key = f"action-reminder:{action_id}"
    with Session(runtime.engine, expire_on_commit=False) as session:
        if outbox_rows.get_by_key(session, team_id, key) is not None:
            return "already"
        ws = workspaces.get_or_create(session, team_id, runtime.settings.lockstep_timezone)
        reach = reach_of(runtime, session, ws, [owner], now)[owner]
    return dm(runtime, team_id, reach, key, message, now, hold=True, deadline=end)
