"""`lockstep preview digest|agenda`: text, Block Kit JSON and a Block Kit Builder link."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from storage import workspaces
from storage.db import make_engine
from storage.migrate import upgrade
from tests.bot.cli.test_commands import lockstep
from tests.conftest import TEAM
from tests.meeting_helpers import make_series


def seed(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    upgrade(engine)
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel="C0TRIAGE01")
        make_series(session, "Weekly check-in")
    engine.dispose()


def test_preview_digest_and_agenda(tmp_path: Path) -> None:
    seed(tmp_path)
    digest = lockstep(tmp_path, "preview", "digest")
    assert digest.returncode == 0, digest.stderr
    assert "SHARED GOALS" in digest.stdout and '"type": "header"' in digest.stdout
    assert "https://app.slack.com/block-kit-builder/#" in digest.stdout
    agenda = lockstep(tmp_path, "preview", "agenda", "--series", "Weekly check-in")
    assert agenda.returncode == 0, agenda.stderr
    assert "Weekly check-in" in agenda.stdout and "block-kit-builder" in agenda.stdout


def test_preview_explains_mistakes(tmp_path: Path) -> None:
    seed(tmp_path)
    assert "name the series" in lockstep(tmp_path, "preview", "agenda").stderr
    unknown = lockstep(tmp_path, "preview", "agenda", "--series", "Nope")
    assert unknown.returncode == 2 and "no series called 'Nope'" in unknown.stderr
    empty = lockstep(
        tmp_path / "..", "preview", "digest", DATABASE_URL=f"sqlite:///{tmp_path}/e.db"
    )
    assert empty.returncode == 2 and "no workspace" in empty.stderr
