"""HTTP benchmark: Lockstep as `lockstep run --http` serves it, beside a bare Bolt app.

    .venv/bin/python scripts/bench_http.py --seed-db q1m.db   # the full run, about 4 min
    .venv/bin/python scripts/bench_http.py --quick            # a smoke run, about 30 s

Everything runs on loopback: the fake Slack Web API (bot.standin, in a process of its own),
Lockstep served by `lockstep run --http` (gunicorn workers that ack, plus the parent process whose
background worker runs the follow-ups), and a bare Bolt app that only acks, served by gunicorn
with the same settings. Requests are signed as Slack signs them. It reports:

- the `/prospect-question` ack: Lockstep's throughput as a share of bare Bolt's, p50/p99, at
  1, 8 and 32 concurrent;
- the follow-ups of a capture at 8 concurrent: time from its ack to its triage post
  (chat.postMessage to the triage channel) and to its similar-questions reply (the
  response_url POST), as the fake Slack records their arrival;
- requests over Slack's 3 s, errors, CPU per request, peak RSS, the background backlog.

See docs/benchmarks.md. Prints tables; not a test. Each run works on a copy of --seed-db.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli.commands import gunicorn_command  # noqa: E402
from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.standin.signing import (  # noqa: E402
    event_body,
    reaction_event,
    signed_headers,
    slash_command_body,
)
from bot.system.wsgi import LAZY_IN_BACKGROUND  # noqa: E402
from scripts import bench_questions, loadgen  # noqa: E402

SECRET = "bench-signing-secret-0123456789abcdef"
TOKEN = "xoxb-bench-0000"
TEAM = bench_questions.TEAM  # the team bench_questions.py seeds: captures find its questions
TRIAGE = "C0TRIAGE01"
COMMAND = "/prospect-question"
FORM = "application/x-www-form-urlencoded"
LOG = Path(tempfile.gettempdir()) / "lockstep-bench-server.log"
DIGEST_TS = "1700000100.000600"
DEADLINE = 3.0  # Slack's: an ack later than this is an error the user sees
# A capture's reference, written into its text: its triage post carries the text, so the post
# is matched to the capture (the reply is matched by its response_url instead).
REF = re.compile(r"\(ref (\w+)\)")


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
        return percentile(self.latencies, p) * 1000

    @property
    def over_deadline(self) -> int:
        return sum(1 for x in self.latencies if x > DEADLINE)


def percentile(samples: list[float], p: float) -> float:
    """The nearest-rank percentile; nan for no samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    app_ref: str, env: dict[str, str], workers: int
) -> tuple[subprocess.Popen[bytes], int]:
    """`lockstep` serves Lockstep exactly as `lockstep run --http` does (gunicorn workers plus the
    background process); `lockstep-web` its gunicorn workers alone, as that command starts them;
    anything else is served by gunicorn with the same settings."""
    port = free_port()
    if app_ref == "lockstep":
        cmd = [sys.executable, "-m", "bot.cli", "run", "--http", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]  # fmt: skip
    elif app_ref == "lockstep-web":
        cmd = gunicorn_command("127.0.0.1", port, workers)
        env = {**env, LAZY_IN_BACKGROUND: "1"}  # record follow-ups for a background process
    else:
        cmd = gunicorn_command("127.0.0.1", port, workers, app_ref)
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=LOG.open("ab")
    )
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{app_ref} did not start; see {LOG}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    # Signed warm-up requests for every worker (Bolt's first request does auth.test).
    for _ in range(workers * 4):
        send_once(port, slash_command_body("/lockstep", "help", team_id=TEAM), FORM)
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
    split = ConnectionSplit(port)
    out = load_raw(port, bodies, content_type, concurrency, split)
    result = Result(name, concurrency, len(bodies), out.seconds, out.latencies, out.errors)
    result.split = split.counts()
    return result


