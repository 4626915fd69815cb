"""Reaching a person on Lockstep's own initiative: their zone (from Slack, cached), whether they
are away or deactivated, and one helper that DMs them only inside their working hours."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.kernel.parsing import time_zone
from bot.people.hours import WorkingHours, clock, next_working_moment
from bot.platform.delivery import Post
from bot.platform.runtime import Runtime
from storage import outbox, people
from storage.clock import utcnow
from storage.models import Person, Workspace

log = logging.getLogger(__name__)

FRESH = timedelta(days=1)  # a zone Slack gave is refreshed daily (and on `user_change`)
RETRY = timedelta(hours=1)  # after users.info failed: the workspace's zone until then
# `account_inactive` is not here: it means the bot's own token is dead, not the person.
GONE = frozenset({"user_not_found", "user_disabled"})
# users.info is Tier 4 (~100/min) and runs in the tick's thread: at most this many a minute; the
# rest wait for the next tick (a cold cache of 1,000 people fills in 20 ticks).
LOOKUPS_PER_MINUTE = 50
SPREAD_MINUTES = 240  # daily refreshes spread over 4 h, so they do not all expire in one tick


@dataclass(frozen=True)
class Reach:
    """Everything needed to decide whether and when to DM one person."""

    user_id: str
    hours: WorkingHours
    away: bool = False
    deleted: bool = False
    unsure: bool = False  # zone unknown, its look-up left to a later tick: do not DM yet


def working_hours(ws: Workspace, zone: ZoneInfo, holidays: Iterable[date] = ()) -> WorkingHours:
    """The workspace's working hours, in one person's zone."""
    return WorkingHours(
        zone=zone,
        start=clock(ws.work_start) or time(9, 0),
        end=clock(ws.work_end) or time(18, 0),
        days=frozenset(int(d) for d in ws.work_days if d.isdigit() and 1 <= int(d) <= 7),
        holidays=frozenset(holidays),
    )


def reach_of(
    runtime: Runtime, session: Session, ws: Workspace, user_ids: Iterable[str], now: datetime
) -> dict[str, Reach]:
    """Each person's Reach; asks Slack (`users.info`) for zones not known or stale."""
    ids = sorted(set(user_ids))
    known = people.of(session, ws.team_id, ids)
    today = now.date()
    days = {h.day for h in people.holidays(session, ws.team_id, today - timedelta(days=2),
                                             today + timedelta(days=62))}  # fmt: skip
    fallback = time_zone(ws.timezone) or ZoneInfo("UTC")
    found: dict[str, Reach] = {}
    for user in ids:
        person = known.get(user)
        unsure = False
        if _stale(person, now):
            if _may_look_up(runtime, now):
                person = refresh(runtime, session, ws.team_id, user, now) or person
            else:
                unsure = person is None  # never asked: its zone could be anything
        zone = (time_zone(person.tz) if person and person.tz else None) or fallback
        local_today = now.astimezone(zone).date()
        found[user] = Reach(
            user,
            working_hours(ws, zone, days),
            away=people.is_away(person, local_today),
            deleted=bool(person and person.deleted),
            unsure=unsure,
        )
    return found


