"""HTTP benchmark: Lockstep under its production server vs a bare Bolt app that only acks.

    .venv/bin/python scripts/bench_http.py               # full run (see README for figures)
    .venv/bin/python scripts/bench_http.py --quick       # a smoke run in a few seconds

Everything runs on loopback: the fake Slack Web API (bot.standin), gunicorn serving Lockstep
exactly as `lockstep run --http` does, and gunicorn serving a bare Bolt app with the same settings.
The load generator signs every request as Slack does. Prints a table; not a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli import gunicorn_command  # noqa: E402
from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.standin.signing import (  # noqa: E402
    event_body,
    reaction_event,
    signed_headers,
    slash_command_body,
)
from scripts import loadgen  # noqa: E402

SECRET = "bench-signing-secret-0123456789abcdef"
TOKEN = "xoxb-bench-0000"
TEAM = "T0FAKE0001"
FORM = "application/x-www-form-urlencoded"
LOG = Path(tempfile.gettempdir()) / "lockstep-bench-server.log"
DIGEST_TS = "1700000100.000600"


@dataclass
class Result:
    name: str
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    cpu_ms: list[float] = field(default_factory=list)  # per request: server processes, then us
    split: list[int] = field(default_factory=list)  # connections per worker, sampled mid-run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def over_deadline(self) -> int:
        return sum(1 for x in self.latencies if x > 3.0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    app_ref: str, env: dict[str, str], workers: int
) -> tuple[subprocess.Popen[bytes], int]:
    """`lockstep` serves Lockstep exactly as `lockstep run --http` does (gunicorn workers plus the
    background process); anything else is served by gunicorn with the same settings."""
    port = free_port()
    if app_ref == "lockstep":
        cmd = [sys.executable, "-m", "bot.cli", "run", "--http", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    else:
        cmd = gunicorn_command("127.0.0.1", port, workers, app_ref)
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=LOG.open("ab")
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    # One signed warm-up request per worker (Bolt's first request does auth.test).
    for _ in range(workers * 4):
        send_once(port, slash_command_body("/lockstep", "help"), FORM)
    return proc, port


def send_once(port: int, body: str, content_type: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    raw = body.encode()
    conn.request(
        "POST", "/slack/events", raw, signed_headers(SECRET, raw, content_type=content_type)
    )
    status = conn.getresponse().status
    conn.close()
    return status


def load(name: str, port: int, bodies: list[str], content_type: str, concurrency: int) -> Result:
    """Send every body once, `concurrency` at a time on keep-alive connections (scripts.loadgen:
    one client thread, so no client-side GIL wait is counted as latency)."""
    requests = []
    for body in bodies:
        raw = body.encode()
        headers = signed_headers(SECRET, raw, content_type=content_type)
        requests.append(loadgen.request_bytes("/slack/events", port, raw, headers))
    sample = ConnectionSplit(port)
    timer = threading.Timer(0.3, sample.take)
    timer.start()
    out = loadgen.run(port, requests, concurrency)
    timer.cancel()
    timer.join()  # a sample already started finishes starting `ss`
    result = Result(name, concurrency, len(bodies), out.seconds, out.latencies, out.errors)
    result.split = sample.counts()
    return result


class ConnectionSplit:
    """How the load's connections are spread over the server's workers, read once mid-run by
    `ss` in a process of its own (the load generator's thread only waits for the fork)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen[str] | None = None

    def take(self) -> None:
        try:
            self.proc = subprocess.Popen(
                ["ss", "-Htnp", "state", "established", f"( sport = :{self.port} )"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            )  # fmt: skip
        except OSError:  # no `ss` here: the split is not reported
            self.proc = None

    def counts(self) -> list[int]:
        """Connections per worker process, most first; empty when it could not be read."""
        if self.proc is None:
            return []
        out, _ = self.proc.communicate(timeout=10)
        per_pid: dict[str, int] = {}
        for pid in re.findall(r"pid=(\d+)", out):
            per_pid[pid] = per_pid.get(pid, 0) + 1
        return sorted(per_pid.values(), reverse=True)


def wait_for_triage(database_url: str, expected: int, started: float, limit: float = 900) -> str:
    """How long after the load the background process needed to post every triage message
    (counted in the outbox: the stand-in Slack runs in a process of its own)."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(database_url)
    done = 0
    while time.perf_counter() - started < limit:
        with engine.connect() as conn:
            done = int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM outbox_message "
                        "WHERE key LIKE 'triage:%' AND status = 'sent'"
                    )
                ).scalar_one()
            )
        if done >= expected:
            took = time.perf_counter() - started
            return f"all {expected} triage posts made {took:.1f} s after the load"
        time.sleep(0.5)
    return f"{done} of {expected} triage posts made {limit:.0f} s after the load"


def start_fake_slack() -> tuple[multiprocessing.process.BaseProcess, str]:
    """The stand-in Slack Web API in a process of its own: the background process's posts
    must not take the load generator's GIL (Slack's servers are not in the client either)."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    proc = context.Process(target=serve_fake_slack, args=(theirs,), daemon=True)
    proc.start()
    return proc, str(ours.recv())


def serve_fake_slack(pipe: Any) -> None:
    slack = FakeSlack().start()
    pipe.send(slack.base_url)
    threading.Event().wait()  # until terminated


def family(master: subprocess.Popen[bytes]) -> list[int]:
    """`master` and its descendants: the CLI parent, its gunicorn master, then the workers."""
    pids = {master.pid}
    for _ in range(2):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() in {str(p) for p in pids}:
                pids.add(int(entry.name))
    return sorted(pids)


def rss_mb(master: subprocess.Popen[bytes]) -> list[float]:
    """Peak RSS (VmHWM) of each process of the server, in MB."""
    peaks = []
    for pid in family(master):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return peaks


def measured(proc: subprocess.Popen[bytes], run: Callable[[], Result]) -> Result:
    """`run`, with the CPU time each server process (and this one) spent per request."""
    pids = family(proc)
    before = cpu_seconds(pids)
    result = run()
    after = cpu_seconds(pids)
    result.cpu_ms = [(a - b) * 1000 / result.requests for a, b in zip(after, before, strict=True)]
    return result


def cpu_seconds(pids: list[int]) -> list[float]:
    """CPU time (user + system, all threads) each process has used so far; this process last."""
    tick = os.sysconf("SC_CLK_TCK")
    used = []
    for pid in [*pids, os.getpid()]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            used.append(0.0)
            continue
        used.append((int(fields[11]) + int(fields[12])) / tick)
    return used


def command_bodies(command: str, text: str, n: int) -> list[str]:
    return [
        slash_command_body(command, f"{text} #{i}", user_id=f"U0BENCH{i % 500:04d}")
        for i in range(n)
    ]


def fault_run(slack: FakeSlack, database_url: str, notifications: int) -> dict[str, Any]:
    """1,000 notifications through the outbox while 20% of posts get 429 or 503."""
    from freezegun import freeze_time
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401
    from bot.clock import utcnow
    from bot.config import load_settings
    from bot.delivery import ChannelPacer, Post
    from bot.runtime import build_runtime
    from storage.db import make_engine

    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_BASE_URL": slack.base_url,
            "DATABASE_URL": database_url,
        }
    )
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine)
    runtime = build_runtime(settings, engine=engine)
    runtime.outbox.pacer = ChannelPacer(0)  # every notification is a DM to a different person
    slack.reset()
    slack.flaky("chat.postMessage", 0.2, (429, 503), retry_after=0)
    started = time.perf_counter()
    for n in range(notifications):
        post = Post("chat.postMessage", f"U0N{n:07d}", {"text": f"Your question #{n} was answered"})
        runtime.outbox.submit(TEAM, f"fault-run:{n}", post)
    rounds = 0
    while rounds < 40:
        rounds += 1
        with freeze_time(utcnow() + timedelta(minutes=rounds * 30)):  # let every backoff expire
            runtime.outbox.deliver_due(limit=notifications)
        delivered = {
            c.params["channel"] for c in slack.calls_to("chat.postMessage") if c.status == 200
        }
        if len(delivered) == notifications:
            break
    ok_calls = [c for c in slack.calls_to("chat.postMessage") if c.status == 200]
    slack.flaky("chat.postMessage", 0)
    return {
        "notifications": notifications,
        "attempts": len(slack.calls_to("chat.postMessage")),
        "delivered": len({c.params["channel"] for c in ok_calls}),
        "duplicates": len(ok_calls) - len({c.params["channel"] for c in ok_calls}),
        "seconds": round(time.perf_counter() - started, 2),
    }


