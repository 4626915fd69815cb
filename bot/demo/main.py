"""Run the demo and print the transcript."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bot.demo import week
from bot.demo.runner import Stage

CONNECT = """\
To connect a real workspace: create a Slack app from manifest.yml, put SLACK_BOT_TOKEN and
SLACK_APP_TOKEN in .env and run `lockstep run` (README.md, "Set up the Slack app")."""


def run_demo(workdir: Path, out: Callable[[str], None] = print) -> Stage:
    """Play the week; returns the stage (its database file stays for you to inspect)."""
    started = time.monotonic()
    stage = Stage(workdir, out)
    out("Lockstep demo: the real app in HTTP mode, a local Slack stand-in, signed requests.")
    stage.start(week.PEOPLE, week.CHANNELS, admins=[week.LEO.id])
    try:
        week.play(stage)
    finally:
        stage.stop()
    if stage.links:
        out("")
        out("Open the real messages in Slack's Block Kit Builder:")
        for name, link in stage.links.items():
            out(f"  {name}: {link}")
    out("")
    out(f"Done in {time.monotonic() - started:.1f} s. The database is {stage.db_path}")
    out(f"(open it with: sqlite3 {stage.db_path}).")
    out(CONNECT)
    return stage
