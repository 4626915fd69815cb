"""Content-request work on the scheduler's tick: the 14-day "did the delivered asset work?"
follow-up, and posting the requests made while the team had no triage channel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.content_requests import notices as request_notices
from bot.content_requests.views import posts as request_views
from bot.people.reach import reach_of, record_dm
from bot.platform.runtime import Runtime
from storage import assets, content_requests, workspaces

FOLLOWUP_AFTER = timedelta(days=14)


def send_followups(runtime: Runtime, now: datetime) -> int:
    """Ask each requester, 14 days after delivery, whether the asset worked (once per request).

    The DM and the request's mark are one commit; a requester who is away (or has no working
    hour ahead) keeps the follow-up due for a later tick, a deactivated one is not asked."""
    sent = 0
    with Session(runtime.engine, expire_on_commit=False) as session:
        due = content_requests.due_followups(session, now, FOLLOWUP_AFTER)
        due = [request for request in due if runtime.installed(request.team_id)]
        for request in due:
            asset = assets.get(session, request.team_id, request.asset_id or 0)
            if asset is not None:
                ws = workspaces.get_or_create(
                    session, request.team_id, runtime.settings.lockstep_timezone
                )
                who = request.requester_id
                reach = reach_of(runtime, session, ws, [who], now)[who]
                message = request_views.followup_dm(request, asset)
                key = f"content-request-followup:{request.id}"
                conn = session.connection()
                outcome = record_dm(conn, request.team_id, reach, key, message, now)
                if outcome in ("skipped", "later") and not reach.deleted:
                    session.commit()
                    continue  # away, or zone not known yet: a later tick (within 60 days)
                sent += outcome != "skipped"
            content_requests.mark_followup(session, request, now)  # commits the DM with it
    if sent:
        runtime.outbox.wake.set()
    return sent


def post_queued(runtime: Runtime, now: datetime) -> int:
    """Post the requests made while the team had no triage channel, once it has one."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        waiting = content_requests.unposted(session, now)
    waiting = [request for request in waiting if runtime.installed(request.team_id)]
    for request in waiting:
        request_notices.announce(runtime, request.team_id, request.id or 0)
    return len(waiting)


def run(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """The periodic task: due follow-ups, requests waiting for a triage channel."""
    return {
        "followups": send_followups(runtime, now),
        "queued_posted": post_queued(runtime, now),
    }
