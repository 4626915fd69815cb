"""`/lockstep stats`: the question loop over the last 30 days (asked, answered, resolved by an
existing answer, "Not quite", stale answers) and the time to first answer, median and p90, over
the last 7 and 30 days. Anyone in the workspace may see it; only to them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.admin.views.stats import stats_reply
from bot.questions.views.stats import STATS_DAYS, loop_lines
from storage import loop, questions_ratings, questions_review
from storage.clock import utcnow

WINDOWS = (7, 30)


def stats(context: BoltContext, command: dict[str, Any], rest: str) -> dict[str, Any]:
    team, now = command["team_id"], utcnow()
    since = now - timedelta(days=STATS_DAYS)
    windows = []
    with Session(context["engine"]) as session:
        asked = loop.question_counts(session, team, since, now)
        answered = loop.questions_answered(session, team, since, now)
        missed = questions_ratings.answers_missed(session, team, since, now)
        stale = questions_review.stale_count(session, team, now)
        for days in WINDOWS:
            found = loop.answer_times(session, team, now - timedelta(days=days), now)
            if found is None:
                windows.append((days, 0, timedelta(0), timedelta(0)))
            else:
                windows.append((days, found.count, found.median, found.p90))
    return stats_reply(loop_lines(STATS_DAYS, asked, answered, missed, stale), windows)
