"""`/lockstep stats`: time to first answer, median and p90, over the last 7 and 30 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.admin.views.stats import stats_reply
from storage import loop
from storage.clock import utcnow

WINDOWS = (7, 30)


def stats(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    """Anyone in the workspace may see it; only to them."""
    now = utcnow()
    windows = []
    with Session(context["engine"]) as session:
        for days in WINDOWS:
            found = loop.answer_times(session, command["team_id"], now - timedelta(days=days), now)
            if found is None:
                windows.append((days, 0, timedelta(0), timedelta(0)))
            else:
                windows.append((days, found.count, found.median, found.p90))
    return stats_reply(windows)