def load_raw(
    port: int,
    bodies: list[str],
    content_type: str,
    concurrency: int,
    split: ConnectionSplit | None = None,
) -> loadgen.Outcome:
    requests = []
    for body in bodies:
        raw = body.encode()
        headers = signed_headers(SECRET, raw, content_type=content_type)
        requests.append(loadgen.request_bytes("/slack/events", port, raw, headers))
    timer = threading.Timer(0.3, split.take) if split else None
    if timer:
        timer.start()
    out = loadgen.run(port, requests, concurrency)
    if timer:
        timer.cancel()
        timer.join()  # a sample already started finishes starting `ss`
    return out


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


# ------------------------------------------------------------------ the fake Slack's process
class SlackProcess:
    """The stand-in Slack Web API in a process of its own (the background process's posts must
    not take the load generator's GIL); `new_calls` fetches what it recorded since last time."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.proc = context.Process(target=serve_fake_slack, args=(theirs,), daemon=True)
        self.proc.start()
        self.base_url = str(self.pipe.recv())
        self.root = self.base_url.removesuffix("/api/")
        self.seen = 0
        self.lock = threading.Lock()

    def new_calls(self) -> list[tuple[str, str, str, float, int, str]]:
        """(method, channel, path id, arrival time.time(), status, text) of each new call."""
        with self.lock:
            self.pipe.send(self.seen)
            calls: list[tuple[str, str, str, float, int, str]] = self.pipe.recv()
            self.seen += len(calls)
            return calls

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.join(5)


def serve_fake_slack(pipe: Any) -> None:
    slack = FakeSlack().start()
    pipe.send(slack.base_url)
    while True:
        try:
            since = pipe.recv()
        except EOFError:
            return
        pipe.send(
            [
                (
                    c.method,
                    str(c.params.get("channel", "")),
                    c.path_id or "",
                    c.time,
                    c.status,
                    str(c.params.get("text", ""))[:400],
                )  # fmt: skip
                for c in slack.calls[since:]
            ]
        )


class FollowUps:
    """When each tagged capture's triage post and similar-questions reply reached the fake
    Slack (the first of each), and how many came twice."""

    def __init__(self, slack: SlackProcess) -> None:
        self.slack = slack
        self.triage: dict[str, float] = {}
        self.reply: dict[str, float] = {}
        self.twice: dict[str, int] = {"triage": 0, "reply": 0}
        self.errors = 0  # calls the fake answered with an error
        self.changed = threading.Condition()

    def poll(self) -> None:
        """Read the calls recorded since the last poll."""
        calls = self.slack.new_calls()
        with self.changed:
            for method, channel, path_id, at, status, text in calls:
                self.errors += status != 200
                found = REF.search(text) if method == "chat.postMessage" else None
                if found and channel == TRIAGE:
                    self._note(self.triage, "triage", found.group(1), at)
                elif method == "response_url" and path_id.startswith("fu"):
                    self._note(self.reply, "reply", path_id, at)
            self.changed.notify_all()

    def _note(self, seen: dict[str, float], what: str, tag: str, at: float) -> None:
        if tag in seen:
            self.twice[what] += 1
        else:
            seen[tag] = at

    def watch(self, stop: threading.Event, every: float = 0.01) -> threading.Thread:
        """Poll in a thread until `stop` is set (only while follow-ups are measured: the ack
        runs' load generator keeps its process to itself)."""

        def loop() -> None:
            while not stop.wait(every):
                self.poll()
            self.poll()

        thread = threading.Thread(target=loop, name="follow-up-watch", daemon=True)
        thread.start()
        return thread

    def wait(self, tags: list[str], limit: float) -> None:
        """Until every tag's triage post arrived (its reply is sent before it), or `limit` s."""
        deadline = time.monotonic() + limit
        with self.changed:
            while any(t not in self.triage for t in tags) and time.monotonic() < deadline:
                self.changed.wait(0.05)


@dataclass
class FollowUpRun:
    """The captures of one follow-up measurement: when each was acked (time.time())."""

    name: str
    acked: dict[str, float]
    texts: dict[str, str]
    ack_latencies: list[float]
    errors: int
    seconds: float

    def delays(self, seen: dict[str, float]) -> list[float]:
        return [seen[t] - at for t, at in self.acked.items() if t in seen]


def capture_body(slack: SlackProcess, tag: str, text: str, user: int) -> str:
    """A `/prospect-question` capture whose reply goes to a response_url named `tag`."""
    return slash_command_body(
        COMMAND,
        f"{text} (ref {tag})",
        user_id=f"U0BENCH{user % 500:04d}",
        team_id=TEAM,
        response_url=f"{slack.root}/response/{tag}",
    )


def follow_ups_in_step(
    port: int, slack: SlackProcess, seen: FollowUps, texts: Iterator[str], n: int, clients: int,
    prefix: str, limit: float,
) -> FollowUpRun:  # fmt: skip
    """`clients` reps, each sending a capture, waiting for its triage post, then the next:
    the follow-up's own delay, with at most `clients` captures waiting for the background.
    No capture is sent after `limit` s."""
    deadline = time.monotonic() + limit
    tags = [f"{prefix}{i}" for i in range(n)]
    run = FollowUpRun(f"{clients} reps, each waits", {}, {t: next(texts) for t in tags}, [], 0, 0)
    queue = list(reversed(tags))
    lock = threading.Lock()

    def rep(user: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                if not queue or time.monotonic() > deadline:
                    break
                tag = queue.pop()
            raw = capture_body(slack, tag, run.texts[tag], user).encode()
            started = time.perf_counter()
            conn.request(
                "POST", "/slack/events", raw, signed_headers(SECRET, raw, content_type=FORM)
            )
            response = conn.getresponse()
            response.read()
            with lock:
                run.acked[tag] = time.time()
                run.ack_latencies.append(time.perf_counter() - started)
                run.errors += response.status != 200
            seen.wait([tag], deadline - time.monotonic())
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=rep, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def follow_ups_in_burst(
    port: int, slack: SlackProcess, seen: FollowUps, texts: Iterator[str], n: int,
    concurrency: int, limit: float,
) -> FollowUpRun:  # fmt: skip
    """`n` captures as fast as they are acked (closed loop, `concurrency` connections): the
    follow-ups queue up behind each other in the background process."""
    tags = [f"fub{i}" for i in range(n)]
    texts_by_tag = {t: next(texts) for t in tags}
    bodies = [capture_body(slack, t, texts_by_tag[t], i) for i, t in enumerate(tags)]
    offset = time.time() - time.perf_counter()
    out = load_raw(port, bodies, FORM, concurrency)
    acked = {t: out.finished[i] + offset for i, t in enumerate(tags)}
    seen.wait(tags, limit)
    name = f"{n} at once, {concurrency} conc."
    return FollowUpRun(name, acked, texts_by_tag, out.latencies, out.errors, out.seconds)


def missing_follow_ups(database_url: str, seen: FollowUps, runs: list[FollowUpRun]) -> list[str]:
    """Each capture whose triage post, or whose due reply, never came, with what the database
    says: its question, the triage post's outbox row, its follow-up run's row, and whether it
    has similar questions (a reply is due only then)."""
    from sqlalchemy import text
    from sqlmodel import Session

    from storage import questions as store
    from storage.db import make_engine

    engine = make_engine(database_url)
    found = []
    with Session(engine) as session:
        for run in runs:
            for tag in run.texts:
                if tag in seen.triage and tag in seen.reply:
                    continue
                ref = f"%(ref {tag})%"
                qid = session.execute(
                    text("SELECT id FROM question WHERE team_id = :team AND text LIKE :ref"),
                    {"team": TEAM, "ref": ref},
                ).scalar()
                if qid is None:
                    found.append(f"{tag}: no question stored (acked: {tag in run.acked})")
                    continue
                q = store.get(session, TEAM, int(qid))
                assert q is not None
                similar = store.similar_questions(
                    session, TEAM, q.text, limit=3, exclude_id=q.id, index_first=False
                )
                if tag in seen.triage and not similar:
                    continue  # no reply is due: nothing similar to show
                rows = session.execute(
                    text(
                        "SELECT key, status, attempts, error FROM outbox_message "
                        "WHERE team_id = :team AND (key = :triage OR "
                        "(method = 'bolt.lazy' AND CAST(payload AS TEXT) LIKE :ref))"
                    ),
                    {"team": TEAM, "triage": f"triage:{qid}", "ref": ref},
                ).all()
                outbox = "; ".join(f"{k} {s} after {a} tries ({e})" for k, s, a, e in rows)
                found.append(
                    f"{tag} (question #{qid}): triage post "
                    f"{'seen' if tag in seen.triage else 'MISSING'}, reply "
                    f"{'seen' if tag in seen.reply else 'MISSING'} ({len(similar)} similar now);"
                    f" outbox: {outbox or 'no rows'}"
                )
    engine.dispose()
    return found


def lazy_counts(database_url: str) -> dict[str, int]:
    """Recorded follow-up runs (lazy listener rows in the outbox) by status."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT status, count(*) FROM outbox_message "
                "WHERE method = 'bolt.lazy' GROUP BY status"
            )
        ).all()
    engine.dispose()
    return {str(status): int(n) for status, n in rows}


def drain(database_url: str, limit: float) -> str:
    """Wait up to `limit` s for the background process to run every recorded follow-up; how
    far it got and how fast it went."""
    start = lazy_counts(database_url)
    started = time.perf_counter()
    counts = start
    while time.perf_counter() - started < limit:
        counts = lazy_counts(database_url)
        if not counts.get("pending") and not counts.get("sending"):
            break
        time.sleep(1.0)
    took = time.perf_counter() - started
    done = counts.get("sent", 0) - start.get("sent", 0)
    left = counts.get("pending", 0) + counts.get("sending", 0)
    return (
        f"{counts.get('sent', 0):,} of {sum(counts.values()):,} follow-up runs done, {left:,} "
        f"waiting, {counts.get('failed', 0)} failed, {took:.0f} s after the load "
        f"({done / took:.0f} runs/s while draining)"
    )


# ------------------------------------------------------------------ server processes
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


def command_bodies(slack: SlackProcess, texts: Iterator[str], n: int) -> list[str]:
    """`n` captures, as Slack sends them (each with a response_url; one shared, unmatched)."""
    return [
        slash_command_body(
            COMMAND,
            next(texts),
            user_id=f"U0BENCH{i % 500:04d}",
            team_id=TEAM,
            response_url=f"{slack.root}/response/acks",
        )  # fmt: skip
        for i in range(n)
    ]


def fault_run(slack: FakeSlack, database_url: str, notifications: int) -> dict[str, Any]:
    """Notifications through the outbox while 20% of posts get 429 or 503."""
    from freezegun import freeze_time
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401
    from bot.platform.config import load_settings
    from bot.platform.delivery import ChannelPacer, Post
    from bot.platform.runtime import build_runtime
    from storage.clock import utcnow
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


# ------------------------------------------------------------------ the run
QUICK = {"requests": 300, "runs": 1, "warmup": 100, "step": 24, "burst": 100, "reactions": 200,
         "drain": 10.0, "notifications": 100}  # fmt: skip
NORMAL = {"requests": 3000, "runs": 3, "warmup": 1000, "step": 240, "burst": 400,
          "reactions": 2000, "drain": 60.0, "notifications": 1000}  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small numbers: under a minute")
    parser.add_argument("--requests", type=int, help="acks per run and level (3000; quick 300)")
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument(
        "--runs",
        type=int,
        help="runs per level, each on fresh connections (which worker gets which keep-alive "
        "connection is chance, and decides much of a run's tail); the summary takes the median "
        "(3; quick 1)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--warmup", type=int, help="unmeasured acks to each server first (1000; quick 100)"
    )
    parser.add_argument(
        "--seed-db",
        default="",
        help="a SQLite file seeded by scripts/bench_questions.py (e.g. 1,000,000 questions); "
        "the run works on a copy of it. Without it, --questions are seeded into a fresh file",
    )
    parser.add_argument("--questions", type=int, default=5000, help="seeded without --seed-db")
    parser.add_argument(
        "--acks-only",
        action="store_true",
        help="only the ack runs (no follow-ups, reaction burst, drain or fault run)",
    )
    parser.add_argument(
        "--no-background",
        action="store_true",
        help="the ack alone: Lockstep's gunicorn workers as `lockstep run --http` starts them, "
        "without the parent process, so the follow-ups they record are never run (implies "
        "--acks-only)",
    )
    args = parser.parse_args()
    args.acks_only = args.acks_only or args.no_background
    for name, value in (QUICK if args.quick else NORMAL).items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    return args


def prepare_database(args: argparse.Namespace, tmp: Path) -> str:
    """A copy of the seeded file (each run starts from the same state, with no follow-ups left
    over from an earlier run), or a fresh file seeded with --questions."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    path = tmp / "bench.db"
    url = f"sqlite:///{path}"
    if args.seed_db:
        source = sqlite3.connect(args.seed_db)
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copy must hold every page
        source.close()
        shutil.copyfile(args.seed_db, path)
        upgrade(make_engine(url))
    else:
        bench_questions.seed(url, args.questions)
    seed_digest(make_engine(url))
    return url


def main() -> None:
    args = parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="lockstep-bench-"))
    LOG.write_text("")
    began = time.perf_counter()
    database_url = prepare_database(args, tmp)
    questions = count_questions(database_url)
    slack = SlackProcess()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_BASE_URL": slack.base_url,
        "DATABASE_URL": database_url,
        "LOCKSTEP_COMMAND_RATE_PER_MINUTE": "1000000",
        # The stand-in has no per-channel rate limit; with Slack's 1 post/s per channel the
        # follow-ups would measure only that pacing (every triage post goes to one channel).
        "LOCKSTEP_POST_INTERVAL": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f", load average {os.getloadavg()[0]:.1f} at the start"
    )
    print(
        f"database: SQLite, {questions:,} questions in team {TEAM} "
        f"({'a copy of ' + args.seed_db if args.seed_db else 'seeded now'}); "
        f"workers: {args.workers}; ready in {time.perf_counter() - began:.0f} s"
    )
    texts = bench_questions.question_texts(int(time.time()))
    results: list[Result] = []
    follow_runs: list[FollowUpRun] = []
    seen = FollowUps(slack)
    # Both servers up at once, their runs interleaved level by level: this shared machine's
    # speed drifts, and drift must not favour either side. While bare Bolt runs, Lockstep's
    # parent process (its background worker running follow-ups) is paused.
    bare, bare_port = start_server("scripts.bare_bolt:create()", env, args.workers)
    lockstep, port = start_server(
        "lockstep-web" if args.no_background else "lockstep", env, args.workers
    )
    name = f"Lockstep {COMMAND}" + (", no bg" if args.no_background else "")
    try:
        if not args.acks_only:
            # First, on an empty queue: the follow-ups' own delay, then a burst's.
            stop = threading.Event()
            watcher = seen.watch(stop)
            follow_ups_in_step(port, slack, seen, texts, 16, 8, "fuw", 30)  # warm-up
            follow_runs.append(
                follow_ups_in_step(port, slack, seen, texts, args.step, 8, "fus", 120)
            )
            follow_runs.append(follow_ups_in_burst(port, slack, seen, texts, args.burst, 8, 180))
            stop.set()
            watcher.join()
        # Unmeasured warm-up, the same for both.
        for server_port in (bare_port, port):
            load("warm-up", server_port, command_bodies(slack, texts, args.warmup), FORM, 8)
        for c in [c for _ in range(args.runs) for c in levels]:
            bodies = command_bodies(slack, texts, args.requests)
            lockstep.send_signal(signal.SIGSTOP)
            try:
                results.append(
                    measured(
                        bare, lambda c=c, b=bodies: load("bare Bolt ack", bare_port, b, FORM, c)
                    )
                )
            finally:
                lockstep.send_signal(signal.SIGCONT)
            bodies = command_bodies(slack, texts, args.requests)
            results.append(measured(lockstep, lambda c=c, b=bodies: load(name, port, b, FORM, c)))
    finally:
        bare.terminate()
        bare.wait(10)
    backlog = ""
    try:
        if not args.acks_only:
            results.append(measured(lockstep, lambda: reaction_burst(port, args.reactions, 32)))
            backlog = drain(database_url, args.drain)
        peaks = rss_mb(lockstep)
    finally:
        lockstep.terminate()
        lockstep.wait(timeout=60)
    seen.poll()
    report(args, levels, results, follow_runs, seen, peaks)
    if not args.acks_only:
        print(f"background after the load: {backlog}")
        recorded = count_reactions(database_url)
        print(f"reactions recorded: {recorded} of {args.reactions} distinct events")
        missing = missing_follow_ups(database_url, seen, follow_runs)
        print(f"follow-ups that never came: {len(missing)}")
        for line in missing[:20]:
            print(f"  {line}")
        with FakeSlack() as fake:
            fault = fault_run(fake, f"sqlite:///{tmp}/fault.db", args.notifications)
        print(f"fault run (20% 429/503): {json.dumps(fault)}")
    slack.stop()
    log = LOG.read_text(errors="replace")
    warnings = [line for line in log.splitlines() if re.search(r"WARNING|ERROR|Traceback", line)]
    print(f"server log: {len(warnings)} warning/error lines ({LOG})")
    for line in warnings[:10]:
        print(f"  {line[:200]}")
    print(f"whole run: {time.perf_counter() - began:.0f} s")
    shutil.rmtree(tmp, ignore_errors=True)


