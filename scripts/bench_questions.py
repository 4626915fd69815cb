"""Benchmark prospect questions: similar-question search and the `/prospect-question` ack.

    PYTHONPATH=. python scripts/bench_questions.py [--questions 1000000] [--requests 4000]
        [--db seeded.db] [--ack-only]
    PYTHONPATH=. python scripts/bench_questions.py --questions 1000000 --seed-to q1m.db

Seeds N questions (30 % answered) into a fresh SQLite file through the real migrations, in
big transactions; measures `similar_questions` (the capture reply's search, and the `search`
subcommand's answered-only search) in-process; then serves the app with gunicorn
(`lockstep run --http`) against the fake Slack and sends signed `/prospect-question` commands
from 8 concurrent clients, timing each ack. Prints p50/p95(/p99) in milliseconds.
Not a test: it prints numbers (README "Benchmark").
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli.commands import gunicorn_command  # noqa: E402
from bot.system.wsgi import LAZY_IN_BACKGROUND  # noqa: E402
from storage import questions as store  # noqa: E402
from storage import questions_search as search  # noqa: E402
from storage import workspaces  # noqa: E402
from storage.clock import utcnow  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Answer, Question  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.slack_signing import SlackHTTP  # noqa: E402

TEAM = "T0BENCH001"
SECRET = "bench-signing-secret-0123456789abcdef"
TOPICS = [
    "salesforce",
    "hubspot",
    "pipedrive",
    "zendesk",
    "slack",
    "teams",
    "okta",
    "azure",
    "sso",
    "saml",
    "scim",
    "api",
    "webhook",
    "pricing",
    "discount",
    "seats",
    "license",
    "contract",
    "renewal",
    "trial",
    "sandbox",
    "onboarding",
    "migration",
    "import",
    "export",
    "csv",
    "gdpr",
    "hipaa",
    "soc2",
    "iso27001",
    "encryption",
    "audit",
    "logs",
    "retention",
    "backup",
    "uptime",
    "sla",
    "latency",
    "support",
    "phone",
    "chat",
    "training",
    "roadmap",
    "mobile",
    "android",
    "ios",
    "offline",
    "integration",
    "reporting",
    "dashboard",
    "analytics",
    "forecast",
    "quota",
    "territory",
    "commission",
    "invoice",
    "billing",
    "currency",
    "tax",
    "procurement",
    "security",
    "review",
    "questionnaire",
    "pentest",
    "dpa",
    "residency",
    "region",
    "europe",
    "canada",
    "australia",
    "onprem",
    "cloud",
    "aws",
    "gcp",
    "kubernetes",
    "permissions",
    "roles",
    "approval",
    "workflow",
    "automation",
    "email",
    "calendar",
    "gmail",
    "outlook",
    "linkedin",
    "enrichment",
    "dedupe",
]
FRAMES = (
    "Do you integrate with {a} and {b}?",
    "How does {a} work for {b} customers in {c}?",
    "Is there a {a} option for {b}?",
    "Can we use {a} with {b} during the {c} phase?",
    "What is your policy on {a} and {b}?",
    "Does the {a} plan include {b} and {c}?",
    "How long does {a} take for a {b} team?",
    "Who handles {a} when {b} fails?",
)


def vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    """Domain words first, then a long tail of made-up words; Zipf weights (1/rank)."""
    syllables = ["ka", "lo", "mi", "ter", "van", "dor", "pix", "sul", "ren", "bro", "quo", "zen"]
    tail = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size * 2)}
    words = TOPICS + sorted(tail - set(TOPICS))[: size - len(TOPICS)]
    return words, [1 / (rank + 1) for rank in range(len(words))]


def question_texts(seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    words, weights = vocabulary(random.Random(0))
    cumulative = list(itertools.accumulate(weights))  # what choices() sums on every call
    while True:
        a, b, c, d, e = rng.choices(words, cum_weights=cumulative, k=5)
        yield rng.choice(FRAMES).format(a=a, b=b, c=c) + f" The prospect mentioned {d} {e}."


def seed(url: str, count: int, batch: int = 50_000) -> None:
    engine = make_engine(url)
    upgrade(engine)
    texts = question_texts(1)
    now = utcnow()
    rng = random.Random(2)
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel="C0TRIAGE01")
    for start in range(1, count + 1, batch):
        ids = range(start, min(start + batch, count + 1))
        questions, answers = [], []
        for qid in ids:
            answered = rng.random() < 0.3
            created = now - timedelta(minutes=count - qid)
            questions.append(
                {
                    "id": qid,
                    "team_id": TEAM,
                    "capture_key": f"seed:{qid}",
                    "asker_id": f"U{qid % 500:09d}",
                    "text": next(texts),
                    "status": "answered" if answered else "open",
                    "version": 0,
                    "created_at": created,
                    "updated_at": created,
                    "answered_at": created + timedelta(hours=3) if answered else None,
                    "triage_channel": "C0TRIAGE01",
                }
            )
            if answered:
                answers.append(
                    {
                        "team_id": TEAM,
                        "question_id": qid,
                        "answerer_id": "U0MKT00001",
                        "text": f"Yes: see the {next(texts)[:60]} guide.",
                        "delivery_key": f"seed:{qid}",
                        "created_at": created + timedelta(hours=3),
                    }
                )
        with engine.begin() as conn:  # one transaction per batch
            conn.execute(insert(Question.__table__), questions)  # type: ignore[attr-defined]
            conn.execute(insert(Answer.__table__), answers)  # type: ignore[attr-defined]
        print(f"  seeded {ids[-1]:>9,} questions", end="\r", flush=True)
    print()
    started = time.perf_counter()
    search.index_pending(engine)  # what the first search would otherwise do
    print(f"  indexed for search in {time.perf_counter() - started:.0f} s")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA optimize") if engine.dialect.name == "sqlite" else None
    engine.dispose()


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(samples)}


def show(name: str, samples: list[float]) -> None:
    p = percentiles(samples)
    print(
        f"{name:<44} n={len(samples):>5}  p50 {p['p50']:6.2f} ms  p95 {p['p95']:6.2f} ms  "
        f"p99 {p['p99']:6.2f} ms  max {p['max']:7.2f} ms"
    )


def time_search(url: str, runs: int) -> None:
    engine = make_engine(url)
    texts = question_texts(99)
    for answered_only, limit, name in (
        (False, 3, "similar_questions (capture reply)"),
        (True, 5, "similar_questions answered_only (search)"),
    ):
        samples = []
        with Session(engine) as session:
            for _ in range(runs):
                text = next(texts)
                started = time.perf_counter()
                store.similar_questions(session, TEAM, text, limit, answered_only)
                samples.append((time.perf_counter() - started) * 1000)
        show(name, samples)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the HTTP server exited; see its output above")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the HTTP server did not become healthy within 60 s")


def server_command(port: int, ack_only: bool) -> tuple[list[str], dict[str, str]]:
    """`lockstep run --http` (gunicorn, 2 workers, and the parent process whose background
    worker runs the follow-ups), or for --ack-only its gunicorn alone: the workers record each
    capture's follow-up as they always do, and no process runs it (so the ack's own cost shows
    apart from the CPU and write locks the follow-ups take)."""
    if not ack_only:
        cmd = [sys.executable, "-m", "bot.cli", "run", "--http", "--no-scheduler"]
        return cmd + ["--host", "127.0.0.1", "--port", str(port)], {}
    return gunicorn_command("127.0.0.1", port, 2), {LAZY_IN_BACKGROUND: "1"}


def time_acks(url: str, requests: int, concurrency: int, ack_only: bool = False) -> None:
    port = free_port()
    cmd, extra_env = server_command(port, ack_only)
    with FakeSlack() as slack:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": "xoxb-bench-not-a-real-token",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_BASE_URL": slack.base_url,
            "DATABASE_URL": url,
            "LOCKSTEP_ADMINS": "U0ADMIN001",
            "LOCKSTEP_COMMAND_RATE_PER_MINUTE": "1000000",  # one simulated user sends them all
            "LOG_LEVEL": "WARNING",
            **extra_env,
        }
        if ack_only:
            upgrade(make_engine(url))  # `lockstep run` migrates; gunicorn alone does not
        server = subprocess.Popen(cmd, env=env, cwd=ROOT)
        try:
            wait_healthy(port, server)
            client = SlackHTTP(f"http://127.0.0.1:{port}", SECRET)
            texts = question_texts(7)
            lock = threading.Lock()
            samples: list[float] = []
            errors = []

            def one(text: str) -> None:
                started = time.perf_counter()
                url = slack.new_response_url()  # the lazy listener's similar questions
                status, body = client.command(
                    "/prospect-question", text, team_id=TEAM, response_url=url
                )
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == 200 and "Logged your question" in str(body):
                        samples.append(elapsed)
                    else:
                        errors.append(status)

            run_concurrently(one, [next(texts) for _ in range(50)], concurrency)  # warm up
            samples.clear()
            started = time.perf_counter()
            run_concurrently(one, [next(texts) for _ in range(requests)], concurrency)
            rate = requests / (time.perf_counter() - started)
            what = " (follow-ups off)" if ack_only else ""
            show(f"/prospect-question ack over HTTP{what}, {concurrency} concurrent", samples)
            print(f"  {rate:.0f} requests/s")
            posted = len(slack.calls_to("chat.postMessage"))
            similar = len(slack.responses())
            print(
                f"  errors: {len(errors)}; follow-ups made by the time the last ack came: "
                f"{posted} triage posts, {similar} similar-question replies"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


def run_concurrently(work: Callable[[str], None], items: list[str], concurrency: int) -> None:
    queue = list(reversed(items))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            work(item)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--db", help="reuse a seeded SQLite file instead of seeding a new one")
    parser.add_argument(
        "--seed-to", help="seed --questions into this new SQLite file and stop (bench_http.py)"
    )
    parser.add_argument(
        "--ack-only", action="store_true", help="also time acks with the follow-ups off"
    )
    args = parser.parse_args()
    if args.seed_to:
        if Path(args.seed_to).exists():
            raise SystemExit(f"{args.seed_to} exists; seeding needs a new file")
        started = time.perf_counter()
        seed(f"sqlite:///{Path(args.seed_to).resolve()}", args.questions)
        print(f"seeded {args.questions:,} questions in {time.perf_counter() - started:.0f} s")
        return
    if args.db:
        url = f"sqlite:///{args.db}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='lockstep-bench-')}/bench.db"
        started = time.perf_counter()
        seed(url, args.questions)
        print(
            f"seeded {args.questions:,} questions in {time.perf_counter() - started:.0f} s ({url})"
        )
    time_search(url, args.searches)
    time_acks(url, args.requests, args.concurrency)
    if args.ack_only:
        time_acks(url, args.requests, args.concurrency, ack_only=True)


if __name__ == "__main__":
    main()
