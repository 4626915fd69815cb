"""`lockstep demo` runs the week end to end and tells the story."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from pathlib import Path

import pytest

from bot.demo.main import run_demo
from bot.demo.render import BUILDER
from tests.blockkit import assert_valid_message


def test_demo_transcript(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    lines: list[str] = []
    started = time.monotonic()
    stage = run_demo(tmp_path, lines.append)
    elapsed = time.monotonic() - started
    transcript = "\n".join(lines)
    steps = [
        # set-up
        "Leo (leader) types: /lockstep config triage-channel #marketing-triage",
        "Triage channel is now #marketing-triage",
        "The weekly digest is now Monday 09:00 (Europe/Paris) in #sales-marketing",
        # goals created, progress logged (command and the digest's button)
        "Shared goal *Signed contracts* created: 80 deals",
        "Shared goal *Marketing-sourced pipeline* created: 600 k€",
        "*Signed contracts* is now 2/80 deals",
        "*Signed contracts* is now 3/80 deals",
        "*Marketing-sourced pipeline* is now 140/600 k€ (23%), +140 logged.",
        "Raj (rep) clicks [Log progress]",
        "*Signed contracts* is now 4/80 deals",
        # the digest, its chart, the reactions
        "SHARED GOALS · WEEK OF",
        "👉 @Ana @Mia this goal is behind: can you agree a next step?",
        "📎 chart image uploaded with it",
        "Mia (marketer) reacts 👀 to the digest",
        "Raj (rep) reacts ⚠️ to the digest",
        "Lockstep recorded 4 reactions on this digest: Mia 👀, Mia 🙌, Raj ⚠️, Ana 👀",
        # the check-in: set up, topic added, agenda posted, vote, discussed, action item
        "Meeting series *Weekly check-in* is saved: Tuesdays at 10:00 (Europe/Paris)",
        "Added to *Weekly check-in*: Bundle the SSO one-pager into the proposal template?",
        "AGENDA: WEEKLY CHECK-IN",
        "• 1 topic added",
        "Ana (rep) clicks [Vote (+0)]",
        "Bundle the SSO one-pager into the proposal template? — *1* vote",
        "~Bundle the SSO one-pager into the proposal template?~ ✅ discussed",
        "☑️ Add the SSO one-pager to the proposal template — @Mia, due",
        # the ending
        "Open the real messages in Slack's Block Kit Builder:",
        f"  Weekly digest: {BUILDER}",
        f"  Check-in agenda: {BUILDER}",
    ]
    missing = [step for step in steps if step not in transcript]
    assert missing == []
    assert transcript.index("SHARED GOALS") < transcript.index("AGENDA: WEEKLY CHECK-IN")
    for name in ("Weekly digest", "Check-in agenda"):
        surface = json.loads(urllib.parse.unquote(stage.links[name].removeprefix(BUILDER)))
        assert_valid_message({"text": name, **surface})
    assert "✗" not in transcript  # no request failed
    assert "Traceback" not in transcript and "sees in the form" not in transcript
    assert f"The database is {stage.db_path}" in transcript and stage.db_path.exists()
    assert "manifest.yml" in transcript
    assert elapsed < 30
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert problems == []  # nothing failed behind the scenes either (lazy listeners, jobs)
