"""Benchmark: one scheduler tick's nudge scan (goal owners, unanswered questions, overdue
content requests) over 10,000 people, 500 goals and 1,000,000 questions.

    PYTHONPATH=. python scripts/bench_nudges.py [--questions 1000000] [--database-url URL]

Ten workspaces, each with 1,000 people (zones cached, spread over UTC-10..UTC+9), 50 goals (half
with progress this digest period), 100,000 questions over two years (most answered; unanswered
ones older than five days already reminded, as they are in steady state) and 100 content
requests in work (10 overdue). Nudges are recorded in the outbox (not sent: no Slack here), so
the measured work is the scan and its writes. Printed: the first tick at a moment every kind of
nudge is due (the one that writes), then the steady-state tick (nothing new due), medians of runs;
last, ticks on a cold zone cache (users.info answered by the stand-in Slack on loopback).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import insert, update
from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401  (registers every table)
from bot.content_requests.overdue import nudge_overdue
from bot.goals.nudges import nudge_goal_owners
from bot.people.reach import LOOKUPS_PER_MINUTE
from bot.platform.config import load_settings
from bot.platform.delivery import Outbox, Post
from bot.platform.runtime import Runtime
from bot.questions.nudges import remind_unanswered
from bot.standin.fake_slack import FakeSlack
from storage.db import make_engine
from storage.models import (
    ContentRequest,
    Goal,
    GoalUpdate,
    OutboxMessage,
    Person,
    Question,
    QuestionReminder,
    Workspace,
)

# Friday 2026-11-20 16:00 UTC: working hours from New York to Paris; the Monday 09:00 UTC
# digest's nudges are open (for most zones, at the start of their last working day before it).
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
TEAMS, PEOPLE, GOALS = 10, 1_000, 50
ZONES = ("Pacific/Honolulu", "America/New_York", "Europe/London", "Europe/Paris", "Asia/Tokyo")
RUNS = 20


class RecordingOutbox(Outbox):
    """Records every post in the outbox table, sends none (the scan is what is measured)."""

    def submit(self, team_id: str, key: str, post: Post, **kw: Any) -> OutboxMessage:
        kw.pop("send_now", None)
        return super().submit(team_id, key, post, send_now=False, **kw)


def seed(engine: Any, questions: int) -> None:
    with Session(engine) as session:
        for t in range(TEAMS):
            session.add(
                Workspace(
                    team_id=f"T{t:09d}",
                    timezone="UTC",
                    triage_channel="C0TRIAGE",
                    digest_channel="C0DIGEST",
                    digest_weekday=0,
                )
            )
        session.commit()
    with engine.begin() as conn:
        conn.execute(
            insert(Person.__table__),
            [  # type: ignore[attr-defined]
                {
                    "team_id": f"T{p % TEAMS:09d}",
                    "user_id": f"U{p:09d}",
                    "tz": ZONES[p % len(ZONES)],
                    "deleted": False,
                    "fetched_at": NOW,
                    "away_note": "",
                    "away_from": date(2026, 11, 16) if p % 50 == 0 else None,
                    "away_to": None,
                }
                for p in range(TEAMS * PEOPLE)
            ],
        )
    with Session(engine) as session:
        for t in range(TEAMS):
            team = f"T{t:09d}"
            for g in range(GOALS):
                owner = t + TEAMS * (g * 7 % PEOPLE)
                goal = Goal(
                    team_id=team,
                    name=f"Goal {g}",
                    target=100,
                    start_date=date(2026, 1, 1),
                    end_date=date(2026, 12, 31),
                    sales_owner=f"U{owner:09d}",
                    marketing_owner=f"U{owner + TEAMS:09d}",
                    created_by="U0LEAD",
                )
                session.add(goal)
                session.flush()
                if g % 2:
                    session.add(
                        GoalUpdate(
                            team_id=team,
                            goal_id=goal.id or 0,
                            value=1,
                            delta=1,
                            user_id="U0REP",
                            created_at=NOW - timedelta(days=2),
                        )
                    )
            for r in range(100):
                session.add(
                    ContentRequest(
                        team_id=team,
                        source_key=f"s{r}",
                        requester_id=f"U{t:09d}",
                        what="deck",
                        status="accepted",
                        owner_id=f"U{t + TEAMS * r:09d}",
                        expected_date=date(2026, 11, 19) if r % 10 == 0 else date(2026, 12, 20),
                    )
                )
        session.commit()
    span = 2 * 365 * 24 * 3600
    batch = 50_000
    table = Question.__table__  # type: ignore[attr-defined]
    for start in range(0, questions, batch):
        rows = []
        for i in range(start, min(start + batch, questions)):
            created = NOW - timedelta(seconds=(i * 7919) % span)
            age = NOW - created
            unanswered = i % 10 == 0 or age < timedelta(days=2)
            reminded = (
                created + timedelta(days=3) if unanswered and age > timedelta(days=5) else None
            )
            rows.append(
                {
                    "team_id": f"T{i % TEAMS:09d}",
                    "capture_key": f"k{i}",
                    "asker_id": f"U{i % 10_000:09d}",
                    "text": f"Does it integrate with system {i % 977}?",
                    "status": "open" if unanswered else "answered",
                    "triage_channel": "C0TRIAGE",
                    "version": 0,
                    "created_at": created,
                    "updated_at": created,
                    "answered_at": None if unanswered else created + timedelta(hours=5),
                    "reminded_at": reminded,
                }
            )
        posted = [  # the triage posts of the questions a reminder may answer in a thread
            {
                "team_id": r["team_id"],
                "key": f"triage:{start + n + 1}",
                "method": "chat.postMessage",
                "channel": "C0TRIAGE",
                "payload": {},
                "status": "sent",
                "attempts": 1,
                "next_attempt_at": r["created_at"],
                "created_at": r["created_at"],
                "result_ts": f"{start + n + 1}.000100",
                "result_channel": "C0TRIAGE",
            }
            for n, r in enumerate(rows)
            if r["answered_at"] is None and r["reminded_at"] is None
        ]
        marks = []  # the questions reminded before (steady state): their question_reminder rows
        for n, r in enumerate(rows):
            when = r.pop("reminded_at")
            if when is not None:
                marks.append(
                    {"question_id": start + n + 1, "team_id": r["team_id"], "reminded_at": when}
                )
        with engine.begin() as conn:
            conn.execute(insert(table), rows)
            if posted:
                conn.execute(insert(OutboxMessage.__table__), posted)  # type: ignore[attr-defined]
            if marks:
                conn.execute(insert(QuestionReminder.__table__), marks)  # type: ignore[attr-defined]


def scan(runtime: Runtime, now: datetime) -> dict[str, Any]:
    return {
        "goals": nudge_goal_owners(runtime, now),
        "questions": remind_unanswered(runtime, now),
        "requests": nudge_overdue(runtime, now),
    }


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    settings = load_settings({"DATABASE_URL": url, "SLACK_API_BASE_URL": "http://127.0.0.1:9/api/"})
    client = WebClient(base_url=settings.slack_api_base_url, timeout=1)
    runtime = Runtime(settings, engine, client, RecordingOutbox(engine, client))
    started = time.perf_counter()
    seed(engine, args.questions)
    print(
        f"seeded {TEAMS * PEOPLE:,} people, {TEAMS * GOALS} goals, {args.questions:,} questions "
        f"in {time.perf_counter() - started:.0f} s ({engine.dialect.name})"
    )
    first, done = timed(lambda: scan(runtime, NOW))
    print(f"first tick (every kind due, writes the outbox rows): {first:7.1f} ms  {done}")
    times = [
        timed(lambda n=n: scan(runtime, NOW + timedelta(minutes=1 + n)))[0] for n in range(RUNS)
    ]
    print(
        f"steady tick (nothing new due), median of {RUNS}:        "
        f"{statistics.median(times):7.1f} ms  max {max(times):.1f} ms"
    )
    quiet = [
        timed(lambda n=n: scan(runtime, NOW + timedelta(hours=10, minutes=n)))[0]
        for n in range(RUNS)
    ]
    print(
        f"night tick (02:00 UTC Saturday), median of {RUNS}:      "
        f"{statistics.median(quiet):7.1f} ms  max {max(quiet):.1f} ms; target < 1000 ms"
    )
    cold_cache(runtime, engine)


def cold_cache(runtime: Runtime, engine: Any) -> None:
    """Every cached zone forgotten (a fresh install, or a restore): each tick may ask Slack
    (the stand-in, on loopback) for at most LOOKUPS_PER_MINUTE people; the rest wait."""
    with engine.begin() as conn:
        conn.execute(update(Person.__table__).values(tz=None, fetched_at=None))  # type: ignore[attr-defined]
    with FakeSlack() as slack:
        runtime.client = WebClient(base_url=slack.base_url, token="xoxb-bench", timeout=5)
        for n in range(3):
            now = NOW + timedelta(days=1, minutes=n)  # Saturday: nobody due, zones still asked
            ms, _ = timed(lambda now=now: scan(runtime, now))
            print(
                f"cold-cache tick {n + 1}: {ms:7.1f} ms, "
                f"{len(slack.calls_to('users.info'))} users.info so far "
                f"(cap {LOOKUPS_PER_MINUTE} a tick)"
            )


if __name__ == "__main__":
    main()
