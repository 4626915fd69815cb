"""When a workspace's digest is due: its weekly trigger, and parsing `/lockstep config digest`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.goals.input import InputError
from bot.kernel.parsing import channel_id, time_zone
from storage.models import Workspace

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
EXAMPLE = "/lockstep config digest monday 09:00 Europe/Paris #sales-marketing"


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int  # 0 = Monday
    time: str  # HH:MM
    timezone: str | None  # None: keep the workspace's
    channel: str


def trigger(ws: Workspace) -> CronTrigger:
    """The workspace's weekly digest moment, in its own time zone (DST-correct)."""
    hour, minute = (int(part) for part in ws.digest_time.split(":"))
    return CronTrigger(
        day_of_week=ws.digest_weekday, hour=hour, minute=minute, timezone=ZoneInfo(ws.timezone)
    )


def digest_key(occurrence: datetime, channel: str) -> str:
    """The outbox key of one channel's digest for one scheduled moment (in UTC: stable)."""
    return f"digest:{occurrence.astimezone(UTC).isoformat()}:{channel}"


def parse_schedule(text: str) -> DigestSchedule:
    """`<day> <HH:MM> [timezone] #channel`; InputError says what is wrong."""
    words = text.split()
    if len(words) not in (3, 4):
        raise InputError("Give a day, a time, optionally a time zone, and the #channel.")
    day = words[0].lower()
    matches = [i for i, name in enumerate(DAYS) if len(day) >= 3 and name.startswith(day)]
    if len(matches) != 1:
        raise InputError("The day must be a weekday name such as monday or mon.")
    clock = TIME.match(words[1])
    if clock is None:
        raise InputError("The time must look like 09:00 (24-hour clock).")
    zone = words[2] if len(words) == 4 else None
    if zone is not None and time_zone(zone) is None:
        raise InputError("That is not a time zone I know, e.g. Europe/Paris.")
    channel = channel_id(words[-1])
    if channel is None:
        raise InputError("Name the digest channel with #.")
    return DigestSchedule(matches[0], f"{int(clock[1]):02d}:{clock[2]}", zone, channel)