def reaction_burst(port: int, n: int, concurrency: int) -> Result:
    bodies = [
        event_body(
            reaction_event(
                "eyes", user=f"U0R{i:06d}", item_channel="C0DIGEST01", item_ts=DIGEST_TS
            ),
            team_id=TEAM,
        )
        for i in range(n)
    ]
    return load("reaction_added burst", port, bodies, "application/json", concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000, help="requests per concurrency level")
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs per level, each on fresh connections (which worker gets which keep-alive "
        "connection is chance, and decides much of a run's tail); the summary takes the median",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--warmup", type=int, default=1000, help="unmeasured requests to each server first"
    )
    parser.add_argument("--command", default=os.environ.get("BENCH_COMMAND", "/prospect-question"))
    parser.add_argument("--text", default="Does the platform support SSO with Okta and SCIM?")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument(
        "--seed-db",
        default="",
        help="an existing SQLite file to serve (e.g. 1,000,000 questions "
        "seeded by scripts/bench_questions.py)",
    )
    parser.add_argument("--quick", action="store_true", help="small numbers: a smoke run")
    parser.add_argument(
        "--acks-only",
        action="store_true",
        help="only the command acks (no background drain, reaction burst or fault run)",
    )
    args = parser.parse_args()
    if args.quick:
        args.requests, args.levels, args.runs, args.warmup = 200, "1,8", 1, 100
    levels = [int(x) for x in args.levels.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="lockstep-bench-"))
    seeded = f"sqlite:///{Path(args.seed_db).resolve()}" if args.seed_db else ""
    database_url = seeded or args.database_url or f"sqlite:///{tmp}/bench.db"
    slack_proc, slack_url = start_fake_slack()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_BASE_URL": slack_url,
        "DATABASE_URL": database_url,
        "LOCKSTEP_COMMAND_RATE_PER_MINUTE": "1000000",
        # The stand-in has no per-channel rate limit; with Slack's 1 post/s per channel the
        # background drain would measure only that pacing (every triage post is one channel).
        "LOCKSTEP_POST_INTERVAL": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    seed_digest(engine)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"database: {database_url.split('://')[0]}; command: {args.command}; "
        f"workers: {args.workers}"
    )

    results: list[Result] = []
    # Both servers up at once, their runs interleaved level by level: this shared machine's
    # speed drifts (up to 2x within minutes), and drift must not favour either side. While bare
    # Bolt runs, Lockstep's background process (catching up on the triage posts) is paused.
    bare, bare_port = start_server("scripts.bare_bolt:create()", env, args.workers)
    lockstep, port = start_server("lockstep", env, args.workers)
    name = f"Lockstep {args.command}"
    try:
        # Unmeasured warm-up, the same for both: the first thousand captures of a fresh process
        # also pay for growing SQLite's WAL file and first-use costs, not the ack itself.
        for server_port in (bare_port, port):
            bodies = command_bodies(args.command, f"warm-up: {args.text}", args.warmup)
            load("warm-up", server_port, bodies, FORM, 8)
        for c in [c for _ in range(args.runs) for c in levels]:
            bodies = command_bodies(args.command, args.text, args.requests)
            lockstep.send_signal(signal.SIGSTOP)
            try:
                results.append(
                    measured(
                        bare, lambda c=c, b=bodies: load("bare Bolt ack", bare_port, b, FORM, c)
                    )
                )
            finally:
                lockstep.send_signal(signal.SIGCONT)
            bodies = command_bodies(args.command, args.text, args.requests)
            results.append(measured(lockstep, lambda c=c, b=bodies: load(name, port, b, FORM, c)))
    finally:
        bare.terminate()
        bare.wait(10)
    try:
        commands = args.requests * len(levels) * args.runs + args.warmup
        if not args.acks_only:
            drain = wait_for_triage(database_url, commands, started=time.perf_counter())
            burst = measured(
                lockstep, lambda: reaction_burst(port, 200 if args.quick else 2000, 32)
            )
            results.append(burst)
            time.sleep(1.0)
        peaks = rss_mb(lockstep)
    finally:
        lockstep.terminate()
        lockstep.wait(timeout=60)
    print()
    print(
        f"{'scenario':<34}{'conc':>5}{'reqs':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'>3s':>5}{'err':>5}  split"
    )
    for r in results:
        print(
            f"{r.name:<34}{r.concurrency:>5}{r.requests:>7}{r.rps:>9.0f}{r.pct(50):>9.1f}{r.pct(99):>9.1f}"
            f"{max(r.latencies) * 1000:>9.1f}{r.over_deadline:>5}{r.errors:>5}  "
            + "/".join(str(n) for n in r.split)
        )
    print()
    print(f"median of {args.runs} run(s) per level (worst run's p99 in brackets):")
    for c in levels:
        b = summary([r for r in results if r.name == "bare Bolt ack" and r.concurrency == c])
        ls = summary([r for r in results if r.name == name and r.concurrency == c])
        print(
            f"  {c:>2} concurrent: bare Bolt {b[0]:,.0f} req/s, p99 {b[1]:.1f} ms ({b[2]:.1f}); "
            f"Lockstep {ls[0]:,.0f} req/s, p99 {ls[1]:.1f} ms ({ls[2]:.1f}): "
            f"{ls[0] / b[0]:.0%} of bare Bolt"
        )
    print("CPU ms per request (server processes in pid order, then the load generator):")
    for r in results:
        print(f"  {r.name:<32}{r.concurrency:>4}  " + "  ".join(f"{x:.2f}" for x in r.cpu_ms))
    print(
        f"peak RSS per process (CLI parent with the background worker, gunicorn master, workers): "
        f"{', '.join(f'{p:.0f} MB' for p in peaks)}"
    )
    slack_proc.terminate()
    if args.acks_only:
        return
    print(f"background: {drain}")
    recorded = count_reactions(database_url)
    if recorded is not None:
        print(f"reactions recorded: {recorded} of {burst.requests} distinct events")
    with FakeSlack() as slack:
        fault = fault_run(slack, f"sqlite:///{tmp}/fault.db", 100 if args.quick else 1000)
    print(f"fault run (20% 429/503): {json.dumps(fault)}")
    log = LOG.read_text(errors="replace")
    if "Traceback" in log:
        print(f"server errors (see {LOG}):\n" + log[-3000:])


def summary(runs: list[Result]) -> tuple[float, float, float]:
    """Median throughput, median p99 and worst p99 of the runs of one level."""
    return (
        statistics.median(r.rps for r in runs),
        statistics.median(r.pct(99) for r in runs),
        max(r.pct(99) for r in runs),
    )


def seed_digest(engine: Any) -> None:
    """A posted digest for the reaction burst to react to (reactions elsewhere are ignored)."""
    from sqlmodel import Session

    from bot.clock import utcnow
    from storage import digests, workspaces

    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel="C0TRIAGE01", digest_channel="C0DIGEST01")
        digest = digests.record(session, TEAM, "C0DIGEST01", utcnow(), "bench-digest")
        assert digest.id is not None
        digests.mark_posted(session, digest.id, DIGEST_TS)


def count_reactions(database_url: str) -> int | None:
    """Recorded digest reactions, when the reactions feature is installed."""
    from sqlalchemy import inspect, text

    from storage.db import make_engine

    engine = make_engine(database_url)
    tables = [t for t in inspect(engine).get_table_names() if "reaction" in t]
    if not tables:
        return None
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {tables[0]}")).scalar_one())


if __name__ == "__main__":
    main()
