"""Time to first answer: median and nearest-rank p90 over a window of first answers, shown in
the digest's "This week in the loop" and by `/lockstep stats` (private)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.goals.digest import LoopStats, loop_lines
from bot.goals.digest_data import collect_loop_stats
from storage import loop
from storage import questions as store
from tests.conftest import TEAM
from tests.slack_signing import SlackHTTP

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def answered_after(engine: Engine, hours: list[float], answered_at: datetime) -> None:
    with Session(engine) as session:
        for i, wait in enumerate(hours):
            with freeze_time(answered_at - timedelta(hours=wait)):
                q, _ = store.capture(session, TEAM, f"t:{answered_at}:{i}", "U0REP00001", f"q{i}")
            with freeze_time(answered_at):
                store.answer(session, TEAM, q.id or 0, "U0MKT00001", "yes", None, f"v:{q.id}")


def test_median_and_p90_of_the_window(engine: Engine) -> None:
    answered_after(engine, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], NOW - timedelta(days=1))
    answered_after(engine, [100], NOW - timedelta(days=20))  # only in the 30-day window
    with Session(engine) as session:
        week = loop.answer_times(session, TEAM, NOW - timedelta(days=7), NOW)
        month = loop.answer_times(session, TEAM, NOW - timedelta(days=30), NOW)
        none = loop.answer_times(session, "T0OTHER", NOW - timedelta(days=7), NOW)
        stats = collect_loop_stats(session, TEAM, NOW - timedelta(days=7), NOW)
    assert week is not None and month is not None and none is None
    assert (week.count, week.median, week.p90) == (10, timedelta(hours=5.5), timedelta(hours=9))
    assert (month.count, month.p90) == (11, timedelta(hours=10))
    (line,) = [x for x in loop_lines(stats) if "first answer" in x]
    assert line == (
        ":stopwatch: Time to first answer: median 5h 30m, p90 9h 0m (last 7 days, 10 answered); "
        "median 6h 0m, p90 10h 0m (last 30 days, 11 answered)"
    )
    assert not [x for x in loop_lines(LoopStats()) if "first answer" in x]


def test_lockstep_stats_replies_privately(http: SlackHTTP, engine: Engine) -> None:
    now = datetime.now(UTC)
    answered_after(engine, [2, 4], now - timedelta(hours=1))
    _, body = http.command("/lockstep", "stats", user_id="U0REP00001")
    assert body["response_type"] == "ephemeral"
    assert "Last 7 days: median 3h 0m, p90 4h 0m (2 answered)" in body["text"]
    assert "Last 30 days: median 3h 0m" in body["text"]
