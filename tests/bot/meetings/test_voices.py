"""Voices rotate fairly: least recently asked first, everyone in turn, leavers skipped."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.meetings.voices import next_voice, pick_voices

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def simulate(members_per_meeting: list[list[str]]) -> list[str]:
    history: list[tuple[str, datetime]] = []
    picked = []
    for n, members in enumerate(members_per_meeting):
        user = next_voice(members, history)
        assert user is not None
        history.append((user, T0 + timedelta(weeks=n)))
        picked.append(user)
    return picked


def test_everyone_is_asked_in_turn_and_fairly_over_many_meetings() -> None:
    team = ["U0A0000001", "U0B0000001", "U0C0000001", "U0D0000001"]
    picked = simulate([team] * 40)
    assert picked[:4] == team  # never-asked first, in member order
    assert picked[4:8] == team  # then least recently asked
    assert set(Counter(picked).values()) == {10}


def test_people_who_left_are_skipped_and_newcomers_go_first() -> None:
    a, b, c, d = "U0A0000001", "U0B0000001", "U0C0000001", "U0D0000001"
    picked = simulate([[a, b, c]] * 3 + [[a, c, d]] * 3)
    assert picked[:3] == [a, b, c]
    assert b not in picked[3:]
    assert picked[3] == d  # never asked
    assert picked[4:] == [a, c]


def test_pick_voices_one_per_team_and_none_for_empty_team() -> None:
    history = {"sales": [("U0S0000001", T0)]}
    picked = pick_voices({"sales": ["U0S0000001", "U0S0000002"], "marketing": []}, history)
    assert picked == {"sales": "U0S0000002"}


def test_ties_are_stable() -> None:
    same = [("U0A0000001", T0), ("U0B0000001", T0)]
    assert next_voice(["U0B0000001", "U0A0000001"], same) == "U0B0000001"
