"""Progress and pace: pure arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from bot.goals.pace import Pace, expected_progress, ideal_value, pace, progress, standing

START, END = date(2026, 1, 1), date(2026, 1, 10)


def test_progress_is_value_over_target() -> None:
    assert progress(25, 100) == 0.25
    assert progress(150, 100) == 1.5
    assert progress(5, 0) == 0.0


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 12, 31), 0.0),
        (START, 0.1),
        (date(2026, 1, 5), 0.5),
        (END, 1.0),
        (date(2026, 3, 1), 1.0),
    ],
)
def test_expected_progress_counts_elapsed_days(today: date, expected: float) -> None:
    assert expected_progress(START, END, today) == pytest.approx(expected)


def test_one_day_period() -> None:
    assert expected_progress(START, START, START) == 1.0


@pytest.mark.parametrize(
    ("reached", "expected", "verdict"),
    [
        (0.5, 0.5, Pace.ON_TRACK),
        (0.45, 0.5, Pace.ON_TRACK),  # 90 % of expected
        (0.44, 0.5, Pace.AT_RISK),
        (0.35, 0.5, Pace.AT_RISK),  # 70 %
        (0.34, 0.5, Pace.BEHIND),
        (0.0, 0.0, Pace.ON_TRACK),  # not started yet
        (0.0, 1.0, Pace.BEHIND),
        (1.2, 1.0, Pace.ON_TRACK),
    ],
)
def test_pace_thresholds(reached: float, expected: float, verdict: Pace) -> None:
    assert pace(reached, expected) is verdict


def test_standing_and_completion() -> None:
    s = standing(20, 100, START, END, date(2026, 1, 5))
    assert s.pace is Pace.BEHIND and not s.complete and s.expected == 0.5
    assert standing(100, 100, START, END, date(2026, 1, 2)).complete


def test_ideal_value_is_a_straight_line() -> None:
    assert ideal_value(200, START, END, date(2026, 1, 5)) == pytest.approx(100)