def _minute(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M")


def _may_look_up(runtime: Runtime, now: datetime) -> bool:
    """Take one of this minute's users.info look-ups (False: none left, or Slack said 429)."""
    minute = _minute(now)
    used = runtime.lookups.get(minute, 0)
    if used >= LOOKUPS_PER_MINUTE:
        return False
    runtime.lookups.clear()  # only this minute's count is kept
    runtime.lookups[minute] = used + 1
    return True


def _stop_looking_up(runtime: Runtime, now: datetime) -> None:
    runtime.lookups.clear()
    runtime.lookups[_minute(now)] = LOOKUPS_PER_MINUTE


def _stale(person: Person | None, now: datetime) -> bool:
    if person is None or person.fetched_at is None:
        return True
    return now - person.fetched_at >= (FRESH if person.tz else RETRY)


def refresh(
    runtime: Runtime, session: Session, team_id: str, user_id: str, now: datetime
) -> Person | None:
    """Ask Slack for the person's zone and whether they were deactivated; cache the answer."""
    try:
        user: dict[str, Any] = runtime.client_for(team_id).users_info(user=user_id)["user"]
    except SlackApiError as exc:
        error = str(exc.response.get("error", ""))
        log.info("users.info for %s failed (%s)", user_id, error)
        if error == "ratelimited" or exc.response.status_code == 429:
            _stop_looking_up(runtime, now)  # the rest of this tick uses what is cached
        if error in GONE:
            people.save_zone(session, team_id, user_id, None, True, now)
        else:
            _retry_later(session, team_id, user_id, now)
        return people.get(session, team_id, user_id)
    except (SlackClientError, OSError) as exc:
        log.info("users.info for %s failed (%s)", user_id, type(exc).__name__)
        _retry_later(session, team_id, user_id, now)
        return people.get(session, team_id, user_id)
    remember(session, team_id, user, now - _spread(user_id))
    return people.get(session, team_id, user_id)


def _spread(user_id: str) -> timedelta:
    """A fixed offset per person, so a team's daily refreshes are spread over SPREAD_MINUTES."""
    return timedelta(minutes=zlib.crc32(user_id.encode()) % SPREAD_MINUTES)


def _retry_later(session: Session, team_id: str, user_id: str, now: datetime) -> None:
    """A failed look-up keeps the known zone and status (a rate limit or an outage says nothing
    about the person) and is tried again in RETRY, whether a zone is known or not."""
    person = people.get(session, team_id, user_id)
    known = person is not None and bool(person.tz)
    people.save_attempt(session, team_id, user_id, now - FRESH + RETRY if known else now)


def remember(
    session: Session, team_id: str, user: dict[str, Any], now: datetime | None = None
) -> None:
    """Cache a Slack user object's zone and status (users.info, or a `user_change` event)."""
    tz = user.get("tz")
    known = tz if isinstance(tz, str) and time_zone(tz) is not None else None
    people.save_zone(
        session, team_id, str(user["id"]), known, bool(user.get("deleted")), now or utcnow()
    )


def dm(
    runtime: Runtime,
    team_id: str,
    reach: Reach,
    key: str,
    message: dict[str, Any],
    now: datetime,
    *,
    hold: bool = False,
    deadline: datetime | None = None,
) -> str:
    """DM `reach` under outbox `key`, inside their working hours; what happened:

    `sent` (submitted now), `queued` (submitted to go at the start of their next working block),
    `later` (with `hold`, or while their zone is not known yet: not submitted, the caller's next
    tick tries again, so what it says is still true when sent) or `skipped` (away, deactivated,
    or no working moment before `deadline`)."""
    at, outcome = _when(reach, now, hold, deadline)
    if at is None:
        return outcome
    post = Post("chat.postMessage", reach.user_id, message)
    runtime.outbox.submit(team_id, key, post, not_before=at if at > now else None)
    return outcome


def record_dm(
    conn: Connection,
    team_id: str,
    reach: Reach,
    key: str,
    message: dict[str, Any],
    now: datetime,
    *,
    hold: bool = False,
    deadline: datetime | None = None,
) -> str:
    """`dm`, recorded in the caller's transaction for the background worker to send (a scan
    that nudges hundreds of people writes them in one commit and waits on no Slack call)."""
    at, outcome = _when(reach, now, hold, deadline)
    if at is not None:
        payload = {**message, "channel": reach.user_id}
        later = at if at > now else None  # due now: the worker's own clock, as `dm` does
        outbox.record(conn, team_id, key, "chat.postMessage", reach.user_id, payload, later)
    return outcome


def _when(
    reach: Reach, now: datetime, hold: bool, deadline: datetime | None
) -> tuple[datetime | None, str]:
    """When to send a DM to `reach` (None: not now) and what `dm` reports."""
    if reach.deleted or reach.away:
        return None, "skipped"
    if reach.unsure:
        return None, "later"
    at = next_working_moment(now, reach.hours)
    if at is None or (deadline is not None and at >= deadline):
        return None, "skipped"
    if at > now and hold:
        return None, "later"
    return at, "sent" if at <= now else "queued"
