"""Benchmark: how long building the weekly digest takes (data collection + pure build, no Slack).

    PYTHONPATH=. python scripts/bench_digest.py [--questions 1000000] [--database-url URL]

Phase 1: 1,000,000 prospect questions and 50 goals x 52 weekly updates (one year); the digest is
built for that team. Phase 2 adds two teams with 10x the history each (50 goals x 520 updates:
one over ten years, one ten a week over one year) and builds their digests on the larger tables.

The questions table is not on this branch: the benchmark uses a stand-in table `bench_question`
(team, text, +1s, created/answered times, indexed by team and time) and runs on it the windowed
queries "this week in the loop" will run, next to the real goal queries.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401  (registers every table)
from bot.goals.digest import LoopStats
from bot.goals.digest_data import collect, goals_for
from bot.goals.views.digest import digest_message
from storage.db import make_engine
from storage.models import Goal, GoalUpdate

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
REAL = {"questions": False}
ZONE = ZoneInfo("Europe/Paris")
RUNS = 50
stand_in = MetaData()
questions = Table(
    "bench_question",
    stand_in,
    Column("id", Integer, primary_key=True),
    Column("team_id", String(32), nullable=False),
    Column("text", String(300), nullable=False),
    Column("plus_ones", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    Index("ix_bench_question_team_time", "team_id", "created_at"),
)


def fill_questions(engine: Engine, count: int) -> None:
    """`count` questions over two years, spread over ten teams (so one team has 100,000)."""
    batch = 50_000
    span = 2 * 365 * 24 * 3600
    with engine.begin() as conn:
        for start in range(0, count, batch):
            rows = [
                {
                    "team_id": f"T{i % 10:09d}",
                    "text": f"Does it integrate with system {i % 977}?",
                    "plus_ones": i % 13,
                    "created_at": NOW - timedelta(seconds=(i * 7919) % span),
                    "answered_at": None
                    if i % 3
                    else NOW - timedelta(seconds=(i * 7919) % span // 2),
                }
                for i in range(start, min(start + batch, count))
            ]
            conn.execute(insert(questions), rows)


def fill_goals(engine: Engine, team: str, updates: int, every: timedelta) -> None:
    """50 goals, each with `updates` updates `every` apart, ending now."""
    first = NOW - every * updates
    with Session(engine) as session:
        for g in range(50):
            goal = Goal(
                team_id=team,
                name=f"Goal {g}",
                unit="deals",
                target=updates * 2,
                current_value=updates * 1.5,
                start_date=first.date(),
                end_date=date(2026, 12, 31),
                sales_owner="U0SALES001",
                marketing_owner="U0MKTG0001",
                channel="C0DIGEST01",
                created_by="U0LEAD0001",
            )
            session.add(goal)
            session.flush()
            assert goal.id is not None
            session.bulk_insert_mappings(  # type: ignore[arg-type]
                GoalUpdate,
                [
                    {
                        "team_id": team,
                        "goal_id": goal.id,
                        "value": 1.5 * (u + 1),
                        "delta": 1.5,
                        "note": "",
                        "user_id": f"U0REP{u % 7:05d}",
                        "created_at": first + every * (u + 1),
                    }
                    for u in range(updates)
                ],
            )
        session.commit()


def loop_stand_in(session: Session, team: str, since: datetime, until: datetime) -> LoopStats:
    """The windowed queries "this week in the loop" will run on the questions table."""
    window = (
        questions.c.team_id == team,
        questions.c.created_at >= since,
        questions.c.created_at < until,
    )
    top = session.execute(
        select(questions.c.text, questions.c.plus_ones)
        .where(*window)
        .order_by(questions.c.plus_ones.desc())
        .limit(3)
    ).all()
    answered = session.execute(
        select(func.count()).where(*window, questions.c.answered_at.is_not(None))
    ).scalar_one()
    return LoopStats(top_questions=[(t, n) for t, n in top], questions_answered=answered)


def build(engine: Engine, team: str) -> int:
    with Session(engine) as session:
        shown = goals_for(session, team, "C0DIGEST01", None)
        data = collect(session, team, ZONE, NOW, shown)
        if REAL["questions"]:  # collect() already read the real tables
            return len(digest_message(data)["blocks"])
        loop = loop_stand_in(session, "T000000003", NOW - timedelta(days=7), NOW)
    message = digest_message(data.__class__(data.today, data.goals, loop, data.engagement))
    return len(message["blocks"])


def measure(label: str, run: Callable[[], int]) -> float:
    run()  # warm the caches once
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        blocks = run()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    p95 = sorted(times)[int(RUNS * 0.95) - 1]
    print(f"{label:<46} median {median:6.1f} ms   p95 {p95:6.1f} ms   ({blocks} blocks)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--real-questions",
        action="store_true",
        help="measure team T0FAKE0001 of --database-url with its real questions (e.g. the "
        "1,000,000 scripts/bench_questions.py seeds) instead of the stand-in table",
    )
    args = parser.parse_args()
    base_team = "T0BASE0001"
    if args.real_questions:
        REAL["questions"], args.questions, base_team = True, 0, "T0FAKE0001"
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    stand_in.create_all(engine)
    started = time.perf_counter()
    fill_questions(engine, args.questions)
    fill_goals(engine, base_team, 52, timedelta(days=7))
    took = time.perf_counter() - started
    print(
        f"{args.questions:,} questions, 50 x 52 goal updates in {took:.0f} s",
        f"({engine.dialect.name})",
    )
    base = measure("digest, 50 goals x 52 weekly updates", lambda: build(engine, base_team))
    fill_goals(engine, "T0LONG0001", 520, timedelta(days=7))
    fill_goals(engine, "T0DENSE001", 520, timedelta(hours=16, minutes=48))
    print("added 2 x 50 goals x 520 updates (10x history)")
    again = measure("digest, 50 x 52 again on the larger tables", lambda: build(engine, base_team))
    longer = measure(
        "digest, 50 goals x 520 weekly (10 years)", lambda: build(engine, "T0LONG0001")
    )
    denser = measure("digest, 50 goals x 520 in one year", lambda: build(engine, "T0DENSE001"))
    print(
        f"10x history: {longer / base:.2f}x (longer), {denser / base:.2f}x (denser), "
        f"{again / base:.2f}x (same team); target < 100 ms and <= 1.5x"
    )


if __name__ == "__main__":
    main()
