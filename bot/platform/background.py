"""Lazy listeners as durable jobs, and the worker that runs the queue.

Bolt hands every lazy listener to a LazyListenerRunner. Ours records the run in the outbox under
a key per Slack delivery and function (so a retried delivery runs it once), then, where this
process runs jobs, starts it at once. `run_lazy` dispatches the recorded request again to an app
with Bolt's lazy-only headers (the way Bolt's AWS Lambda adapter runs lazy listeners in another
process): only that lazy function runs, with the arguments it would have had. Unlike Bolt's own
runner, an exception reaches the outbox, which retries the run with backoff and marks it sent
only once it completed. In HTTP mode the gunicorn workers only record; the `lockstep run --http`
parent process runs the queue.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.lazy_listener.runner import LazyListenerRunner
from slack_bolt.request import BoltRequest
from slack_bolt.util.utils import get_arg_names_of_callable
from sqlalchemy.engine import Connection

from bot.platform.delivery import LAZY_METHOD, LEASE, LazyRunFailed, Outbox
from storage import outbox as store
from storage import questions_search as search

log = logging.getLogger(__name__)

# Request context keys: the exception a lazy function raised, and that it ran (run_lazy).
FAILED = "lockstep_lazy_error"
RAN = "lockstep_lazy_ran"
# A request context key: this dispatch is a recorded lazy run (run_lazy), not Slack's delivery.
LAZY_RUN = "lockstep_lazy_run"
# A request context key: what the ack listener did, for its lazy follow-up to act on (a short
# string; recorded with the run, so the follow-up sees it in whatever process runs it).
NOTE = "lockstep_note"


def lazy_key(name: str, body: dict[str, Any]) -> str:
    """The outbox key of lazy function `name`'s run for this Slack delivery: its event id or
    trigger id, which Slack keeps when it delivers the same request again; else its body."""
    delivery = body.get("event_id") or body.get("trigger_id")
    if not delivery:
        raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
        delivery = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"lazy:{name}:{delivery}"


# A request context key: the ack listener failed (bot.system.app), so its follow-ups are not
# run (the same delivery again, once it succeeds, records and runs them).
ACK_FAILED = "lockstep_ack_failed"
# A request context key an ack listener sets when its reply changed nothing (help, a search, a
# usage message): its follow-ups would do nothing, so none is recorded (no write in that ack).
NO_FOLLOW_UP = "lockstep_no_follow_up"
# A request context key: the runs the ack listener recorded itself, {function: (id, key)}.
RECORDED = "lockstep_recorded"


def record_lazy(
    conn: Connection,
    context: BoltContext,
    team_id: str,
    name: str,
    body: dict[str, Any],
    note: str | None = None,
) -> None:
    """Record the run of lazy function `name` in the caller's transaction: an ack listener
    that writes calls this, so its write and its follow-up commit together (Bolt's call of
    QueueLazyRunner.start after the ack then runs it, and records nothing more)."""
    outbox: Outbox = context["outbox"]
    row_id, created = _record(conn, outbox, team_id, name, body, note)
    context[NOTE] = note
    if created:
        context.setdefault(RECORDED, {})[name] = (row_id, lazy_key(name, body))


def _record(
    conn: Connection, outbox: Outbox, team_id: str, name: str, body: dict[str, Any],
    note: str | None,
) -> tuple[int, bool]:  # fmt: skip
    """The row of a lazy run: born claimed by this process when it runs lazy work itself
    (so the background worker does not take it from under the run starting now)."""
    # The legacy verification token Slack puts in every body is a credential: not stored.
    kept = {k: v for k, v in body.items() if k != "token"}
    payload = {"function": name, "body": kept, "note": note}
    claim = LEASE if outbox.lazy_handler is not None else None
    key = lazy_key(name, body)
    return store.record(conn, team_id, key, LAZY_METHOD, "-", payload, claimed_for=claim)


def team_of(request: BoltRequest) -> str:
    return request.context.team_id or request.context.enterprise_id or ""


class QueueLazyRunner(LazyListenerRunner):
    """Records lazy listener runs in the outbox; runs them so that failures are retried."""

    def __init__(self, outbox: Outbox, executor: Executor | None) -> None:
        self.outbox = outbox
        self.executor = executor  # None in web workers: the background process runs the queue
        self.logger = log

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        if request.context.get(ACK_FAILED) or request.context.get(NO_FOLLOW_UP):
            return
        name = request.lazy_function_name or function.__name__
        recorded = (request.context.get(RECORDED) or {}).get(name)
        if recorded is not None:  # the ack listener recorded it, with its write
            row_id, key = recorded
            ours = True
        else:
            key = lazy_key(name, request.body)
            with self.outbox.engine.begin() as conn:  # once per delivery: a retry adds none
                note = request.context.get(NOTE)
                row_id, ours = _record(conn, self.outbox, team_of(request), name, request.body,
                                       note)  # fmt: skip
        if ours and self.executor is not None:
            self.executor.submit(self._run, row_id, key)

    def _run(self, row_id: int, key: str) -> None:
        try:
            self.outbox.run_claimed(row_id, key)
        except Exception:  # noqa: BLE001 - the row stays claimed; its lease ends, it is retried
            log.exception("running outbox row %s failed", row_id)

    def run(self, function: Callable[..., None], request: BoltRequest) -> None:
        """Run `function` now; what it raises is kept for run_lazy (Bolt's own wrapper would
        only log it)."""
        kwargs = build_required_kwargs(
            logger=self.logger,
            required_arg_names=get_arg_names_of_callable(function),
            request=request,
            response=None,
            this_func=function,
        )
        try:
            function(**kwargs)
        except Exception as exc:  # noqa: BLE001 - handed to run_lazy, which raises it
            request.context[FAILED] = exc
        request.context[RAN] = True


def install(app: App, outbox: Outbox, *, run_here: bool) -> QueueLazyRunner:
    """Make `app` record its lazy runs in `outbox`; with `run_here`, this process runs them."""
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lockstep-lazy")
    runner = QueueLazyRunner(outbox, executor if run_here else None)
    app.listener_runner.lazy_listener_runner = runner
    if run_here:
        outbox.lazy_handler = lambda payload: run_lazy(app, payload)
    return runner


def run_lazy(app: App, payload: dict[str, Any]) -> None:
    """Run one recorded lazy listener in this process; raises when it did not complete."""
    headers = {
        "x-slack-bolt-lazy-only": "1",
        "x-slack-bolt-lazy-function-name": payload["function"],
    }
    # The request was verified when it arrived; socket_mode skips the (now stale) signature.
    context: dict[str, Any] = {LAZY_RUN: True}
    if payload.get("note"):
        context[NOTE] = payload["note"]
    request = BoltRequest(
        body=payload["body"], headers=headers, context=context, mode="socket_mode"
    )
    response = app.dispatch(request)
    error = request.context.get(FAILED)
    if isinstance(error, Exception):
        raise error
    if not request.context.get(RAN):  # no listener took it, or a middleware answered first
        raise LazyRunFailed(f"{payload['function']} did not run: Bolt answered {response.status}")


class BackgroundWorker:
    """A loop that sends due outbox rows - posts and lazy listener runs - as soon as they are
    recorded in this process, and retries when they come due (the scheduler's outbox job
    stands by while it runs)."""

    def __init__(self, outbox: Outbox, idle: float = 0.25) -> None:
        self.outbox = outbox
        self.idle = idle  # rows recorded by other processes are seen within this long
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
            self.outbox.wake.clear()
            try:
                done = self.outbox.deliver_due(limit=20)
                if not done:  # idle: questions captured since are made searchable (one read
                    search.index_pending(self.outbox.engine)  # when there are none)
            except Exception:  # noqa: BLE001 - logged; the loop must outlive one bad batch
                log.exception("background worker batch failed")
                done = {}
            if not done:
                self.outbox.wake.wait(self.idle)
