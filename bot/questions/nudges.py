"""Questions nobody answers: once a question has been open `nudge_question_hours` working hours
(workspace setting, default 24), one reply in its triage post's thread mentions every marketer
who is not away, and the rep who asked gets one DM that it is still open. That DM is recorded
only inside the asker's own working hours (each tick looks again at the reminded questions), so
a question answered, closed or past two weeks before then is not announced as open.

Working hours are counted in the workspace's zone and working days (marketing answers on the
team's clock), holidays left out; the thread reply itself is posted only inside those hours.
Outbox keys `question-reminder:<id>` and `question-still-open:<id>`; a `question_reminder` row,
written with the thread reply, takes the question out of the next reminder scans. A reminder
that fell due while Lockstep was down is still sent (the question is still unanswered) as long
as the question is under two weeks old.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.kernel.parsing import time_zone
from bot.people.hours import add_working_hours, is_working
from bot.people.reach import reach_of, record_dm, working_hours
from bot.platform.runtime import Runtime
from bot.questions.posts import triage_key
from bot.questions.views.nudges import asker_still_open, thread_reminder
from storage import outbox, people, roles
from storage import questions_nudges as store
from storage.models import Workspace

WINDOW = timedelta(days=14)  # older unanswered questions are not reminded any more


def remind_unanswered(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """The periodic task: remind every question whose time is up, once."""
    reminded = told = 0
    with Session(runtime.engine, expire_on_commit=False) as session:
        teams = session.exec(
            select(Workspace).where(
                col(Workspace.nudge_questions).is_(True),
                col(Workspace.triage_channel).is_not(None),
            )
        ).all()
        for ws in teams:
            if not runtime.installed(ws.team_id):
                continue
            reminded += _remind_team(runtime, session, ws, now)
            told += _tell_askers(runtime, session, ws, now)
    return {"reminded": reminded, "askers_told": told}


def _remind_team(runtime: Runtime, session: Session, ws: Workspace, now: datetime) -> int:
    zone = time_zone(ws.timezone) or ZoneInfo("UTC")
    today = now.astimezone(zone).date()
    holidays = {h.day for h in people.holidays(session, ws.team_id, today - WINDOW, today)}
    hours = working_hours(ws, zone, holidays)
    if not is_working(now, hours):
        return 0
    after = timedelta(hours=max(ws.nudge_question_hours, 1))
    candidates = store.unanswered_between(session, ws.team_id, now - after - WINDOW, now - after)
    due = [q for q in candidates if (add_working_hours(q.created_at, after, hours) or now) <= now]
    if not due:
        return 0
    away = {p.user_id for p in people.away_on(session, ws.team_id, today)}
    marketers = [m for m in roles.members_with(session, ws.team_id, "marketer") if m not in away]
    posts = outbox.by_keys(session, ws.team_id, [triage_key(q.id or 0) for q in due])
    conn = session.connection()  # every reminder of the team and its marks: one commit
    reminded = []
    for q in due:
        assert q.id is not None
        posted = posts.get(triage_key(q.id))
        if posted is None or posted.status != "sent" or not posted.result_ts:
            continue  # its triage post is not out yet: nothing to reply to
        message = {**thread_reminder(q, marketers, ws.nudge_question_hours),
                   "thread_ts": posted.result_ts}  # fmt: skip
        channel = posted.result_channel or posted.channel
        payload = {**message, "channel": channel}
        outbox.record(conn, ws.team_id, f"question-reminder:{q.id}", "chat.postMessage",
                      channel, payload)  # fmt: skip
        reminded.append(q.id)
    store.mark_reminded(session, ws.team_id, reminded, now)  # commits them with the reminders
    runtime.outbox.wake.set()
    return len(reminded)


def _tell_askers(runtime: Runtime, session: Session, ws: Workspace, now: datetime) -> int:
    """The "still open" DM of each reminded, still unanswered question, recorded only inside
    the asker's working hours (`hold`), so what it says is true when it is sent."""
    waiting = store.reminded_unanswered(session, ws.team_id, now - WINDOW, now)
    sent = outbox.by_keys(session, ws.team_id, [still_open_key(q.id or 0) for q in waiting])
    waiting = [q for q in waiting if still_open_key(q.id or 0) not in sent]
    if not waiting:
        return 0
    askers = reach_of(runtime, session, ws, {q.asker_id for q in waiting}, now)
    conn = session.connection()
    told = 0
    for q in waiting:
        key = still_open_key(q.id or 0)
        outcome = record_dm(conn, ws.team_id, askers[q.asker_id], key, asker_still_open(q), now,
                            hold=True)  # fmt: skip
        told += outcome == "sent"
    session.commit()
    runtime.outbox.wake.set()
    return told


def still_open_key(question_id: int) -> str:
    return f"question-still-open:{question_id}"
