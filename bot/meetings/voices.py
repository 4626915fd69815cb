"""Voices: one person from each team invited to share a view, rotating fairly.

Least recently asked first (never asked before anyone), ties broken by the order of the member
list, so everyone is asked in turn; people no longer members are skipped and forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime


def last_asked(history: Iterable[tuple[str, datetime]]) -> dict[str, datetime]:
    """The latest time each user was asked, from (user, asked_at) pairs."""
    latest: dict[str, datetime] = {}
    for user, when in history:
        if user not in latest or when > latest[user]:
            latest[user] = when
    return latest


def next_voice(members: Sequence[str], history: Iterable[tuple[str, datetime]]) -> str | None:
    """The member asked least recently (never-asked first; member order breaks ties)."""
    current = list(dict.fromkeys(m for m in members if m))
    if not current:
        return None
    latest = last_asked(history)
    order = {user: index for index, user in enumerate(current)}

    def key(user: str) -> tuple[int, float, int]:
        when = latest.get(user)
        return (0, 0.0, order[user]) if when is None else (1, when.timestamp(), order[user])

    return min(current, key=key)


def pick_voices(
    teams: Mapping[str, Sequence[str]], history: Mapping[str, Iterable[tuple[str, datetime]]]
) -> dict[str, str]:
    """One voice per team (side -> user id); a team without current members gets none."""
    picked: dict[str, str] = {}
    for side, members in teams.items():
        user = next_voice(members, history.get(side, ()))
        if user is not None:
            picked[side] = user
    return picked
