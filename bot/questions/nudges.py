"""Questions nobody answers: once a question has been open `nudge_question_hours` working hours
(workspace setting, default 24), one reply in its triage post's thread mentions every marketer
who is not away, and the rep who asked gets one DM (in their own working hours) that it is still
open.

Working hours are counted in the workspace's zone and working days (marketing answers on the
team's clock), holidays left out; the thread reply itself is posted only inside those hours.
Outbox keys `question-reminder:<id>` and `question-still-open:<id>`; a `question_reminder`
row, written with them, takes the question out of the next scans. A reminder that fell due
while Lockstep was down is still sent (the question is still unanswered) as long as the
question is under two weeks old.
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
    reminded = 0
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
    return {"reminded": reminded}


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
    askers = reach_of(runtime, session, ws, {q.asker_id for q in due}, now)
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
        key = f"question-still-open:{q.id}"
        record_dm(conn, ws.team_id, askers[q.asker_id], key, asker_still_open(q), now)
        reminded.append(q.id)
    store.mark_reminded(session, ws.team_id, reminded, now)  # commits them with the reminders
    runtime.outbox.wake.set()
    return len(reminded)
