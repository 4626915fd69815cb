"""Benchmark the knowledge-gap report and freshness-ranked search at 1,000,000 questions.

    PYTHONPATH=. python scripts/bench_gaps.py [--questions 1000000] [--database-url URL]
        [--runs 200] [--search]

Seeds a FRESH database (default: a temporary SQLite file; with --database-url, every table
there is dropped and recreated) with N questions, one a minute up to now (so 90 days hold
about 130,000), 30 % answered, tags on a tenth, a +1 on every fifth, Zipf-distributed words
(scripts/bench_questions.py's generator), a fifth of the answers past their review date, a
"Not quite" on every 50th answered question and asset feedback naming what was missing. Then:

- builds the report (bot.gaps.report.build: the background work of `/lockstep gaps`) for 30
  and 90 days, 3 times each;
- times the `/lockstep gaps` ack answering from the kept report (handlers.gaps.gaps, in
  process: the ack's own work without HTTP), `--runs` times;
- with --search: indexes the questions for search and times similar_questions, whose ranking
  now puts stale answers after fresh ones.
Prints p50/p95 in milliseconds. Not a test: it prints numbers (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, SQLModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import storage.models  # noqa: E402,F401  (every table)
from bot.gaps import report  # noqa: E402
from handlers import gaps as gap_handlers  # noqa: E402
from scripts.bench_questions import question_texts  # noqa: E402
from storage import questions as store  # noqa: E402
from storage import questions_search as search  # noqa: E402
from storage.clock import utcnow  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.models import Answer, AnswerRating, AssetFeedback, Question, QuestionVote  # noqa: E402

TEAM = "T0BENCH001"
TAGS = ("pricing", "security", "integrations", "onboarding", "reporting", "sso", "api", "legal")


def seed(url: str, count: int, batch: int = 20_000) -> Any:
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    texts = question_texts(1)
    rng = random.Random(2)
    now = utcnow()
    started = time.perf_counter()
    for first in range(1, count + 1, batch):
        rows: dict[str, list[dict[str, Any]]] = {"q": [], "a": [], "v": [], "r": [], "f": []}
        for qid in range(first, min(first + batch, count + 1)):
            created = now - timedelta(minutes=count - qid)
            answered = rng.random() < 0.3
            rows["q"].append({
                "id": qid, "team_id": TEAM, "capture_key": f"seed:{qid}",
                "asker_id": f"U{qid % 500:09d}", "text": next(texts),
                "tags": ", ".join(rng.sample(TAGS, 2)) if qid % 10 == 0 else None,
                "status": "answered" if answered else "open", "version": 0,
                "created_at": created, "updated_at": created,
                "answered_at": created + timedelta(hours=3) if answered else None,
            })  # fmt: skip
            if answered:
                at = created + timedelta(hours=3)
                review = at + timedelta(days=90 if qid % 5 else 1)
                rows["a"].append({
                    "id": qid, "team_id": TEAM, "question_id": qid, "answerer_id": "U0MKT00001",
                    "text": "Yes: see the guide.", "delivery_key": f"seed:{qid}",
                    "created_at": at, "verified_by": "U0MKT00001", "verified_at": at,
                    "review_days": 90, "review_by": review,
                })  # fmt: skip
                if qid % 50 == 0:
                    rows["r"].append({
                        "team_id": TEAM, "answer_id": qid, "question_id": qid,
                        "user_id": "U0REP00001", "verdict": "not_quite", "created_at": at,
                    })  # fmt: skip
            if qid % 5 == 0:
                rows["v"].append({"team_id": TEAM, "question_id": qid,
                                  "user_id": f"V{qid % 97}", "created_at": created})  # fmt: skip
            if qid % 200 == 0:
                rows["f"].append({
                    "team_id": TEAM, "source_key": f"seed:{qid}", "asset_name": "Deck",
                    "user_id": "U0REP00002", "with_prospect": True, "rating": 2,
                    "deal_stage": "demo", "worked": "", "missing": next(texts),
                    "created_at": created,
                })  # fmt: skip
        with engine.begin() as conn:
            for key, model in (("q", Question), ("a", Answer), ("v", QuestionVote),
                               ("r", AnswerRating), ("f", AssetFeedback)):  # fmt: skip
                if rows[key]:
                    conn.execute(insert(model.__table__), rows[key])  # type: ignore[attr-defined]
        print(f"  seeded {min(first + batch - 1, count):>9,} questions", end="\r", flush=True)
    print(f"\n  seeded in {time.perf_counter() - started:.0f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("question", "answer", "question_vote", "answer_rating"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return engine


def summary(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else []
    p95 = cuts[94] if cuts else samples[0]
    return f"n={len(samples):>4}  p50 {statistics.median(samples):8.1f} ms  p95 {p95:8.1f} ms"


def time_search(engine: Any, runs: int) -> None:
    started = time.perf_counter()
    search.index_pending(engine)
    print(f"  indexed for search in {time.perf_counter() - started:.0f} s")
    texts = question_texts(99)
    for answered_only, limit in ((False, 3), (True, 5)):
        samples = []
        with Session(engine) as session:
            for _ in range(runs):
                text = next(texts)
                started = time.perf_counter()
                store.similar_questions(session, TEAM, text, limit, answered_only,
                                        index_first=False)  # fmt: skip
                samples.append((time.perf_counter() - started) * 1000)
        name = "search answered_only" if answered_only else "similar_questions"
        print(f"{name:<42} {summary(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--search", action="store_true")
    parser.add_argument("--search-only", metavar="URL", help="time search on a seeded database")
    args = parser.parse_args()
    if args.search_only:
        time_search(make_engine(args.search_only), args.runs)
        return
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/gaps.db"
    print(f"{args.questions:,} questions on {url.split(':')[0]}")
    engine = seed(url, args.questions)
    for days in (30, 90):
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            kept = report.build(engine, TEAM, days, utcnow())
            samples.append((time.perf_counter() - started) * 1000)
        gaps = report.gaps_of(kept)
        print(f"build the report, {days} days (background)   {summary(samples)}  "
              f"{len(gaps)} gaps: {', '.join(g.label for g in gaps)}")  # fmt: skip
    context: dict[str, Any] = {"engine": engine}
    command = {"team_id": TEAM, "user_id": "U0MKT00001"}
    for days in (30, 90):
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            reply = gap_handlers.gaps(context, command, str(days))  # type: ignore[arg-type]
            samples.append((time.perf_counter() - started) * 1000)
        assert "Knowledge gaps" in reply["text"], reply["text"]
        print(f"/lockstep gaps {days} ack (kept report)       {summary(samples)}")
    if args.search:
        time_search(engine, args.runs)
    engine.dispose()


if __name__ == "__main__":
    main()
