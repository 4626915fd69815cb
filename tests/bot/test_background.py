"""HTTP mode's split: web workers ack and record lazy work; the background process runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.app import create_app
from bot.background import BackgroundWorker, run_lazy
from bot.config import Settings
from bot.delivery import LAZY_METHOD, ChannelPacer
from bot.runtime import Runtime, build_runtime
from bot.wsgi import make_wsgi
from storage import intake
from storage.models import OutboxMessage
from tests.conftest import SIGNING_SECRET, _QuietHandler, _ThreadingWSGIServer
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import REP, TRIAGE, ask, setup_team
from tests.slack_signing import SlackHTTP, slash_command_body


@pytest.fixture
def web(settings: Settings, engine: Engine) -> Iterator[SlackHTTP]:
    """A gunicorn-like web worker: the real app with lazy listeners recorded, not run."""
    from wsgiref.simple_server import make_server

    runtime = build_runtime(settings, engine=engine)
    app = create_app(settings, runtime=runtime, lazy_in_background=True)
    server = make_server("127.0.0.1", 0, make_wsgi(app), _ThreadingWSGIServer, _QuietHandler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    yield SlackHTTP(f"http://127.0.0.1:{server.server_port}", SIGNING_SECRET)
    server.shutdown()
    server.server_close()


@pytest.fixture
def background(settings: Settings, engine: Engine) -> Runtime:
    """The `lockstep run --http` parent: its own app and runtime, running recorded lazy work."""
    runtime = build_runtime(settings, engine=engine)
    runtime.outbox.pacer = ChannelPacer(0)
    runtime.outbox.lazy_handler = partial(run_lazy, create_app(settings, runtime=runtime))
    return runtime


def lazy_rows(engine: Engine) -> list[OutboxMessage]:
    intake.promote(engine)  # what the next deliver_due would do first (storage.intake)
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.method == LAZY_METHOD)))


def test_web_worker_acks_and_background_runs_the_lazy_work(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    body = ask(web, "Do you support SSO with Okta?", response_url=slack.new_response_url())
    assert "#1" in str(body) or "1" in body["text"]
    assert [r.status for r in lazy_rows(engine)] == ["pending"]
    assert slack.calls_to("chat.postMessage") == []  # nothing slow happened in the web worker
    assert background.outbox.deliver_due() == {"sent": 1}  # the lazy run (it posts to triage)
    post = slack.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == TRIAGE)[0]
    assert "Okta" in str(post.params.get("blocks"))
    assert background.outbox.deliver_due() == {}


def test_a_retried_delivery_records_the_lazy_work_once(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    raw = slash_command_body(
        "/prospect-question", "Is there an EU data center?", user_id=REP, trigger_id="111.222.abc"
    )
    for _ in range(2):
        assert web.post("/slack/events", raw, "application/x-www-form-urlencoded")[0] == 200
    assert len(lazy_rows(engine)) == 1
    background.outbox.deliver_due()
    background.outbox.deliver_due()
    triage = [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == TRIAGE]
    assert len(triage) == 1


def test_the_background_worker_loop_picks_work_up(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    worker = BackgroundWorker(background.outbox, idle=0.02).start()
    try:
        ask(web, "Can we export audit logs to Splunk?")
        slack.wait_for("chat.postMessage", where=lambda c: c.params.get("channel") == TRIAGE)
    finally:
        worker.stop()


def test_commands_over_the_rate_limit_still_get_their_lazy_work_run(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    for n in range(20):  # the background app has its own limiter: lazy runs must not count
        ask(web, f"Question number {n} about pricing tiers?", user=REP)
    background.outbox.deliver_due(limit=100)
    background.outbox.deliver_due(limit=100)
    triage = [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == TRIAGE]
    assert len(triage) == 20


PRIORITIES = """
import os, threading
from bot.background import lower_priority

def niceness():
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

seen, go = {}, threading.Event()

def before():
    go.wait()
    seen["before"] = niceness()

early = threading.Thread(target=before)
early.start()
lower_priority(7)
go.set()
early.join()
late = threading.Thread(target=lambda: seen.update(after=niceness()))
late.start()
late.join()
print(niceness(), seen["before"], seen["after"])
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_lower_priority_reaches_threads_already_running_and_later_ones() -> None:
    """os.nice() alone would leave the scheduler and worker threads at the normal priority."""
    out = subprocess.run(
        [sys.executable, "-c", PRIORITIES], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert out.stdout.split() == ["7", "7", "7"]


def test_a_follow_up_carries_its_payload_encoded_once_and_keyed_by_the_delivery() -> None:
    from bot.background import OutboxLazyRunner

    runner = OutboxLazyRunner(outbox=None)  # type: ignore[arg-type]  # follow_up needs none
    body = {"command": "/prospect-question", "text": 'Is "SSO" <b>&</b> ünïcode ok?', "n": 1}
    row = runner.follow_up("after_command", body)
    assert row.encoded is not None
    assert json.loads(row.encoded) == row.payload == {"function": "after_command", "body": body}
    assert runner.follow_up("after_command", dict(reversed(body.items()))).key == row.key
    assert runner.follow_up("after_command", {**body, "n": 2}).key != row.key
    assert runner.follow_up("other", body).key != row.key


def test_a_follow_up_with_a_delivery_id_is_keyed_by_it() -> None:
    from bot.background import OutboxLazyRunner

    runner = OutboxLazyRunner(outbox=None)  # type: ignore[arg-type]  # follow_up needs none
    body = {"command": "/prospect-question", "text": "SSO <!channel>?", "trigger_id": "1.2.ab"}
    row = runner.follow_up("after_command", body, delivery="trigger:1.2.ab")
    assert row.key == "lazy:after_command:trigger:1.2.ab"
    assert row.encoded is not None
    assert json.loads(row.encoded) == row.payload == {"function": "after_command", "body": body}


def test_the_scheduled_outbox_job_stands_by_while_the_background_worker_runs(
    background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """The job sent up to 200 rows without giving way to acks; the worker gives way."""
    from bot import jobs
    from bot.delivery import Post

    def due(n: int) -> None:
        post = Post("chat.postMessage", "C0ANY00001", {"text": f"hello {n}"})
        background.outbox.submit("T0FAKE0001", f"job-test:{n}", post, send_now=False)

    jobs.bind(background)
    try:
        due(1)
        assert jobs.deliver_outbox() == {"sent": 1}  # no worker here (Socket Mode): it sends
        worker = BackgroundWorker(background.outbox, idle=60).start()  # looks once, then idles
        try:
            time.sleep(0.2)  # its first look found nothing
            due(2)
            assert jobs.deliver_outbox() == {}  # the worker's to send; the job leaves it
        finally:
            worker.stop()
    finally:
        jobs.bind(None)
    assert [c.params["text"] for c in slack.calls_to("chat.postMessage")] == ["hello 1"]
