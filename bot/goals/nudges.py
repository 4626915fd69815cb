"""Goal owners before the digest: one DM to each owner whose goal has no progress logged in the
current digest period, inside the owner's working hours, before the digest posts.

The nudge of a digest opens `nudge_goal_hours` before it (workspace setting, default 24); when
none of an owner's working hours fall between then and the digest (a Monday 09:00 digest and a
Monday-to-Friday week), it opens at the start of their last working day before the digest. It
is never sent after the digest: a nudge due while Lockstep was down is sent late only until the
digest posts. Progress logged by anyone on the goal since the previous digest skips it. Outbox
key `goal-nudge:<owner>:<digest occurrence in UTC>`: one DM per owner and digest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.goals.digest_schedule import trigger
from bot.goals.views.nudges import owner_nudge
from bot.kernel.schedule import next_occurrence, occurrences
from bot.people.hours import is_working, last_block_start
from bot.people.reach import reach_of, record_dm
from bot.platform.runtime import Runtime
from storage import goals, outbox, workspaces
from storage import goals_digests as digests
from storage.models import Goal, Workspace

LONGEST_WEEKEND = timedelta(days=5)  # how far back "the last working day" may be looked for


def nudge_key(owner: str, digest_at: datetime) -> str:
    return f"goal-nudge:{owner}:{digest_at.astimezone(UTC).isoformat()}"


def nudge_goal_owners(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """The periodic task: nudge the owners whose nudge is due now."""
    counts: dict[str, int] = {}
    with Session(runtime.engine, expire_on_commit=False) as session:
        for team_id in digests.digest_teams(session):
            if not runtime.installed(team_id):
                continue
            ws = workspaces.get_or_create(session, team_id, runtime.settings.lockstep_timezone)
            if ws.nudge_goals:
                for outcome in _nudge_team(runtime, session, ws, now):
                    counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _nudge_team(runtime: Runtime, session: Session, ws: Workspace, now: datetime) -> list[str]:
    trig = trigger(ws)
    digest_at = next_occurrence(trig, now)
    if digest_at is None:
        return []
    opens = digest_at - timedelta(hours=max(ws.nudge_goal_hours, 0))
    if now < min(opens, digest_at - LONGEST_WEEKEND):
        return []
    before = occurrences(trig, digest_at - timedelta(days=8), digest_at - timedelta(seconds=1))
    period_start = before[-1] if before else digest_at - timedelta(days=7)
    updated = {u.goal_id for u in goals.updates_between(session, ws.team_id, period_start, now)}
    stale: dict[str, list[Goal]] = {}
    for goal in goals.active(session, ws.team_id):
        if goal.id in updated:
            continue
        for owner in dict.fromkeys((goal.sales_owner, goal.marketing_owner)):
            stale.setdefault(owner, []).append(goal)
    keys = {owner: nudge_key(owner, digest_at) for owner in stale}
    sent = outbox.existing_keys(session, ws.team_id, list(keys.values()))
    waiting = {owner: owned for owner, owned in stale.items() if keys[owner] not in sent}
    if not waiting:
        return []
    outcomes = []
    reaches = reach_of(runtime, session, ws, waiting, now)
    conn = session.connection()  # every nudge of the team in one commit, sent by the worker
    for owner, reach in reaches.items():
        last_day = last_block_start(digest_at, reach.hours) or opens
        window = max(period_start, min(opens, last_day))
        if not window <= now < digest_at or not is_working(now, reach.hours):
            outcomes.append("waiting")
            continue
        zone: ZoneInfo = reach.hours.zone
        message = owner_nudge(
            waiting[owner], digest_at.astimezone(zone), now.astimezone(zone).date()
        )
        key = nudge_key(owner, digest_at)
        outcomes.append(
            record_dm(conn, ws.team_id, reach, key, message, now, hold=True, deadline=digest_at)
        )
    session.commit()
    runtime.outbox.wake.set()
    return outcomes
