"""The agenda's cross-feature reads in storage/loop.py, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import assets, content_requests, loop
from storage.db import sqlite_pragmas
from storage.models import GoalUpdate
from tests.conftest import OTHER_TEAM, TEAM
from tests.goal_fixtures import make_goal

SINCE = datetime(2026, 11, 9, 8, tzinfo=UTC)
UNTIL = SINCE + timedelta(days=7)


def update(session: Session, team: str, goal_id: int | None, delta: float, at: datetime) -> None:
    assert goal_id is not None
    session.add(
        GoalUpdate(team_id=team, goal_id=goal_id, value=0, delta=delta, user_id="U1", created_at=at)
    )
    session.commit()


def test_goal_activity_counts_and_sums_the_window_per_team(any_engine: Engine) -> None:
    with Session(any_engine) as session:
        a, b = make_goal(session, TEAM, "A"), make_goal(session, TEAM, "B")
        other = make_goal(session, OTHER_TEAM, "A")
        update(session, TEAM, a.id, 3, SINCE)
        update(session, TEAM, a.id, 2, UNTIL - timedelta(seconds=1))
        update(session, TEAM, a.id, 10, SINCE - timedelta(seconds=1))  # before the window
        update(session, TEAM, a.id, 7, UNTIL)  # the window is half-open
        update(session, TEAM, b.id, -1.5, SINCE + timedelta(days=2))
        update(session, OTHER_TEAM, other.id, 4, SINCE + timedelta(days=2))
        assert loop.goal_activity(session, TEAM, SINCE, UNTIL) == {a.id: (2, 5.0), b.id: (1, -1.5)}
        assert loop.goal_activity(session, OTHER_TEAM, SINCE, UNTIL) == {other.id: (1, 4.0)}
        assert (
            loop.goal_activity(session, TEAM, UNTIL + timedelta(days=1), UNTIL + timedelta(days=2))
            == {}
        )


def request(session: Session, team: str, key: str, at: datetime, status: str = "submitted") -> int:
    row, _ = content_requests.create(session, team, key, "U0REP00001", what=f"need {key}")
    row.created_at, row.status = at, status
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def test_requests_waiting_highest_demand_then_oldest(any_engine: Engine) -> None:
    with Session(any_engine) as session:
        old = request(session, TEAM, "old", SINCE)
        wanted = request(session, TEAM, "wanted", SINCE + timedelta(days=3))
        newer = request(session, TEAM, "newer", SINCE + timedelta(days=1))
        accepted = request(session, TEAM, "accepted", SINCE, status="accepted")
        request(session, OTHER_TEAM, "theirs", SINCE)
        for user in ("U1", "U2"):
            content_requests.vote(session, TEAM, wanted, user)
        for user in ("U1", "U2", "U3"):
            content_requests.vote(session, TEAM, accepted, user)
        waiting = loop.requests_waiting(session, TEAM)
        assert [(r.id, r.demand) for r in waiting] == [(wanted, 3), (old, 1), (newer, 1)]
        assert waiting[1].what == "need old"
        assert [r.id for r in loop.requests_waiting(session, TEAM, limit=1)] == [wanted]
        assert [r.what for r in loop.requests_waiting(session, OTHER_TEAM)] == ["need theirs"]


def asset(session: Session, team: str, title: str) -> int:
    row = assets.add(
        session,
        team,
        "U0MKT00001",
        title=title,
        url="https://x.example",
        kind="other",
        stage="awareness",
        owner_id="U0MKT00001",
    )
    assert row.id is not None
    return row.id


def rate(session: Session, team: str, asset_id: int, rating: int, at: datetime) -> None:
    assets.add_feedback(
        session,
        team,
        f"fb-{asset_id}-{rating}-{at.isoformat()}",
        asset_id=asset_id,
        user_id="U1",
        with_prospect=True,
        rating=rating,
        deal_stage="proposal",
        created_at=at,
    )


def test_low_resonance_candidates_rank_by_recency_weighted_mean(any_engine: Engine) -> None:
    now = UNTIL
    with Session(any_engine) as session:
        weak, strong = asset(session, TEAM, "Weak"), asset(session, TEAM, "Strong")
        recent_low = asset(session, TEAM, "Recently low")
        retired, ancient = asset(session, TEAM, "Retired"), asset(session, TEAM, "Ancient")
        theirs = asset(session, OTHER_TEAM, "Theirs")
        asset(session, TEAM, "Never rated")
        rate(session, TEAM, weak, 2, now - timedelta(days=1))
        rate(session, TEAM, weak, 2, now - timedelta(days=2))
        rate(session, TEAM, weak, 5, now)  # not before `now`
        rate(session, TEAM, strong, 5, now - timedelta(days=3))
        # plain mean 3.0 (above Weak's 2), recency-weighted ~1.3: the old 5 barely counts
        rate(session, TEAM, recent_low, 1, now - timedelta(days=1))
        rate(session, TEAM, recent_low, 5, now - timedelta(days=400))
        rate(session, TEAM, retired, 1, now - timedelta(days=1))
        rate(session, TEAM, ancient, 1, now - timedelta(days=3 * 365))  # outside RATING_WINDOW
        rate(session, OTHER_TEAM, theirs, 1, now - timedelta(days=1))
        r = assets.get(session, TEAM, retired)
        assert r is not None
        assets.retire(session, r)
        found = loop.low_resonance_candidates(session, TEAM, now, limit=5)
        assert found == [(recent_low, "Recently low"), (weak, "Weak"), (strong, "Strong")]
        assert loop.low_resonance_candidates(session, TEAM, now, limit=1) == [
            (recent_low, "Recently low")
        ]
        stats = assets.stats(session, [recent_low], now)[recent_low].resonance
        assert stats.score is not None and stats.score < 2  # the exact score agrees
        assert loop.low_resonance_candidates(session, OTHER_TEAM, now, 5) == [(theirs, "Theirs")]


def test_sqlite_without_math_functions_gets_power() -> None:
    registered: dict[str, Any] = {}

    class Cursor:
        def execute(self, sql: str) -> None:
            if "power" in sql:
                raise sqlite3.OperationalError("no such function: power")

        def close(self) -> None:
            pass

    class Connection:
        def cursor(self) -> Cursor:
            return Cursor()

        def create_function(self, name: str, n: int, fn: Any, deterministic: bool) -> None:
            registered[name] = fn

    sqlite_pragmas(Connection(), None)
    assert registered["power"](0.5, 2) == 0.25
