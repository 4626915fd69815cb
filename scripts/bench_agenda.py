"""Benchmark: agenda build time (collect + build + render) with a year of data.

    PYTHONPATH=. python scripts/bench_agenda.py [--questions 1000000] [--database-url URL]

Fills a fresh database with a year of data: shared goals (50 goals x 52 weekly updates, a weekly
digest with reactions), the asset catalog and content requests (300 assets, ~3,000 ratings, 300
requests with +1s), the meetings tables (5 weekly series: agendas, topics, votes, carried items,
action items, voice turns) and, because the questions table is not on this branch, 1,000,000 rows
in a stand-in `bench_question` table shaped like a prospect question (team, text, +1s, answered,
asked_at; indexed on team + asked_at). Then times building the next agenda of one series:
`collect_inputs` (goals, content, meetings) + the stand-in questions collector (window since the
last meeting, ranked in SQL) + `build` + the Block Kit render.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import storage.models  # noqa: F401  (registers every table)
from bot.meetings.agenda import AgendaInputs, build
from bot.meetings.collect import collect_inputs, to_storage
from bot.meetings.lines import QuestionItem
from bot.meetings.views.agenda import agenda_message
from storage import meetings, workspaces
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage.db import make_engine
from storage.models import (
    Asset,
    AssetFeedback,
    ContentRequest,
    ContentRequestVote,
    Digest,
    DigestReaction,
    Goal,
    GoalUpdate,
)
from storage.models.meetings import MeetingSeries

TEAM = "T0BENCH001"
REAL = {"questions": False}
START = datetime(2025, 11, 24, 8, 0, tzinfo=UTC)  # a Monday, a year before the measured meeting
WEEKS = 52
SERIES = 5
GOALS = 50
ASSETS = 300
REQUESTS = 300
CHANNEL = "C0BENCH001"
STAND_IN = MetaData()
QUESTIONS = Table(
    "bench_question",
    STAND_IN,
    Column("id", Integer, primary_key=True),
    Column("team_id", String(32), nullable=False),
    Column("text", String(500), nullable=False),
    Column("plus_ones", Integer, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    # covering: counts and ranking of a window read the index only, then 6 rows by id
    Index("ix_bench_question_window", "team_id", "asked_at", "answered", "plus_ones"),
)


def fill_questions(engine: Engine, count: int) -> None:
    rng = random.Random(7)
    span = WEEKS * 7 * 24 * 3600
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for i in range(count):
            batch.append(
                {
                    "team_id": TEAM,
                    "text": f"How does the product handle case {i} for enterprise buyers?",
                    "plus_ones": rng.randint(0, 12),
                    "answered": rng.random() < 0.7,
                    "asked_at": START + timedelta(seconds=rng.randrange(span)),
                }
            )
            if len(batch) == 20_000:
                conn.execute(QUESTIONS.insert(), batch)
                batch = []
        if batch:
            conn.execute(QUESTIONS.insert(), batch)


def fill_loop(engine: Engine) -> None:
    """Goals with a year of weekly updates and digests, the asset catalog and content requests."""
    rng = random.Random(5)
    people = [f"U0BENCH{n:03d}" for n in range(40)]
    with Session(engine) as session:
        workspaces.update(session, TEAM, digest_channel=CHANNEL)
        goals = [
            Goal(
                team_id=TEAM,
                name=f"Goal {n}",
                target=1000,
                start_date=START.date(),
                end_date=(START + timedelta(weeks=WEEKS + 4)).date(),
                sales_owner=people[n % 8],
                marketing_owner=people[8 + n % 8],
                channel=None if n % 5 else "C0BENCH002",
                created_by=people[0],
                created_at=START,
            )
            for n in range(GOALS)
        ]
        session.add_all(goals)
        session.flush()
        for goal in goals:
            value = 0.0
            for week in range(WEEKS):
                delta = float(rng.randint(0, 30))
                value += delta
                at = START + timedelta(weeks=week, hours=rng.randint(1, 120))
                session.add(
                    GoalUpdate(
                        team_id=TEAM,
                        goal_id=goal.id or 0,
                        value=value,
                        delta=delta,
                        user_id=rng.choice(people),
                        created_at=at,
                    )
                )
            goal.current_value = value
        for week in range(WEEKS):
            for channel in (CHANNEL, "C0BENCH002"):
                digest = Digest(
                    team_id=TEAM,
                    channel=channel,
                    occurrence=START + timedelta(weeks=week, days=4),
                    outbox_key=f"digest:{week}:{channel}",
                    ts=f"{week}.{channel}",
                )
                session.add(digest)
                session.flush()
                for user in rng.sample(people, 6):
                    reaction = rng.choice(("eyes", "warning", "raised_hands"))
                    session.add(
                        DigestReaction(
                            team_id=TEAM, digest_id=digest.id or 0, user_id=user, reaction=reaction
                        )
                    )
        session.commit()
        assets = [
            Asset(
                team_id=TEAM,
                title=f"Asset {n}",
                url="https://example.com",
                kind="deck",
                stage="decision",
                owner_id=people[8],
                created_by=people[8],
                created_at=START,
            )
            for n in range(ASSETS)
        ]
        session.add_all(assets)
        session.flush()
        span = WEEKS * 7 * 24 * 3600
        for n, asset in enumerate(assets):
            for r in range(0 if n % 10 == 0 else rng.randint(1, 20)):
                session.add(
                    AssetFeedback(
                        team_id=TEAM,
                        source_key=f"fb:{n}:{r}",
                        asset_id=asset.id,
                        user_id=rng.choice(people),
                        with_prospect=True,
                        rating=rng.randint(1, 5),
                        deal_stage="proposal",
                        created_at=START + timedelta(seconds=rng.randrange(span)),
                    )
                )
        statuses = ("submitted", "accepted", "in_progress", "delivered", "declined")
        for n in range(REQUESTS):
            at = START + timedelta(seconds=rng.randrange(span))
            status = rng.choice(statuses)
            request = ContentRequest(
                team_id=TEAM,
                source_key=f"rq:{n}",
                requester_id=rng.choice(people),
                what=f"Request {n}: a battlecard for segment {n}",
                status=status,
                created_at=at,
                updated_at=at,
                delivered_at=at + timedelta(days=5) if status == "delivered" else None,
            )
            session.add(request)
            session.flush()
            for user in rng.sample(people, rng.randint(0, 4)):
                session.add(
                    ContentRequestVote(team_id=TEAM, request_id=request.id or 0, user_id=user)
                )
        session.commit()


def fill_meetings(engine: Engine) -> list[MeetingSeries]:
    """A year of weekly meetings for several series, as the posting job would have left them."""
    rng = random.Random(11)
    people = [f"U0BENCH{n:03d}" for n in range(40)]
    made = []
    with Session(engine, expire_on_commit=False) as session:
        for n in range(SERIES):
            series, _ = meetings.save_series(
                session,
                TEAM,
                f"Series {n}",
                people[0],
                channel=CHANNEL,
                timezone="Europe/Paris",
                sales=people[:8],
                marketing=people[8:16],
            )
            series.created_at = START - timedelta(days=7)
            session.add(series)
            session.commit()
            made.append(series)
            assert series.id is not None
            for week in range(WEEKS):
                meeting = START + timedelta(weeks=week)
                topics = []
                for t in range(8):
                    topic = meetings.add_topic(session, TEAM, series.id, f"Topic {week}.{t}", "U1")
                    topic.created_at = meeting - timedelta(days=3)
                    topics.append(topic)
                session.commit()
                for topic in topics:
                    for voter in rng.sample(people, rng.randint(0, 6)):
                        meetings.vote(session, TEAM, topic.id or 0, voter)
                sections, voices = _sections(session, series, meeting)
                snapshot, items = to_storage(sections)
                agenda = agendas.create_agenda(
                    session, TEAM, series.id, meeting, "C0BENCH001", snapshot, items, voices
                )
                assert agenda is not None and agenda.id is not None
                for item in agendas.items_of(session, agenda.id):
                    if rng.random() < 0.8:
                        agendas.mark_discussed(session, item, "U1")
                for a in range(3):
                    action = action_items.add_action(
                        session,
                        agenda,
                        f"Action {week}.{a}",
                        rng.choice(people),
                        (meeting + timedelta(days=4)).date(),
                        "U1",
                    )
                    if rng.random() < 0.9:
                        action_items.complete_action(session, action, "U1")
                session.commit()
    return made


def _sections(session: Session, series: MeetingSeries, meeting: datetime) -> tuple[Any, Any]:
    previous = agendas.previous_agenda(session, series.id or 0, meeting)
    since = previous.meeting_at if previous else series.created_at
    inputs = collect_inputs(session, TEAM, series, since, meeting)
    return build(inputs), inputs.voices


def collect_questions(session: Session, since: datetime, until: datetime) -> dict[str, Any]:
    """The stand-in questions collector: counts and the top questions in the window."""
    window = {"team": TEAM, "since": since, "until": until}
    where = "team_id = :team AND asked_at >= :since AND asked_at < :until"
    counts = (
        session.connection()
        .execute(
            text(
                "SELECT count(*), sum(CASE WHEN answered THEN 1 ELSE 0 END) "
                f"FROM bench_question WHERE {where}"
            ),
            window,
        )
        .one()
    )
    top = (
        session.connection()
        .execute(
            text(
                f"SELECT id, text, plus_ones, answered, asked_at FROM bench_question WHERE {where} "
                "ORDER BY answered, plus_ones DESC, asked_at DESC LIMIT 6"
            ),
            window,
        )
        .all()
    )
    items = [QuestionItem(r[0], r[1], r[2], bool(r[3]), _aware(r[4])) for r in top]
    return {"asked": counts[0] or 0, "answered": counts[1] or 0, "items": items}


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_once(engine: Engine, series: MeetingSeries, meeting: datetime) -> int:
    with Session(engine) as session:
        previous = agendas.previous_agenda(session, series.id or 0, meeting)
        since = previous.meeting_at if previous else series.created_at
        inputs: AgendaInputs = collect_inputs(session, TEAM, series, since, meeting)
        if REAL["questions"]:  # the real collector already read the real question table
            sections = build(inputs)
            message = agenda_message(series.name, series.kind, meeting, sections, agenda_id=1)
            return len(message["blocks"])
        questions = collect_questions(session, since, meeting)
        inputs.questions = questions["items"]
        inputs.since = dataclasses.replace(
            inputs.since,
            questions_asked=questions["asked"],
            questions_answered=questions["answered"],
        )
        sections = build(inputs)
    message = agenda_message(series.name, series.kind, meeting, sections, agenda_id=1)
    return len(message["blocks"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--real-questions",
        action="store_true",
        help="use the real question table already in --database-url (team T0FAKE0001, e.g. the "
        "1,000,000 questions scripts/bench_questions.py seeds) instead of the stand-in",
    )
    args = parser.parse_args()
    if args.real_questions:
        global TEAM
        TEAM, REAL["questions"], args.questions = "T0FAKE0001", True, 0
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    STAND_IN.create_all(engine)
    started = time.perf_counter()
    fill_questions(engine, args.questions)
    fill_loop(engine)
    series = fill_meetings(engine)
    # fresh statistics (and PostgreSQL's visibility map, for index-only scans), as in production
    analyze = "ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(analyze))
    print(f"database: {engine.dialect.name}; filled in {time.perf_counter() - started:.1f} s")
    print(
        f"data: {args.questions:,} stand-in questions over {WEEKS} weeks; {SERIES} weekly series x "
        f"{WEEKS} agendas, {SERIES * WEEKS * 8:,} topics, {SERIES * WEEKS * 3:,} action items; "
        f"{GOALS} goals x {WEEKS} updates, {WEEKS * 2} digests; "
        f"{ASSETS} assets, {REQUESTS} content requests"
    )
    meeting = START + timedelta(weeks=WEEKS)
    build_once(engine, series[0], meeting)  # warm caches and the connection pool
    timings = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        blocks = build_once(engine, series[0], meeting)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    print(
        f"agenda build (collect + build + render, {blocks} blocks), {args.runs} runs: "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
        f"(target < 100 ms)"
    )


if __name__ == "__main__":
    main()
