"""The weekly digest on its schedule: due per workspace, posted exactly once, chart shared at
most once.

`post_due_digests` runs on every scheduler tick. For each channel that gets a digest it records
a Digest row and an outbox message (key `digest:<occurrence>:<channel>`) before anything is
posted, so a double-fired tick or a restart mid-post sends it exactly once; later ticks copy the
posted message's ts onto the Digest row (reactions map to it) and upload the chart in its thread
(`bot.goals.chart_upload`: a chart whose sharing call got no answer is not shared again).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.goals import chart
from bot.goals.chart_upload import Shared, share_once
from bot.goals.digest_data import collect, goals_for
from bot.goals.digest_schedule import digest_key, trigger
from bot.goals.views.digest import digest_message
from bot.kernel.schedule import due_occurrence
from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from storage import goals, outbox, workspaces
from storage import goals_digests as digests
from storage.models import Digest, Goal, Workspace

log = logging.getLogger(__name__)
CHART_LEASE = timedelta(minutes=10)
FOLLOW_UP = timedelta(days=2)  # how long a posted digest may still get its ts and chart


def post_due_digests(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """Submit every digest that is due now, then finish earlier ones (ts, chart)."""
    grace = timedelta(hours=runtime.settings.lockstep_missed_grace_hours)
    submitted = 0
    with Session(runtime.engine, expire_on_commit=False) as session:
        for team_id in digests.digest_teams(session):
            if not runtime.installed(team_id):
                continue
            ws = workspaces.get_or_create(session, team_id, runtime.settings.lockstep_timezone)
            occurrence = due_occurrence(trigger(ws), now, grace)
            if occurrence is not None:
                submitted += _submit_team(runtime, session, ws, occurrence, now)
            else:
                _log_if_missed(runtime, session, ws, now, grace)
    charts = finish_digests(runtime, now)
    return {"submitted": submitted, **charts}


def _log_if_missed(
    runtime: Runtime, session: Session, ws: Workspace, now: datetime, grace: timedelta
) -> None:
    """One log line (per process) for a digest whose time passed while Lockstep was down,
    longer ago than the grace window: it is skipped, not posted late."""
    last = due_occurrence(trigger(ws), now, timedelta(days=7))
    key = f"missed-digest:{ws.team_id}:{last.isoformat() if last else ''}"
    if last is None or key in runtime.logged_once:
        return
    if not digests.recorded_for(session, ws.team_id, last):
        runtime.logged_once.add(key)
        log.warning(
            "digest of %s for %s was missed while Lockstep was down (more than %s ago): skipped",
            ws.team_id,
            last.isoformat(),
            grace,
        )


def _submit_team(
    runtime: Runtime, session: Session, ws: Workspace, occurrence: datetime, now: datetime
) -> int:
    team_goals = goals_for(session, ws.team_id, None, None)
    channels = {g.channel or ws.digest_channel for g in team_goals} | {ws.digest_channel}
    count = 0
    for channel in sorted(c for c in channels if c):
        key = digest_key(occurrence, channel)
        digests.record(session, ws.team_id, channel, occurrence, key)  # before posting
        if outbox.get_by_key(session, ws.team_id, key) is not None:
            continue  # already submitted by an earlier tick or another process
        shown = goals_for(session, ws.team_id, channel, ws.digest_channel)
        data = collect(session, ws.team_id, ZoneInfo(ws.timezone), now, shown)
        runtime.outbox.submit(
            ws.team_id, key, Post("chat.postMessage", channel, digest_message(data))
        )
        count += 1
    return count


def finish_digests(runtime: Runtime, now: datetime) -> dict[str, int]:
    """Copy posted digests' ts from the outbox and share their charts, each at most once."""
    done = {"charts": 0, "chart_failures": 0}
    with Session(runtime.engine, expire_on_commit=False) as session:
        for digest in digests.unfinished(session, now - FOLLOW_UP):
            assert digest.id is not None
            if digest.ts is None:
                sent = outbox.get_by_key(session, digest.team_id, digest.outbox_key)
                if sent is None or sent.status != "sent" or not sent.result_ts:
                    continue
                digests.mark_posted(session, digest.id, sent.result_ts)
                digest.ts = sent.result_ts
            attempt = digests.claim_chart(session, digest.id, CHART_LEASE)
            if attempt is None:
                continue
            shared = _upload_chart(runtime, session, digest, attempt, now)
            if shared in (Shared.YES, Shared.NO):  # else it stays `completing`: never again
                digests.finish_chart(session, digest.id, attempt, shared == Shared.YES)
            done["charts" if shared == Shared.YES else "chart_failures"] += 1
    return done


def _upload_chart(
    runtime: Runtime, session: Session, digest: Digest, attempt: int, now: datetime
) -> Shared:
    assert digest.id is not None and digest.ts is not None
    ws = workspaces.get_or_create(session, digest.team_id, runtime.settings.lockstep_timezone)
    shown = goals_for(session, digest.team_id, digest.channel, ws.digest_channel)
    if not shown:
        return Shared.YES  # nothing to draw
    today = now.astimezone(ZoneInfo(ws.timezone)).date()
    png = chart.render(chart_series(session, shown), today)
    digest_id = digest.id
    return share_once(
        runtime.client_for(digest.team_id),
        png,
        filename=f"goals-{today.isoformat()}.png",
        title=f"Shared goals, week of {today:%b} {today.day}",
        channel=digest.channel,
        thread_ts=digest.ts,
        completing=lambda: digests.mark_completing(session, digest_id, attempt),
    )


def chart_series(session: Session, team_goals: list[Goal]) -> list[chart.Series]:
    """Each goal's value after every update in its period, for the chart."""
    series = []
    for g in team_goals:
        start = datetime.combine(g.start_date, time(), tzinfo=UTC)
        points = [(when.date(), value) for when, value in goals.history(session, g.id or 0, start)]
        series.append(chart.Series(g.name, g.target, g.start_date, g.end_date, points))
    return series
