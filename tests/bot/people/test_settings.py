"""`/lockstep config working-hours`, parsed: each comma-separated part a day or an in-order
range, days by their exact short or full English name; a window of at least an hour."""

from __future__ import annotations

import pytest

from bot.people.settings import InputError, parse_working_hours


@pytest.mark.parametrize(
    "days, stored",
    [
        ("mon-fri", "12345"),
        ("mon,wed-fri", "1345"),
        ("mon-fri,sat", "123456"),
        ("tue,thu", "24"),
        ("Monday-Wednesday,Friday", "1235"),
        ("sat-sun", "67"),
        ("mon,mon-tue", "12"),
    ],
)
def test_days_are_read_part_by_part(days: str, stored: str) -> None:
    assert parse_working_hours(["09:00-18:00", days])["work_days"] == stored


@pytest.mark.parametrize(
    "words",
    [
        ["09:00-18:00", "monkey-frisbee"],
        ["09:00-18:00", "mo-fr"],
        ["09:00-18:00", "fri-mon"],
        ["09:00-18:00", "mon,,fri"],
        ["09:00-18:00", "mon-"],
        ["09:00-09:01"],
        ["09:00-09:59"],
        ["18:00-09:00"],
    ],
)
def test_bad_hours_or_days_are_refused(words: list[str]) -> None:
    with pytest.raises(InputError):
        parse_working_hours(words)


def test_an_hour_is_the_shortest_window() -> None:
    assert parse_working_hours(["09:00-10:00"]) == {"work_start": "09:00", "work_end": "10:00"}
