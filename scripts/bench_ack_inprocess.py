"""The `/prospect-question` ack in-process: the WSGI app called directly, one thread, no server.

    .venv/bin/python scripts/bench_ack_inprocess.py              # 3 rounds of 3,000 acks each
    .venv/bin/python scripts/bench_ack_inprocess.py --profile    # then cProfile one round

What an ack costs in Python and SQLite alone, next to a bare Bolt app that only acks
(scripts/bare_bolt.py), both built as a gunicorn worker builds them (bot.wsgi, lazy listeners
recorded for the background process) on a fresh SQLite file. HTTP, threads and other processes
are left out: scripts/bench_http.py measures those. Prints numbers; not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bot.standin.fake_slack import FakeSlack  # noqa: E402
from bot.standin.signing import signed_headers, slash_command_body  # noqa: E402

SECRET = "bench-signing-secret"
TEAM = "T0FAKE0001"
FORM = "application/x-www-form-urlencoded"
WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def environs(n: int, tag: str) -> list[dict[str, Any]]:
    """`n` signed `/prospect-question` requests as WSGI environs (signed before timing)."""
    out = []
    for i in range(n):
        text = f"Does it support SSO with Okta? {tag} #{i}"
        body = slash_command_body("/prospect-question", text, user_id=f"U0B{i % 500:04d}")
        raw = body.encode()
        env: dict[str, Any] = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "CONTENT_TYPE": FORM, "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
        }  # fmt: skip
        for name, value in signed_headers(SECRET, raw, content_type=FORM).items():
            if name.lower() not in ("content-type", "content-length"):
                env["HTTP_" + name.upper().replace("-", "_")] = value
        out.append(env)
    return out


def run(app: WsgiApp, envs: list[dict[str, Any]]) -> float:
    """Microseconds of CPU per request."""

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"answered {status}")

    started = time.process_time()
    for env in envs:
        b"".join(app(env, start_response))
    return (time.process_time() - started) / len(envs) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one Lockstep round")
    args = parser.parse_args()

    slack = FakeSlack().start()
    database = Path(tempfile.mkdtemp(prefix="lockstep-bench-")) / "ack.db"
    os.environ.update({
        "SLACK_BOT_TOKEN": "xoxb-bench-not-a-real-token", "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_BASE_URL": slack.base_url, "DATABASE_URL": f"sqlite:///{database}",
        "LOCKSTEP_COMMAND_RATE_PER_MINUTE": "1000000", "LOG_LEVEL": "ERROR",
        "LOCKSTEP_LAZY_IN_BACKGROUND": "1",
    })  # fmt: skip
    import bare_bolt
    from sqlmodel import Session

    from bot.wsgi import create_wsgi_app
    from storage import workspaces
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel="C0TRIAGE01")
    apps: dict[str, WsgiApp] = {"bare Bolt": bare_bolt.create(), "Lockstep": create_wsgi_app()}
    for name, app in apps.items():
        run(app, environs(300, f"warm-up {name}"))
    print(f"CPU per /prospect-question ack, {args.requests:,} requests a round (us):")
    for n in range(args.rounds):
        figures = {
            name: run(app, environs(args.requests, f"{name} {n}")) for name, app in apps.items()
        }
        print("  " + "   ".join(f"{name} {us:6.1f}" for name, us in figures.items()))
    if args.profile:
        envs = environs(args.requests, "profile")
        profile = cProfile.Profile()
        profile.enable()
        run(apps["Lockstep"], envs)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    slack.stop()


if __name__ == "__main__":
    main()
