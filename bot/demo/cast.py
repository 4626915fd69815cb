"""Who plays the demo week, where, and when (dates are relative to today)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.demo.runner import Person
from storage.clock import utcnow

ANA = Person("U0DEMOANA1", "Ana", "rep")
RAJ = Person("U0DEMORAJ1", "Raj", "rep")
MIA = Person("U0DEMOMIA1", "Mia", "marketer")
LEO = Person("U0DEMOLEO1", "Leo", "leader")
PEOPLE = [ANA, RAJ, MIA, LEO]
CHANNELS = {
    "C0DEMOTRI1": "marketing-triage",
    "C0DEMODIG1": "sales-marketing",
    "C0DEMODEA1": "deal-initech",
}
TRIAGE, DIGEST, DEALS = "C0DEMOTRI1", "C0DEMODIG1", "C0DEMODEA1"
TIMEZONE = "Europe/Paris"


def in_days(days: int) -> str:
    """The ISO date `days` from today (UTC), as a datepicker sends it."""
    return (utcnow() + timedelta(days=days)).date().isoformat()


def next_monday_at(hour: int, minute: int = 0) -> datetime:
    """The next Monday at hh:mm in the demo's time zone, after now (when the digest is due)."""
    zone = ZoneInfo(TIMEZONE)
    local = utcnow().astimezone(zone)
    due = datetime.combine(local.date() - timedelta(days=local.weekday()), time(hour, minute), zone)
    return due if due > local else due + timedelta(days=7)
