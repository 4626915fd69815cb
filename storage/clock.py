"""The one clock: aware UTC datetimes in storage, converted to a zone only to schedule or render."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, in UTC (aware; SQLModel's UTCDateTime columns require an offset)."""
    return datetime.now(UTC)


def to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored moment seen in `zone` (naive input is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)
