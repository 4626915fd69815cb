"""CPU per `/prospect-question` ack, in-process: the web worker's WSGI app, one thread, no HTTP.

    PYTHONPATH=. .venv/bin/python scripts/profile_ack.py [--acks 2000] [--what-if home,copy]

Builds the app as `lockstep run --http` builds a web worker's (follow-ups recorded in the outbox,
not run), seeds 5,000 questions, sends 300 unmeasured captures and then `--acks` measured ones,
and prints the process's CPU time per ack (building and signing each request included; the
figure for that alone is printed too).

`--what-if` measures what two costs weigh by removing them for this run only, by patching:
`home` the Home tab's refresh look-up after every action (`handlers/home.py` HomeRefresher.after),
`copy` Bolt's copy of the request for its lazy listener (a private Bolt method). Neither patch is
how Lockstep runs; docs/benchmarks.md says why neither saving is kept.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.standin.signing import signed_headers, slash_command_body  # noqa: E402
from scripts import bench_questions  # noqa: E402
from scripts.bench_http import COMMAND, SECRET, TEAM, TOKEN, seed_digest  # noqa: E402
from storage.db import make_engine  # noqa: E402


def what_if(removed: set[str]) -> None:
    if "home" in removed:
        import handlers.home

        handlers.home.HomeRefresher.after = lambda self, body, context: None  # type: ignore[method-assign]
    if "copy" in removed:
        from slack_bolt.listener.thread_runner import ThreadListenerRunner

        def no_copy(self: Any, request: Any, name: str) -> Any:
            request.lazy_only, request.lazy_function_name = True, name
            return request

        ThreadListenerRunner._build_lazy_request = no_copy  # type: ignore[method-assign,assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--acks", type=int, default=2000)
    parser.add_argument("--what-if", default="", help="comma-separated: home, copy")
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='lockstep-profile-')) / 'ack.db'}"
    bench_questions.seed(url, 5000)
    seed_digest(make_engine(url))
    slack = FakeSlack().start()
    os.environ.update(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_BASE_URL=slack.base_url,
        DATABASE_URL=url,
        LOCKSTEP_COMMAND_RATE_PER_MINUTE="1000000",
        LOG_LEVEL="WARNING",
        LOCKSTEP_LAZY_IN_BACKGROUND="1",  # a web worker: follow-ups recorded, not run
    )
    what_if({w.strip() for w in args.what_if.split(",") if w.strip()})
    from bot.system.wsgi import create_wsgi_app

    app = create_wsgi_app()
    texts = bench_questions.question_texts(1)

    def body(n: int) -> str:
        return slash_command_body(
            COMMAND,
            f"{next(texts)} (ref {n})",
            user_id=f"U0BENCH{n % 500:04d}",
            team_id=TEAM,
            response_url=f"{slack.base_url}/response/p{n}",
        )

    def ack(n: int) -> None:
        raw = body(n).encode()
        headers = signed_headers(SECRET, raw)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": headers["Content-Type"],
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
        }
        environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        status: list[str] = []
        b"".join(app(environ, lambda s, h, *a: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"ack {n} answered {status[0]}")

    for n in range(300):
        ack(n)
    time.sleep(0.5)  # the Home refreshes of the warm-up finish first
    cpu = time.process_time()
    for n in range(args.acks):
        ack(1000 + n)
    time.sleep(0.5)  # and those of the measured acks are counted
    per_ack = (time.process_time() - cpu) / args.acks * 1000
    cpu = time.process_time()
    for n in range(args.acks):
        signed_headers(SECRET, body(n))
    building = (time.process_time() - cpu) / args.acks * 1000
    removed = args.what_if or "nothing"
    print(f"CPU per ack: {per_ack:.2f} ms over {args.acks} acks, removed for this run: {removed}")
    print(f"  (of which building and signing the request: {building:.2f} ms)")
    slack.stop()


if __name__ == "__main__":
    main()
