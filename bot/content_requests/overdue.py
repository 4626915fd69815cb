"""Overdue content requests: the morning after an accepted (or started) request's expected date
passes in its owner's zone, the owner gets one DM, inside their working hours, with Deliver,
Move the date and Decline. Outbox key `content-request-overdue:<id>:<expected date>`: a moved
date that passes again gets its own DM. A DM due while Lockstep was down is still sent while the
request is in work (and past its date); nothing is sent on a holiday, a weekend or while the
owner is away.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.content_requests.views.overdue import date_moved_dm, overdue_dm
from bot.people.reach import reach_of, record_dm
from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from storage import content_requests, outbox, workspaces
from storage.models import ContentRequest


def overdue_key(request: ContentRequest) -> str:
    expected = request.expected_date.isoformat() if request.expected_date else "-"
    return f"content-request-overdue:{request.id}:{expected}"


def nudge_overdue(runtime: Runtime, now: datetime) -> dict[str, Any]:
    """The periodic task: DM the owner of each request now overdue in their zone, once."""
    counts: dict[str, int] = {}
    with Session(runtime.engine, expire_on_commit=False) as session:
        # A day ahead of UTC covers every zone; each owner's own date decides below.
        late = content_requests.overdue(session, (now + timedelta(days=1)).date())
        by_team: dict[str, list[ContentRequest]] = {}
        for request in late:
            if not runtime.installed(request.team_id):
                continue
            by_team.setdefault(request.team_id, []).append(request)
        for team_id, requests in list(by_team.items()):
            sent = outbox.existing_keys(session, team_id, [overdue_key(r) for r in requests])
            by_team[team_id] = [r for r in requests if overdue_key(r) not in sent]
        for team_id, requests in by_team.items():
            ws = workspaces.get_or_create(session, team_id, runtime.settings.lockstep_timezone)
            if not ws.nudge_requests:
                continue
            owners = reach_of(runtime, session, ws, {r.owner_id or "" for r in requests}, now)
            conn = session.connection()  # the team's nudges in one commit, sent by the worker
            for request in requests:
                reach = owners[request.owner_id or ""]
                expected = request.expected_date
                if expected is None or now.astimezone(reach.hours.zone).date() <= expected:
                    continue
                message = overdue_dm(request.id or 0, request.what, expected)
                key = overdue_key(request)
                outcome = record_dm(conn, team_id, reach, key, message, now, hold=True)
                counts[outcome] = counts.get(outcome, 0) + 1
            session.commit()
    runtime.outbox.wake.set()
    return counts


def tell_requester_new_date(runtime: Runtime, team_id: str, request_id: int) -> None:
    """DM the requester the request's new expected date (once per date)."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        request = content_requests.get(session, team_id, request_id)
    if request is None or request.expected_date is None:
        return
    message = date_moved_dm(request_id, request.what, request.expected_date)
    key = f"content-request-moved:{request_id}:{request.expected_date.isoformat()}"
    runtime.outbox.submit(team_id, key, Post("chat.postMessage", request.requester_id, message))
