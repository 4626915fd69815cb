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
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_bolt.lazy_listener.runner import LazyListenerRunner
from slack_bolt.request import BoltRequest
from slack_bolt.util.utils import get_name_for_callable

from bot.ack_yield import AckYield
from bot.delivery import LAZY_METHOD, Outbox, Post
from bot.runtime import Runtime
from storage.ack import FollowUp

log = logging.getLogger(__name__)

# The background process's niceness in HTTP mode: it yields the CPU to the web workers that must
# ack within 3 s, and still gets about a tenth of a busy core (Linux weights nice 10 at 110/1024).
BACKGROUND_NICENESS = 10

# A context key: the lazy function whose run the ack listener already recorded itself.
RECORDED = "lockstep_lazy_recorded"


class OutboxLazyRunner(LazyListenerRunner):
    """Records lazy listener runs in the outbox instead of running them in this process."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.logger = log

    def start(self, function: Any, request: BoltRequest) -> None:
        self.record(request.lazy_function_name or "", request)

    def follow_up(self, name: str, body: dict[str, Any], delivery: str = "") -> FollowUp:
        """The outbox row that runs lazy function `name` for this delivery, once.

        The key names the delivery: `delivery` when the caller has a unique id for it (the
        capture's trigger id), else a digest of the whole body."""
        payload = {"function": name, "body": body}
        if delivery:
            encoded = json.dumps(payload, separators=(",", ":"))
            return FollowUp(f"lazy:{name}:{delivery}", LAZY_METHOD, "-", payload, encoded)
        raw = json.dumps(body, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
        encoded = f'{{"function":{json.dumps(name)},"body":{raw}}}'  # the body encoded once
        return FollowUp(f"lazy:{name}:{digest}", LAZY_METHOD, "-", payload, encoded)

    def record(self, name: str, request: BoltRequest) -> None:
        """One outbox insert, keyed by the delivery's body and the function's name."""
        if request.context.get(RECORDED) == name:
            return  # the listener wrote it in its own transaction (handlers.questions)
        row = self.follow_up(name, request.body)
        team = request.context.team_id or request.context.enterprise_id or ""
        self.outbox.record(team, row.key, Post(row.method, row.channel, row.payload))

    def install(self, app: App, runtime: Runtime) -> None:
        """Make `app` record its lazy runs here, straight from the request in hand.

        Bolt's own path deep-copies the whole request and context (client, settings, ...) for
        a thread that would run the function; a run recorded for another process needs only
        the body, so this skips that copy: half the cost of a `/prospect-question` ack.
        """
        runner = app.listener_runner
        runner.lazy_listener_runner = self
        runtime.lazy_recorder = self
        runtime.captures.checkpoints = False  # the background process does (storage.ack)

        def start_lazy(lazy_func: Callable[..., None], request: BoltRequest) -> None:
            self.record(get_name_for_callable(lazy_func), request)

        runner._start_lazy_function = start_lazy  # type: ignore[method-assign]


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

    # Rows sent between two looks for acks coming in (bot.ack_yield): few, so that they are
    # noticed within a few rows' work (with 10, the background took 0.10 ms of CPU per ack
    # during the benchmark's bursts; with 3, 0.04 ms).
    BATCH = 3

    def __init__(self, outbox: Outbox, idle: float = 0.1) -> None:
        self.outbox = outbox
        self.idle = idle
        self.acks = AckYield(outbox.engine)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lockstep-worker", daemon=True)

    def start(self) -> BackgroundWorker:
        self._thread.start()
        self.outbox.worker_running = self.running
        return self

    def running(self) -> bool:
        """Sending due rows as they come: started, not stopped, its loop alive."""
        return self._thread.is_alive() and not self._stop.is_set()

    def stop(self) -> None:
        """Stop sending (the scheduler shares this outbox) and wait briefly for the loop."""
        self._stop.set()
        self.outbox.stop()
        self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.outbox.deliver_due(limit=self.BATCH)
                if done:
                    self.acks.give_way(self._stop)
            except Exception:  # noqa: BLE001 - logged; the loop must outlive one bad batch
                log.exception("background worker batch failed")
                done = {}
            if not done:
                self._stop.wait(self.idle)
        self.acks.close()


def lower_priority(niceness: int = BACKGROUND_NICENESS) -> None:
    """Run every thread of this process at `niceness` (or nicer), threads started later too.

    On Linux os.nice() changes only the calling thread, and the scheduler and the background
    worker are already running when HTTP mode starts gunicorn: each thread is set here.
    """
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        os.nice(max(0, niceness - os.nice(0)))
        return
    for task in tasks.iterdir():
        tid = int(task.name)
        try:
            current = os.getpriority(os.PRIO_PROCESS, tid)
            os.setpriority(os.PRIO_PROCESS, tid, max(current, niceness))
        except OSError:  # the thread ended meanwhile
            continue
