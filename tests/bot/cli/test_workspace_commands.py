"""`lockstep workspace list|delete` and `lockstep forget-user` on a real database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli import main
from storage import content_requests, home, questions, roles, workspaces
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Answer, GapSnapshot, OutboxMessage, Person, Question, RoleAssignment
from storage.workspaces_data import team_tables
from tests.goal_fixtures import make_goal

GONE, KEPT = "T0GONE0001", "T0KEPT0001"
REP, OTHER = "U0REP00001", "U0OTHER001"


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path}/cli.db"
    engine = make_engine(url)
    upgrade(engine)
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
    return url, engine


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
