"""Progress and pace of a goal: pure arithmetic over its target, period and current value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Progress at or above this share of the expected progress is on track; below AT_RISK is behind.
ON_TRACK = 0.9
AT_RISK = 0.7


class Pace(StrEnum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    BEHIND = "behind"


@dataclass(frozen=True)
class Standing:
    """Where a goal stands on a day: share of target reached, share expected, and the verdict."""

    progress: float  # value / target, not clamped (1.2 = 120 %)
    expected: float  # share of the period elapsed, 0..1
    pace: Pace
    complete: bool


def progress(value: float, target: float) -> float:
    """Share of the target reached (0 when the target is not positive)."""
    return value / target if target > 0 else 0.0


def expected_progress(start: date, end: date, today: date) -> float:
    """Share of the period elapsed on `today`, counting both ends (a one-day period is 1 on it)."""
    if today < start:
        return 0.0
    days = (end - start).days + 1
    elapsed = (today - start).days + 1
    return min(max(elapsed / days, 0.0), 1.0)


def pace(reached: float, expected: float) -> Pace:
    """On track when at least 90 % of the expected progress is reached, at risk from 70 %."""
    if reached >= 1.0 or expected <= 0.0 or reached >= expected * ON_TRACK:
        return Pace.ON_TRACK
    if reached >= expected * AT_RISK:
        return Pace.AT_RISK
    return Pace.BEHIND


def standing(value: float, target: float, start: date, end: date, today: date) -> Standing:
    reached = progress(value, target)
    expected = expected_progress(start, end, today)
    return Standing(reached, expected, pace(reached, expected), reached >= 1.0)


def ideal_value(target: float, start: date, end: date, day: date) -> float:
    """Where a goal would be on `day` if it moved in a straight line to its target."""
    return target * expected_progress(start, end, day)
