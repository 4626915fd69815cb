"""Migrations produce exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import make_engine
from storage.migrate import current_revision, include_object, upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def assert_no_drift(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []
    assert current_revision(engine) is not None


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Engine]:
    """An empty database for the migrations to build: a SQLite file, and with
    TEST_DATABASE_URL a PostgreSQL schema of its own (dropped afterwards)."""
    if request.param == "sqlite":
        yield make_engine(f"sqlite:///{tmp_path}/m.db")
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_migrations_match_models(empty_database: Engine) -> None:
    assert_no_drift(empty_database)
    upgrade(empty_database)  # a second upgrade is a no-op
    assert_no_drift(empty_database)


def test_this_weeks_migrations_go_down_and_up_again_with_data(tmp_path: Any) -> None:
    """0012, 0011 and 0010 undone and redone on a database that has goals, updates and assets
    (before, 0011's downgrade rebuilt `goal` under goal_update's foreign key and failed)."""
    from alembic import command
    from sqlmodel import Session, func, select

    from storage import goals
    from storage.migrate import alembic_config
    from storage.models import Asset, GoalUpdate
    from tests.goal_fixtures import make_goal

    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        for n in range(2):
            goal = make_goal(session, "T1", name=f"g{n}")
            goals.log_progress(session, "T1", goal.id or 0, "U1", 1, is_delta=True)
            session.add(Asset(team_id="T1", title=f"a{n}", url="https://x", kind="deck",
                              stage="awareness", owner_id="U1", created_by="U1"))  # fmt: skip
        session.commit()
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009_partial_answered_index")
    assert current_revision(engine) == "0009_partial_answered_index"
    assert_no_drift(engine)  # and up again
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(GoalUpdate)).one() == 2


def answers_go_down_and_up_again(engine: Engine) -> None:
    """0016 and 0014 undone on a database with a resolved question, a rating and a gap
    request's linked question, then redone: the resolved question reads as the duplicate it
    was before 0014 (the old code knows no “resolved”), nothing else is lost."""
    from alembic import command
    from sqlmodel import Session

    from storage import content_requests
    from storage import questions as store
    from storage import questions_ratings as rated
    from storage import questions_votes as votes
    from storage.migrate import alembic_config

    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        original = store.capture(session, "T1", "k1", "U1", "Is there an API?")[0].id or 0
        a, _ = store.answer(session, "T1", original, "M1", "Yes, REST.", None, "v1")
        resolved = store.capture(session, "T1", "k2", "U2", "A REST API?")[0].id or 0
        assert rated.rate(session, "T1", a.id or 0, resolved, "U2", "answers")
        votes.fold(session, "T1", resolved, original, "resolved")
        request, _ = content_requests.create(session, "T1", "gap:30:tag:api:1:U2", "U2", what="x")
        content_requests.link_questions(session, "T1", request.id or 0, [original, resolved])
        session.commit()
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012_home_and_leases")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, status, duplicate_of FROM question ORDER BY id"))
        assert [tuple(r) for r in rows] == [
            (original, "answered", None), (resolved, "duplicate", original),
        ]  # fmt: skip
        assert conn.execute(text("SELECT count(*) FROM answer")).scalar() == 1
    assert_no_drift(engine)  # and up again


def test_answer_freshness_migrations_go_down_and_up_again(empty_database: Engine) -> None:
    answers_go_down_and_up_again(empty_database)


def _nudges_down_and_up(engine: Engine) -> None:
    """0014 and 0013 (per-person time, nudges) undone on a database holding their rows, then
    redone: the workspace keeps its row and gets the columns' server defaults back."""
    from datetime import UTC, date, datetime

    from alembic import command
    from sqlmodel import Session, select

    from storage import people, workspaces
    from storage import questions as qstore
    from storage.migrate import alembic_config
    from storage.models import Person, Workspace
    from storage.questions_nudges import mark_reminded

    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        workspaces.update(s, "T1", "UTC", work_start="08:00", nudge_goals=False)
        people.set_away(s, "T1", "U1", date(2026, 3, 1), None, "note")
        people.add_holiday(s, "T1", date(2026, 12, 25), "Xmas")
        q, _ = qstore.capture(s, "T1", "trigger:1", "U1", "q?")
        mark_reminded(s, "T1", [q.id or 0], datetime(2026, 3, 1, tzinfo=UTC))
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012_home_and_leases")
    assert current_revision(engine) == "0012_home_and_leases"
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from workspace")).scalar() == 1
    assert_no_drift(engine)  # and up again
    with Session(engine) as s:
        ws = s.exec(select(Workspace)).one()
        assert ws.nudge_goals is True and ws.work_start == "09:00"  # server defaults
        assert s.exec(select(Person)).all() == []


def test_the_nudges_migrations_go_down_and_up_with_data(empty_database: Engine) -> None:
    _nudges_down_and_up(empty_database)
