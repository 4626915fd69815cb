"""`lockstep demo` runs the week end to end and tells the story."""

from __future__ import annotations

from pathlib import Path

from bot.demo.main import run_demo


def test_demo_transcript(tmp_path: Path) -> None:
    lines: list[str] = []
    stage = run_demo(tmp_path, lines.append)
    transcript = "\n".join(lines)
    assert "Leo (leader) types: /lockstep config triage-channel #marketing-triage" in transcript
    assert "Triage channel is now #marketing-triage" in transcript
    assert "✗" not in transcript  # no request failed
    assert f"The database is {stage.db_path}" in transcript and stage.db_path.exists()
    assert "manifest.yml" in transcript
