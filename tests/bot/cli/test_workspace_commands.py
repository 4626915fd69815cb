"""`lockstep workspace list|delete` and `lockstep forget-user` on a real database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Text, cast, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli import main
from storage import content_requests, home, questions, roles, workspaces
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Answer, GapSnapshot, OutboxMessage, Person, Question, RoleAssignment
from storage.models.goals import GoalUpdate
from storage.workspaces_data import KEEP, delete_team, forget_user, team_tables, text_columns
from tests.conftest import PG_URL, drop_schema, postgres_engine
from tests.goal_fixtures import make_goal

GONE, KEPT = "T0GONE0001", "T0KEPT0001"
REP, OTHER = "U0REP00001", "U0OTHER001"


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path}/cli.db"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine)
    return url, engine


def fill(engine: Engine) -> None:
    """Two workspaces with the same people in them: questions, answers, a goal, roles, a zone,
    a gap report and posts mentioning REP, a DM to REP."""
    with Session(engine) as session:
        for team in (GONE, KEPT):
            workspaces.update(session, team, triage_channel="C0TRIAGE01")
            roles.grant(session, team, REP, "rep", None)
            home.record_open(session, team, REP)
            q, _ = questions.capture(session, team, f"k-{team}", REP, "What is the SLA?")
            questions.answer(session, team, q.id or 0, OTHER, "99.9%", None, f"a-{team}")
            other, _ = questions.capture(session, team, f"o-{team}", OTHER, "Is there SSO?")
            # a knowledge gap's request, linked to the gap's questions
            request, _ = content_requests.create(session, team, f"gap-{team}", REP, what="SSO")
            content_requests.link_questions(session, team, request.id or 0, [other.id or 0])
            make_goal(session, team)
            session.add(
                Person(team_id=team, user_id=REP, tz="America/New_York", away_note="fishing")
            )
            session.add(GapSnapshot(team_id=team, days=90, gaps=[{"samples": [[1, f"<@{REP}>"]]}]))
            session.add(
                OutboxMessage(
                    team_id=team,
                    key=f"triage:{team}",
                    method="chat.postMessage",
                    channel="C0TRIAGE01",
                    payload={"text": f"asked by <@{REP}>"},
                )
            )
            session.add(OutboxMessage(team_id=team, key=f"dm:{team}", method="chat.postMessage",
                                      channel=REP, payload={"text": "your answer"}))  # fmt: skip
            session.commit()


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"DATABASE_URL": url})


def rows_of(engine: Engine, team: str) -> int:
    with engine.connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(t).where(t.c.team_id == team)).scalar()
            or 0
            for t in team_tables()
        )


def test_list_then_delete_one_workspace_leaves_the_other_whole(db: tuple[str, Engine]) -> None:
    url, engine = db
    listed = run(url, "workspace", "list")
    assert listed.exit_code == 0
    assert GONE in listed.output and KEPT in listed.output and "2 questions" in listed.output
    kept_before = rows_of(engine, KEPT)
    refused = run(url, "workspace", "delete", GONE)
    assert refused.exit_code == 2 and "export" in refused.output and rows_of(engine, GONE)
    deleted = run(url, "workspace", "delete", GONE, "--yes")
    assert deleted.exit_code == 0 and "question" in deleted.output
    assert rows_of(engine, GONE) == 0
    assert rows_of(engine, KEPT) == kept_before
    assert GONE not in run(url, "workspace", "list").output


def test_forget_user_keeps_what_they_wrote_without_their_name(db: tuple[str, Engine]) -> None:
    url, engine = db
    result = run(url, "forget-user", GONE, REP, "--yes")
    assert result.exit_code == 0, result.output
    alias = result.output.split(" is ")[1].split()[0]
    with Session(engine) as session:
        asked = session.exec(select(Question).where(Question.team_id == GONE)).scalars().all()
        assert {q.text for q in asked} == {"What is the SLA?", "Is there SSO?"}
        assert sorted(q.asker_id for q in asked) == sorted([alias, OTHER])
        assert not session.exec(
            select(RoleAssignment).where(
                RoleAssignment.user_id == REP, RoleAssignment.team_id == GONE
            )
        ).first()
        kept = session.exec(select(Question).where(Question.team_id == KEPT)).scalars().all()
        assert REP in {q.asker_id for q in kept}  # another workspace's REP is someone else
        assert (
            session.exec(select(Answer).where(Answer.team_id == GONE)).scalars().one().answerer_id
            == OTHER
        )
        posts = session.exec(select(OutboxMessage).where(OutboxMessage.team_id == GONE)).scalars()
        assert [p.payload["text"] for p in posts] == [f"asked by <@{alias}>"]  # the DM went
        # their zone and away days go; a kept gap report (keyed on team and window) is rewritten
        assert session.get(Person, (GONE, REP)) is None and session.get(Person, (KEPT, REP))
        gap = session.get(GapSnapshot, (GONE, 90))
        assert gap is not None and gap.gaps == [{"samples": [[1, f"<@{alias}>"]]}]
    assert run(url, "forget-user", GONE, REP).exit_code == 2  # without --yes, nothing


def test_forget_user_takes_their_id_out_of_every_column_and_every_mention(
    db: tuple[str, Engine],
) -> None:
    url, engine = db
    with Session(engine) as session:
        roles.grant(session, GONE, OTHER, "rep", granted_by=REP)  # REP made OTHER a rep
        q, _ = questions.capture(session, GONE, "m", OTHER, f"Did <@{REP}> say 99.9%?")
        questions.answer(session, GONE, q.id or 0, REP, f"Yes, ask <@{REP}>", None, "a-m")
        goal = make_goal(session, GONE, name="Pipeline")
        session.add(GoalUpdate(team_id=GONE, source_key=f"choice:1700000000.1:{REP}",
                               goal_id=goal.id or 0, value=1, delta=1, user_id=REP,
                               note=f"thanks <@{REP}>"))  # fmt: skip
        session.commit()
    with engine.begin() as conn:  # who verified and retired answers
        conn.execute(update(Answer).values(verified_by=REP, retired_by=REP))
    assert run(url, "forget-user", GONE, REP, "--yes").exit_code == 0
    left = []
    with engine.connect() as conn:
        for table in team_tables():
            for column in text_columns(table):
                held = cast(column, Text).contains(REP)
                rows = conn.execute(select(func.count()).where(table.c.team_id == GONE, held))
                if rows.scalar() and table.name not in KEEP:
                    left.append(f"{table.name}.{column.name}")
    assert left == []
    with Session(engine) as session:
        assert session.exec(  # OTHER keeps the role REP granted
            select(RoleAssignment).where(
                RoleAssignment.user_id == OTHER, RoleAssignment.team_id == GONE
            )
        ).first()


# Columns named like a person's that hold no person (integer ids of Lockstep's own rows).
NOT_A_PERSON = {"review_by"}


def test_every_column_that_may_name_a_person_is_one_forget_user_rewrites() -> None:
    """A new `…_id`, `…_by` or `…owner` column must hold text (forget-user rewrites every text
    column) or be a row id: a new kind of column fails here until it is thought about."""
    for table in team_tables():
        text = {"team_id"} | {c.name for c in text_columns(table)}
        for column in table.c:
            name = column.name
            if not name.endswith(("_id", "_by", "owner")) or name in text:
                continue
            assert (
                column.foreign_keys
                or name in NOT_A_PERSON
                or name == "id"
                or (name.removesuffix("_id") in _ROW_IDS)
            ), f"{table.name}.{name}: does it name a person? forget-user would leave it"


# `…_id` integer columns that point at Lockstep rows (some without a declared foreign key).
_ROW_IDS = {"question", "answer", "goal", "digest", "series", "agenda", "topic", "request",
            "asset", "ref"}  # fmt: skip


def test_delete_and_forget_on_postgresql() -> None:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    engine, schema = postgres_engine()
    try:
        fill(engine)
        kept = rows_of(engine, KEPT)
        with engine.begin() as conn:
            forget_user(conn, KEPT, REP)
            delete_team(conn, GONE)
        # their role, Home record, zone and away days, and the DM addressed to them go
        assert rows_of(engine, GONE) == 0 and rows_of(engine, KEPT) == kept - 4
        with engine.connect() as conn:
            table = Question.__table__  # type: ignore[attr-defined]
            askers = conn.execute(select(table.c.asker_id).where(table.c.team_id == KEPT))
            assert REP not in set(askers.scalars())
    finally:
        engine.dispose()
        drop_schema(schema)
