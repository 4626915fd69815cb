"""Parsing numbers, progress and `/goal update` text."""

from __future__ import annotations

import pytest

from bot.goals.input import (
    InputError,
    Progress,
    parse_number,
    parse_progress,
    parse_target,
    split_update,
    validate_goal,
)


@pytest.mark.parametrize(("text", "value"), [("12", 12), ("1,250", 1250), ("3.5", 3.5), ("+2", 2)])
def test_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1e5", "nan", "inf", "12%", "1,2", "--1", ".", "+"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(InputError):
        parse_number(text)


def test_targets_must_be_positive() -> None:
    for bad in ("0", "-3", "99999999999999"):
        with pytest.raises(InputError):
            parse_target(bad)


def test_progress_value_or_delta() -> None:
    assert parse_progress("42") == Progress(42, False)
    assert parse_progress("+5") == Progress(5, True)
    assert parse_progress("-2") == Progress(-2, True)


def test_split_update_readings() -> None:
    assert split_update("Signed contracts +3 from the webinar") == [
        ("Signed contracts", "+3", "from the webinar")
    ]
    assert split_update("Top 10 deals 4") == [("Top", "10", "deals 4"), ("Top 10 deals", "4", "")]
    assert split_update('"Top 10" 5 note') == [("Top 10", "5", "note")]
    assert split_update("“Top 10” +1") == [("Top 10", "+1", "")]
    assert split_update('"Top 10" lots') == []
    assert split_update("just words") == []


def test_validate_goal_collects_every_error() -> None:
    errors = validate_goal({"name": "", "target": "x", "start": "2026-02-01", "end": "2026-01-01"})
    assert isinstance(errors, dict)
    assert set(errors) == {"name", "target", "end", "sales_owner", "marketing_owner"}
