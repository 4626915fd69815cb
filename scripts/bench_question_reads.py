"""The prospect-question reads of the agenda, the digest and the Home tab at 1,000,000 questions.

    PYTHONPATH=. python scripts/bench_question_reads.py [--database-url URL]

Seeds a FRESH database (drops and recreates every table at URL; default a temporary SQLite file)
with 1,000,000 questions over 52 weeks (one every 31 s, 5 % answered, a +1 on every fourth) in
one SQL statement, times each read on a week in the middle, then again after creating the
indexes the windowed reads want (not in the migrations yet), and prints the medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401  (every table)
from bot.goals.digest_data import collect_loop_stats
from bot.meetings.sources import questions_since
from storage import questions_lists as question_lists
from storage.db import make_engine

TEAM = "T0BENCH001"
START = datetime(2025, 11, 1, tzinfo=UTC)
INDEXES = (
    "CREATE INDEX ix_question_team_created ON question (team_id, created_at)",
    "CREATE INDEX ix_question_team_answered ON question (team_id, answered_at)",
    "CREATE INDEX ix_question_vote_team_created ON question_vote (team_id, created_at)",
)
SEED = {
    "sqlite": (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1000000) "
        "INSERT INTO question (team_id, capture_key, asker_id, text, status, version, created_at,"
        " updated_at, answered_at) SELECT '{team}', 'k' || i, 'U' || (i % 50),"
        " 'Question number ' || i || ' about pricing?',"
        " CASE WHEN i % 20 = 0 THEN 'answered' ELSE 'open' END, 0,"
        " datetime('2025-11-01', '+' || (i * 31) || ' seconds'), datetime('2025-11-01'),"
        " CASE WHEN i % 20 = 0 THEN datetime('2025-11-01', '+' || (i * 31 + 86400) || ' seconds')"
        " END FROM n",
        "INSERT INTO question_vote (team_id, question_id, user_id, created_at) SELECT team_id, id,"
        " 'V' || (id % 7), datetime(created_at, '+1 hour') FROM question WHERE id % 4 = 0",
    ),
    "postgresql": (
        "INSERT INTO question (team_id, capture_key, asker_id, text, status, version, created_at,"
        " updated_at, answered_at) SELECT '{team}', 'k' || i, 'U' || (i %% 50),"
        " 'Question number ' || i || ' about pricing?',"
        " CASE WHEN i %% 20 = 0 THEN 'answered' ELSE 'open' END, 0,"
        " timestamptz '2025-11-01 00:00:00+00' + i * interval '31 seconds',"
        " timestamptz '2025-11-01 00:00:00+00', CASE WHEN i %% 20 = 0 THEN"
        " timestamptz '2025-11-01 00:00:00+00' + (i * 31 + 86400) * interval '1 second' END"
        " FROM generate_series(1, 1000000) i",
        "INSERT INTO question_vote (team_id, question_id, user_id, created_at) SELECT team_id, id,"
        " 'V' || (id %% 7), created_at + interval '1 hour' FROM question WHERE id %% 4 = 0",
    ),
}


def measure(engine: Any, label: str, runs: int) -> None:
    since = START + timedelta(days=300)
    until = since + timedelta(days=7)
    reads: list[tuple[str, Callable[[Session], Any]]] = [
        ("agenda questions_since", lambda s: questions_since(s, TEAM, since, until)),
        ("digest collect_loop_stats", lambda s: collect_loop_stats(s, TEAM, since, until)),
        ("home triage queue (90 d)", lambda s: question_lists.unanswered_by_demand(
            s, TEAM, until - timedelta(days=90), 9)),
        ("home your questions", lambda s: question_lists.mine(s, TEAM, "U7", 9)),
    ]  # fmt: skip
    for name, read in reads:
        times = []
        for _ in range(runs):
            with Session(engine) as session:
                started = time.perf_counter()
                read(session)
                times.append((time.perf_counter() - started) * 1000)
        print(f"{label:18} {name:28} median {statistics.median(times):7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        for statement in SEED[engine.dialect.name]:
            conn.exec_driver_sql(statement.replace("{team}", TEAM))
        conn.exec_driver_sql("ANALYZE")
    print(f"seeded 1,000,000 questions in {time.perf_counter() - started:.0f} s")
    measure(engine, "existing indexes", args.runs)
    with engine.begin() as conn:
        for statement in (*INDEXES, "ANALYZE"):
            conn.exec_driver_sql(statement)
    measure(engine, "+ 3 indexes", args.runs)


if __name__ == "__main__":
    main()
