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
from tests.conftest import TEAM
from tests.test_cli import lockstep


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
    from bot.export import exports

    seed(tmp_path)
    for name in exports():
        for fmt in ("csv", "json"):
            result = lockstep(tmp_path, "export", name, "--format", fmt, "--since", "2026-01-01")
            assert result.returncode == 0, (name, fmt, result.stderr)
            if fmt == "json":
                json.loads(result.stdout)
            else:
                assert next(csv.reader(result.stdout.splitlines()))[0] == "id"
