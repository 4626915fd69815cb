"""The HTTP-mode WSGI application: `/slack/events` for Slack, `/healthz` for load balancers.

Served by gunicorn (`lockstep run --http`); each worker builds its own app and engine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.platform import logs
from bot.platform.background import BackgroundWorker
from bot.platform.config import Settings, load_settings
from bot.system.app import create_app
from storage.db import ping

StartResponse = Callable[..., Any]


def make_wsgi(app: App) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Route Slack traffic to Bolt and answer health checks."""
    slack = SlackRequestHandler(app, path="/slack/events")
    engine = app.lockstep_runtime.engine  # type: ignore[attr-defined]

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            healthy = ping(engine)
            body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"})
            status = "200 OK" if healthy else "503 Service Unavailable"
            data = body.encode()  # with its length: not sent chunked
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
            )
            return [data]
        return slack(environ, start_response)

    return application


LAZY_IN_BACKGROUND = "LOCKSTEP_LAZY_IN_BACKGROUND"


def create_wsgi_app(settings: Settings | None = None) -> Callable[..., Iterable[bytes]]:
    """gunicorn's factory: `bot.system.wsgi:create_wsgi_app()`. Logging as `lockstep run` sets it up
    (level, secrets redacted), in this worker too. Under `lockstep run --http` the lazy
    listeners run in the background process (LOCKSTEP_LAZY_IN_BACKGROUND=1 is set for us);
    served on its own, this worker runs them and the outbox's retries itself (scheduled posts
    need a `lockstep run` somewhere)."""
    settings = settings or load_settings()
    logs.configure(settings.log_level, logs.secrets_of(settings))
    in_background = os.environ.get(LAZY_IN_BACKGROUND) == "1"
    app = create_app(settings, run_lazy_here=not in_background)
    if not in_background:  # served on its own: this worker retries what failed, too
        BackgroundWorker(app.lockstep_runtime.outbox).start()  # type: ignore[attr-defined]
    return make_wsgi(app)
