"""How fast `lockstep run` (Socket Mode) acks, and what a reconnect costs: the real process
against the fake Web API and a local Socket Mode endpoint (tests/socket_mode.py), on loopback.

    .venv/bin/python scripts/bench_socket_mode.py [--commands 300] [--rounds 5]

Prints the ack latency of sequential `/prospect-question` commands (envelope sent -> answer
received), the time from Slack's `disconnect` (refresh) to the new connection and the ack of a
command sent the moment it opened, and the same after a dropped connection.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.standin.signing import slash_command_body  # noqa: E402
from storage import workspaces  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from tests.socket_mode import APP_TOKEN, FakeSocketMode  # noqa: E402

TEAM = "T0FAKE0001"


def command(n: int) -> dict[str, str]:
    body = slash_command_body("/prospect-question", f"Benchmark question {n}?", team_id=TEAM)
    return dict(parse_qsl(body))


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"max {ordered[-1] * 1000:.1f} ms (n={len(ordered)})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-sm-"))
    url = f"sqlite:///{work}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel="C0TRIAGE01")
    with FakeSlack() as slack:
        endpoint = FakeSocketMode(slack).start()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOCKSTEP_"))}
        env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_APP_TOKEN=APP_TOKEN, DATABASE_URL=url,
                   SLACK_API_BASE_URL=slack.base_url, LOCKSTEP_POST_INTERVAL="0",
                   LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT),
                   LOCKSTEP_COMMAND_RATE_PER_MINUTE="100000")  # fmt: skip
        began = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=work, env=env)
        try:
            endpoint.wait_connections(1, timeout=60)
            print(f"start to first connection: {time.monotonic() - began:.2f} s")
            acks = [endpoint.ack(endpoint.send("slash_commands", command(n), response=True))[0]
                    for n in range(args.commands)]  # fmt: skip
            print(f"command ack, steady: {ms(acks)}")
            refresh_connect, refresh_ack, drop_connect, drop_ack = [], [], [], []
            n = args.commands
            for _ in range(args.rounds):
                count = len(endpoint.connections)
                t0 = time.monotonic()
                endpoint.refresh()
                endpoint.wait_connections(count + 1)
                refresh_connect.append(time.monotonic() - t0)
                n += 1
                refresh_ack.append(
                    endpoint.ack(
                        endpoint.send("slash_commands", command(n), response=True), timeout=20
                    )[0]
                )
                time.sleep(0.5)
            for _ in range(args.rounds):
                count = len(endpoint.connections)
                t0 = time.monotonic()
                endpoint.drop()
                endpoint.wait_connections(count + 1)
                drop_connect.append(time.monotonic() - t0)
                n += 1
                drop_ack.append(
                    endpoint.ack(
                        endpoint.send("slash_commands", command(n), response=True), timeout=20
                    )[0]
                )
                time.sleep(0.5)
            print(f"refresh -> new connection: {ms(refresh_connect)}")
            print(f"ack of a command sent as the new connection opens (refresh): {ms(refresh_ack)}")
            print(f"drop -> new connection: {ms(drop_connect)}")
            print(f"ack of a command sent as the new connection opens (drop): {ms(drop_ack)}")
            posts = len(slack.calls_to("chat.postMessage"))
            print(json.dumps({"questions": n + 1, "posts": posts}))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            endpoint.stop()


if __name__ == "__main__":
    main()