def report(
    args: argparse.Namespace, levels: list[int], results: list[Result],
    follow_runs: list[FollowUpRun], seen: FollowUps, peaks: list[float],
) -> None:  # fmt: skip
    print()
    print(
        f"{'scenario':<34}{'conc':>5}{'reqs':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'>3s':>5}{'err':>5}  split"
    )
    for r in results:
        print(
            f"{r.name:<34}{r.concurrency:>5}{r.requests:>7}{r.rps:>9.0f}{r.pct(50):>9.1f}"
            f"{r.pct(99):>9.1f}{max(r.latencies) * 1000:>9.1f}{r.over_deadline:>5}{r.errors:>5}  "
            + "/".join(str(n) for n in r.split)
        )
    print()
    print(f"the ack, median of {args.runs} run(s) per level (worst run's p99 in brackets):")
    print(
        f"  {'conc':>4} {'bare req/s':>11} {'p50':>6} {'p99':>6}   {'Lockstep req/s':>14} "
        f"{'p50':>6} {'p99':>15}   share of bare"
    )
    worst_32 = float("nan")
    for c in levels:
        b = summary([r for r in results if r.name == "bare Bolt ack" and r.concurrency == c])
        ls = summary([r for r in results if r.name.startswith("Lockstep") and r.concurrency == c])
        worst_32 = ls[3] if c == 32 else worst_32
        print(
            f"  {c:>4} {b[0]:>11,.0f} {b[1]:>6.1f} {b[2]:>6.1f}   {ls[0]:>14,.0f} {ls[1]:>6.1f} "
            f"{ls[2]:>6.1f} ({ls[3]:>6.1f})   {ls[0] / b[0]:.0%}"
        )
    if follow_runs:
        print()
        print("follow-ups of a capture, ms from its ack to their arrival at the fake Slack:")
        print(
            f"  {'captures':<24}{'n':>5}{'acks/s':>8}{'triage p50':>12}{'p95':>8}"
            f"{'reply p50':>11}{'p95':>8}{'replies':>9}{'ack p99':>9}"
        )
        for run in follow_runs:
            t, rep = run.delays(seen.triage), run.delays(seen.reply)
            print(
                f"  {run.name:<24}{len(run.acked):>5}{len(run.acked) / run.seconds:>8.0f}"
                f"{percentile(t, 50) * 1000:>12.0f}{percentile(t, 95) * 1000:>8.0f}"
                f"{percentile(rep, 50) * 1000:>11.0f}{percentile(rep, 95) * 1000:>8.0f}"
                f"{len(rep):>9}{percentile(run.ack_latencies, 99) * 1000:>9.1f}"
            )
        print(
            f"  triage posts seen: {sum(len(r.delays(seen.triage)) for r in follow_runs)} of "
            f"{sum(len(r.texts) for r in follow_runs)}; sent twice: {seen.twice['triage']} "
            f"triage posts, {seen.twice['reply']} replies; fake Slack error answers: {seen.errors}"
        )
    over = sum(r.over_deadline for r in results) + sum(
        sum(1 for x in run.ack_latencies if x > DEADLINE) for run in follow_runs
    )
    errors = sum(r.errors for r in results) + sum(run.errors for run in follow_runs)
    total = sum(r.requests for r in results) + sum(len(run.ack_latencies) for run in follow_runs)
    print()
    print(f"requests over {DEADLINE:.0f} s: {over} of {total:,} (errors: {errors})")
    if 32 in levels:
        verdict = "met" if worst_32 < 100 else "NOT met"
        print(f"target ack p99 < 100 ms at 32 concurrent: {verdict} (worst run {worst_32:.1f} ms)")
    print(f"target zero requests over 3 s: {'met' if over == 0 else 'NOT met'}")
    print("CPU ms per request (server processes in pid order, then the load generator):")
    for r in results:
        print(f"  {r.name:<32}{r.concurrency:>4}  " + "  ".join(f"{x:.2f}" for x in r.cpu_ms))
    print(
        f"peak RSS per process (CLI parent with the background worker, gunicorn master, workers): "
        f"{', '.join(f'{p:.0f} MB' for p in peaks)}"
    )


