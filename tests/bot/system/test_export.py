"""`lockstep export`: CSV opens with the csv module, JSON parses, --since filters."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from storage import content_requests
from storage.db import make_engine
from storage.migrate import upgrade
from tests.bot.cli.test_commands import lockstep
from tests.conftest import TEAM


def seed(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    upgrade(engine)
    with Session(engine) as session:
        for n, day in enumerate((3, 10, 20)):
            content_requests.create(
                session,
                TEAM,
                f"k{n}",
                "U0REP00001",
                what=f'Case study, "quoted", #{n}\nline 2',
                created_at=datetime(2026, 11, day, 12, tzinfo=UTC),
            )
    engine.dispose()


def test_csv_json_and_since(tmp_path: Path) -> None:
    seed(tmp_path)
    out = tmp_path / "requests.csv"
    result = lockstep(tmp_path, "export", "requests", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Wrote 3 requests" in result.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["what"] for r in rows][0] == 'Case study, "quoted", #0\nline 2'
    assert rows[0]["status"] == "submitted"
    result = lockstep(tmp_path, "export", "requests", "--format", "json", "--since", "2026-11-10")
    data = json.loads(result.stdout)
    assert [d["what"][-9:] for d in data] == ["#1\nline 2", "#2\nline 2"]


def test_unknown_export_is_explained(tmp_path: Path) -> None:
    result = lockstep(tmp_path, "export", "nonsense")
    assert result.returncode == 2 and "choose one of" in result.stderr


def test_empty_export_is_valid_json(tmp_path: Path) -> None:
    result = lockstep(tmp_path, "export", "feedback", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout) == []


def test_every_export_runs_in_both_formats(tmp_path: Path) -> None:
    from bot.system.export import exports

    seed(tmp_path)
    for name in exports():
        for fmt in ("csv", "json"):
            result = lockstep(tmp_path, "export", name, "--format", fmt, "--since", "2026-01-01")
            assert result.returncode == 0, (name, fmt, result.stderr)
            if fmt == "json":
                json.loads(result.stdout)
            else:
                assert next(csv.reader(result.stdout.splitlines()))[0] == "id"


def seed_questions(tmp_path: Path) -> None:
    from storage import questions
    from storage import questions_votes as question_votes

    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    upgrade(engine)
    with Session(engine) as session:
        ids = []
        for n, day in enumerate((3, 10, 20)):
            q, _ = questions.capture(
                session,
                TEAM,
                f"q{n}",
                "U0REP00001",
                f'Does it do "SSO", #{n}?\nline 2',
                prospect="Acme, Inc.",
                stage="decision",
                tags="security,sso",
                created_at=datetime(2026, 11, day, 12, tzinfo=UTC),
            )
            assert q.id is not None
            ids.append(q.id)
        for user in ("U0REP00002", "U0REP00003"):
            question_votes.plus_one(session, TEAM, ids[1], user)
        questions.answer(session, TEAM, ids[1], "U0MKT00001", "Yes, SAML.", None, "a1")
    engine.dispose()


def test_questions_and_answers_export(tmp_path: Path) -> None:
    seed_questions(tmp_path)
    out = tmp_path / "questions.csv"
    result = lockstep(tmp_path, "export", "questions", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Wrote 3 questions" in result.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["text"] == 'Does it do "SSO", #0?\nline 2'
    assert rows[0]["prospect"] == "Acme, Inc." and rows[0]["tags"] == "security,sso"
    assert [r["plus_ones"] for r in rows] == ["0", "2", "0"]
    assert [r["status"] for r in rows] == ["open", "answered", "open"]
    assert rows[1]["answered_at"] and not rows[0]["answered_at"]
    result = lockstep(tmp_path, "export", "questions", "--format", "json", "--since", "2026-11-10")
    data = json.loads(result.stdout)
    assert [(d["text"][-10:], d["plus_ones"]) for d in data] == [
        ("#1?\nline 2", 2),
        ("#2?\nline 2", 0),
    ]
    assert data[0]["stage"] == "decision" and data[0]["duplicate_of"] is None
    result = lockstep(tmp_path, "export", "answers", "--format", "json", "--since", "2026-01-01")
    (answer,) = json.loads(result.stdout)
    assert answer["text"] == "Yes, SAML." and answer["question_id"] == data[0]["id"]
    result = lockstep(tmp_path, "export", "answers", "--format", "csv", "--since", "2099-01-01")
    assert result.returncode == 0 and result.stdout.splitlines()[0].startswith("id,team_id")
