"""Concurrent changes all count: increments and versions are computed in SQL, and a vote that
is already there is skipped without rolling back the rest (two sessions, as two processes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import goals
from storage import questions as store
from storage import questions_votes as votes
from storage.db import make_engine
from storage.models import GoalUpdate, Question, QuestionVote
from tests.conftest import TEAM
from tests.goal_fixtures import make_goal

ROUNDS = 25  # changes per thread: enough interleavings that a read-then-write loses some


def run_together(engines: tuple[Engine, Engine], work: Callable[[Session, int], None]) -> None:
    """`work(session, n)` ROUNDS times in each of two threads, one engine each, started at once."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(engine: Engine, lane: int) -> None:
        try:
            barrier.wait(10)
            with Session(engine, expire_on_commit=False) as session:
                for n in range(ROUNDS):
                    work(session, lane * ROUNDS + n)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(e, i)) for i, e in enumerate(engines)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []


def test_two_processes_adding_progress_at_once_both_count(
    twin_engines: tuple[Engine, Engine],
) -> None:
    with Session(twin_engines[0], expire_on_commit=False) as session:
        goal_id = make_goal(session, TEAM).id
    assert goal_id is not None

    def add_one(session: Session, n: int) -> None:
        goals.log_progress(session, TEAM, goal_id, f"U{n}", 1, is_delta=True)

    run_together(twin_engines, add_one)
    with Session(twin_engines[0]) as session:
        goal = goals.get(session, TEAM, goal_id)
        history = list(session.exec(select(GoalUpdate).order_by(col(GoalUpdate.value))))
    assert goal is not None and goal.current_value == 2 * ROUNDS
    # Each update saw the value the one before it left: 1, 2, ... with no value twice.
    assert [u.value for u in history] == [float(v) for v in range(1, 2 * ROUNDS + 1)]
    assert {u.delta for u in history} == {1.0}


def test_two_processes_plus_one_at_once_both_bump_the_version(
    twin_engines: tuple[Engine, Engine],
) -> None:
    with Session(twin_engines[0], expire_on_commit=False) as session:
        q, _ = store.capture(session, TEAM, "trigger:1", "U0ASKER001", "Do you support SSO?")
    question_id = q.id or 0

    def plus_one(session: Session, n: int) -> None:
        assert votes.plus_one(session, TEAM, question_id, f"U0VOTER{n:03d}")

    run_together(twin_engines, plus_one)
    with Session(twin_engines[0]) as session:
        final = session.get(Question, question_id)
        assert final is not None and final.version == 2 * ROUNDS
        assert votes.asked_by_count(session, question_id) == 1 + 2 * ROUNDS


def test_two_processes_editing_at_once_get_a_version_each(
    twin_engines: tuple[Engine, Engine],
) -> None:
    with Session(twin_engines[0], expire_on_commit=False) as session:
        q, _ = store.capture(session, TEAM, "trigger:1", "U0ASKER001", "Do you support SSO?")
    question_id = q.id or 0
    versions: list[int] = []

    def edit(session: Session, n: int) -> None:
        changed = store.edit(session, TEAM, question_id, "U0ASKER001", f"SSO with IdP {n}?")
        versions.append(changed.version)

    run_together(twin_engines, edit)
    # The version each change got is its own: every triage refresh has its own outbox key.
    assert sorted(versions) == list(range(1, 2 * ROUNDS + 1))


def test_touch_returns_the_version_it_wrote(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        q, _ = store.capture(session, TEAM, "trigger:1", "U1", "Is there an API?")
        assert store.edit(session, TEAM, q.id or 0, "U1", "Is there a REST API?").version == 1
        assert store.withdraw(session, TEAM, q.id or 0, "U1").version == 2


def test_merge_keeps_every_moved_vote_when_a_voter_votes_on_the_original_meanwhile(
    any_engine: Engine,
) -> None:
    """U5 +1s the original (another process) just before the merge moves U5's vote there."""
    with Session(any_engine, expire_on_commit=False) as session:
        original, _ = store.capture(session, TEAM, "trigger:1", "U1", "Volume discounts?")
        dup, _ = store.capture(session, TEAM, "trigger:2", "U2", "Discount for 500 seats?")
        for user in ("U3", "U4", "U5"):
            votes.plus_one(session, TEAM, dup.id or 0, user)
    original_id, dup_id = original.id or 0, dup.id or 0
    other = make_engine(
        str(any_engine.url.render_as_string(hide_password=False)), **_same_schema(any_engine)
    )
    meanwhile: list[threading.Thread] = []

    def vote_meanwhile(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        moving_u5 = isinstance(params, dict | tuple | list) and "U5" in _values(params)
        if meanwhile or not statement.startswith("INSERT INTO question_vote") or not moving_u5:
            return

        def plus_one() -> None:
            with Session(other) as s:
                votes.plus_one(s, TEAM, original_id, "U5")

        meanwhile.append(threading.Thread(target=plus_one))
        meanwhile[0].start()
        # PostgreSQL: it commits now (its row is not one the merge holds). SQLite: it waits
        # for the merge's write lock, so it comes after the merge instead.
        meanwhile[0].join(2)

    event.listen(any_engine, "before_cursor_execute", vote_meanwhile)
    try:
        with Session(any_engine, expire_on_commit=False) as session:
            votes.merge(session, TEAM, dup_id, original_id)
    finally:
        event.remove(any_engine, "before_cursor_execute", vote_meanwhile)
    meanwhile[0].join(30)
    other.dispose()
    with Session(any_engine) as session:
        assert sorted(votes.voters(session, original_id)) == ["U2", "U3", "U4", "U5"]
        rows = session.exec(select(QuestionVote).where(QuestionVote.question_id == original_id))
        assert len(list(rows)) == 4
        merged = session.get(Question, dup_id)
        assert merged is not None and merged.status == "duplicate"
        assert merged.duplicate_of == original_id


def _values(params: Any) -> list[Any]:
    return list(params.values()) if isinstance(params, dict) else list(params)


def _same_schema(engine: Engine) -> dict[str, Any]:
    """Connection arguments that put a second engine on the same PostgreSQL schema."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    return {"connect_args": {"options": f"-csearch_path={schema}"}}