def summary(runs: list[Result]) -> tuple[float, float, float, float]:
    """Median throughput, median p50, median p99 and worst p99 of the runs of one level."""
    return (
        statistics.median(r.rps for r in runs),
        statistics.median(r.pct(50) for r in runs),
        statistics.median(r.pct(99) for r in runs),
        max(r.pct(99) for r in runs),
    )


def seed_digest(engine: Any) -> None:
    """The triage channel, and a posted digest for the reaction burst to react to."""
    from sqlmodel import Session

    from storage import goals_digests as digests
    from storage import workspaces
    from storage.clock import utcnow

    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel=TRIAGE, digest_channel="C0DIGEST01")
        digest = digests.record(session, TEAM, "C0DIGEST01", utcnow(), "bench-digest")
        assert digest.id is not None
        digests.mark_posted(session, digest.id, DIGEST_TS)
    engine.dispose()


def count_questions(database_url: str) -> int:
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        count = int(conn.execute(text("SELECT max(id) FROM question")).scalar_one() or 0)
    engine.dispose()
    return count


def count_reactions(database_url: str) -> int:
    """Recorded digest reactions."""
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        count = int(conn.execute(text("SELECT COUNT(*) FROM digest_reaction")).scalar_one())
    engine.dispose()
    return count


if __name__ == "__main__":
    main()
