"""HTTP mode: web workers only ack; lazy listeners run in the background process.

Bolt hands every lazy listener to a LazyListenerRunner. In gunicorn workers ours records the
run in the outbox (unique key per Slack delivery and function, so a retried delivery runs it
once) and returns at once. The `lockstep run --http` parent process - reniced, off the request
path - claims those rows like any other post and re-dispatches the original request to its own
app with Bolt's lazy-only headers (the way Bolt's AWS Lambda adapter runs lazy listeners in
another process): only that lazy function runs, with the same arguments it would have had.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from typing import Any

from slack_bolt import App
from slack_bolt.lazy_listener.runner import LazyListenerRunner
from slack_bolt.request import BoltRequest

from bot.delivery import LAZY_METHOD, Outbox, Post

log = logging.getLogger(__name__)


class OutboxLazyRunner(LazyListenerRunner):
    """Records lazy listener runs in the outbox instead of running them in this process."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.logger = log

    def start(self, function: Any, request: BoltRequest) -> None:
        name = request.lazy_function_name or ""
        body = json.dumps(request.body, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(body.encode()).hexdigest()[:32]
        team = request.context.team_id or request.context.enterprise_id or ""
        payload = {"function": name, "body": request.body}
        self.outbox.submit(team, f"lazy:{name}:{digest}", Post(LAZY_METHOD, "-", payload),
                           send_now=False)  # fmt: skip


def run_lazy(app: App, payload: dict[str, Any]) -> None:
    """Run one recorded lazy listener, in this process, with Bolt's lazy-only dispatch."""
    headers = {
        "x-slack-bolt-lazy-only": "1",
        "x-slack-bolt-lazy-function-name": payload["function"],
    }
    # The request was verified when it arrived; socket_mode skips the (now stale) signature.
    app.dispatch(BoltRequest(body=payload["body"], headers=headers, mode="socket_mode"))


class BackgroundWorker:
    """A loop that sends due outbox rows - posts and lazy listener runs - soon after they are
    recorded (the scheduler's outbox job remains the safety net)."""

    def __init__(self, outbox: Outbox, idle: float = 0.1) -> None:
        self.outbox = outbox
        self.idle = idle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lockstep-worker", daemon=True)

    def start(self) -> BackgroundWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sending (the scheduler shares this outbox) and wait briefly for the loop."""
        self._stop.set()
        self.outbox.stop()
        self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.outbox.deliver_due(limit=50)
            except Exception:  # noqa: BLE001 - logged; the loop must outlive one bad batch
                log.exception("background worker batch failed")
                done = {}
            if not done:
                self._stop.wait(self.idle)
