"""Lazy listeners as durable jobs: recorded by the ack, run by whoever runs the queue, retried
until they complete, marked sent only then."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.meetings.views import agenda as meeting_views
from bot.platform.background import BackgroundWorker
from bot.platform.delivery import MAX_ATTEMPTS
from bot.platform.runtime import Runtime
from bot.questions.views import posts
from bot.system.app import create_app
from storage import db, meetings
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    REP,
    REP2,
    TRIAGE,
    answer,
    ask,
    press,
    setup_team,
)
from tests.handlers.test_meetings_actions import item_id, post_agenda
from tests.http_mode import lazy_rows, run_queue
from tests.meeting_helpers import SALES
from tests.slack_signing import SlackHTTP, block_action_payload, slash_command_body


def to_triage(call: Any) -> bool:
    return bool(call.params.get("channel") == TRIAGE)


def test_web_worker_acks_and_background_runs_the_lazy_work(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    body = ask(web, "Do you support SSO with Okta?", response_url=slack.new_response_url())
    assert "#1" in str(body) or "1" in body["text"]
    assert [r.status for r in lazy_rows(engine)] == ["pending"]
    assert slack.calls_to("chat.postMessage") == []  # nothing slow happened in the web worker
    assert background.outbox.deliver_due() == {"sent": 1}  # the lazy run (it posts to triage)
    post = slack.wait_for("chat.postMessage", where=to_triage)[0]
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
    assert len([c for c in slack.calls_to("chat.postMessage") if to_triage(c)]) == 1


def test_the_capture_and_its_follow_up_commit_together(
    web: SlackHTTP, engine: Engine, slack: FakeSlack
) -> None:
    """The question and the run of its follow-up are one transaction: when the outbox
    refuses the follow-up, no question is stored either (and the user is told)."""
    setup_team(engine)
    path = engine.url.database
    with sqlite3.connect(str(path)) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_lazy BEFORE INSERT ON outbox_message "
            "WHEN new.method = 'bolt.lazy' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    status, _ = web.command("/prospect-question", "Do you have a SOC 2 report?", user_id=REP)
    assert status == 500  # Bolt's answer to a failed ack listener; Slack shows an error
    with sqlite3.connect(str(path)) as conn:
        assert conn.execute("SELECT count(*) FROM question").fetchone() == (0,)


def test_the_background_worker_loop_picks_work_up(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    worker = BackgroundWorker(background.outbox, idle=0.02).start()
    try:
        ask(web, "Can we export audit logs to Splunk?")
        slack.wait_for("chat.postMessage", where=to_triage)
    finally:
        worker.stop()


def test_follow_up_runs_do_not_count_against_the_command_budget(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    """In Socket Mode the app that acks also runs the follow-ups: 15 commands (under the budget
    of 20 a minute) and their 15 follow-up runs through the same limiter must all happen."""
    setup_team(engine)
    for n in range(15):
        ask(http, f"Question number {n} about pricing tiers?", user=REP)
    slack.wait_for("chat.postMessage", 15, where=to_triage)
    deadline = time.monotonic() + 5  # the last runs are being marked sent
    while {r.status for r in lazy_rows(engine)} != {"sent"}:
        assert time.monotonic() < deadline, [(r.status, r.error) for r in lazy_rows(engine)]
        time.sleep(0.02)


def test_a_follow_up_that_did_not_run_is_not_marked_sent(
    web: SlackHTTP, background: Runtime, engine: Engine
) -> None:
    """A recorded run that no listener takes (renamed between deploys, or answered by a
    middleware first) stays pending: Bolt's 200 is not taken for done."""
    setup_team(engine)
    ask(web, "Is there a sandbox for trials?")
    with Session(engine) as session:
        (row,) = lazy_rows(engine)
        row.payload = {**row.payload, "function": "renamed_listener"}
        session.add(row)
        session.commit()
    background.outbox.deliver_due()
    (row,) = lazy_rows(engine)
    assert row.status == "pending" and "did not run" in (row.error or "")


def test_no_follow_up_is_recorded_for_a_reply_that_changed_nothing(
    web: SlackHTTP, engine: Engine
) -> None:
    setup_team(engine)
    for text in ("help", "search okta", "pricing"):  # help, a search, a usage reply
        ask(web, text)
    assert lazy_rows(engine) == []


def test_follow_up_rows_keep_no_verification_token(web: SlackHTTP, engine: Engine) -> None:
    setup_team(engine)
    ask(web, "Do you offer volume discounts?")
    (row,) = lazy_rows(engine)
    assert "token" not in row.payload["body"] and row.payload["body"]["trigger_id"]


def test_the_scheduled_outbox_job_stands_by_while_the_background_worker_runs(
    background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    from bot.platform.delivery import Post
    from bot.system import jobs

    def due(n: int) -> None:
        post = Post("chat.postMessage", "C0ANY00001", {"text": f"hello {n}"})
        background.outbox.submit("T0FAKE0001", f"job-test:{n}", post, send_now=False)

    jobs.bind(background)
    try:
        due(1)
        assert jobs.deliver_outbox() == {"sent": 1}  # no worker in this process: the job sends
        worker = BackgroundWorker(background.outbox, idle=60).start()
        try:
            due(2)
            assert jobs.deliver_outbox() == {}  # the worker's to send; the job leaves it
            slack.wait_for("chat.postMessage", 2)  # woken by the new row, not after 60 s
        finally:
            worker.stop()
    finally:
        jobs.bind(None)
    assert [c.params["text"] for c in slack.calls_to("chat.postMessage")] == ["hello 1", "hello 2"]


# Fault injection: the database is locked while a lazy listener runs (its first run raises
# "database is locked" inside the listener, where Bolt's own runner would only log it).


@pytest.fixture
def lock_during_first_run(
    background: Runtime, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """Wrap the background's lazy runs: the first run of each function happens while another
    connection holds SQLite's write lock (busy timeout 50 ms); later runs go through."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
    background.engine.dispose()  # new connections take the short busy timeout
    run = background.outbox.lazy_handler
    assert run is not None
    failed: list[str] = []

    def locked_once(payload: dict[str, Any]) -> None:
        if payload["function"] in failed:
            return run(payload)
        failed.append(payload["function"])
        holder = sqlite3.connect(str(engine.url.database), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            run(payload)
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    background.outbox.lazy_handler = locked_once
    yield failed


def assert_failed_first_then_sent_once(engine: Engine, function: str) -> None:
    (row,) = lazy_rows(engine, function)
    assert row.status == "sent" and row.attempts == 2, (row.status, row.attempts, row.error)


Flow = Callable[[SlackHTTP, Runtime, Engine, FakeSlack], None]


def capture(web: SlackHTTP, background: Runtime, engine: Engine, slack: FakeSlack) -> None:
    ask(web, "Do you integrate with Workday?")


def answered(web: SlackHTTP, background: Runtime, engine: Engine, slack: FakeSlack) -> None:
    ask(web, "Do you integrate with Workday?")
    run_queue(background, engine)
    assert answer(web, 1, "Yes, through the Workday connector.")[0] == 200


def plus_one(web: SlackHTTP, background: Runtime, engine: Engine, slack: FakeSlack) -> None:
    ask(web, "Do you integrate with Workday?")
    run_queue(background, engine)
    assert press(web, posts.PLUS_ONE_BUTTON, 1, REP2)[0] == 200


@pytest.mark.parametrize(
    ("flow", "function", "method", "where"),
    [
        (capture, "after_command", "chat.postMessage", to_triage),  # the triage post
        (answered, "after_answer", "chat.postMessage", lambda c: c.params["channel"] == REP),
        (plus_one, "after_plus_one", "chat.update", to_triage),  # the post's update
    ],
    ids=["triage-post", "answer-dm", "triage-update"],
)
def test_a_follow_up_whose_database_is_locked_is_retried_and_done_once(
    flow: Flow,
    function: str,
    method: str,
    where: Callable[[Any], bool],
    web: SlackHTTP,
    background: Runtime,
    slack: FakeSlack,
    engine: Engine,
    lock_during_first_run: list[str],
) -> None:
    setup_team(engine)
    flow(web, background, engine, slack)
    before = len([c for c in slack.calls_to(method) if where(c)])
    background.outbox.deliver_due()  # the first run: the database is locked
    assert function in lock_during_first_run
    (row,) = lazy_rows(engine, function)
    assert row.status == "pending" and "locked" in (row.error or ""), row  # not marked sent
    run_queue(background, engine)
    assert len([c for c in slack.calls_to(method) if where(c)]) == before + 1
    assert_failed_first_then_sent_once(engine, function)


def test_a_follow_up_that_keeps_failing_ends_failed_and_tells_the_admins(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)

    def broken(payload: dict[str, Any]) -> None:
        raise RuntimeError("the listener has a bug")

    background.outbox.lazy_handler = broken
    ask(web, "Do you integrate with Workday?")
    run_queue(background, engine, rounds=MAX_ATTEMPTS + 2)
    (row,) = lazy_rows(engine)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    alerts = [c for c in slack.calls_to("chat.postMessage") if "after_command" in c.params["text"]]
    assert alerts and "lockstep outbox retry" in alerts[0].params["text"]


def test_vote_is_stored_by_the_click_even_when_its_follow_up_fails(
    web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """Before, the vote itself was written by the lazy listener: a failed run lost it."""

    def down(payload: dict[str, Any]) -> None:
        raise RuntimeError("database is locked")

    background.outbox.lazy_handler = down
    agenda = post_agenda(background, engine)
    item = item_id(engine, agenda, "Pricing")
    payload = block_action_payload(meeting_views.VOTE, str(item), user_id=SALES[1])
    assert web.action(payload)[0] == 200
    with Session(engine) as session:
        assert sum(meetings.vote_counts(session, [1, 2]).values()) == 1
    background.outbox.deliver_due()
    (row,) = lazy_rows(engine, "after_vote")
    assert row.status == "pending" and row.error and "locked" in row.error  # retried, not sent
    create_app(background.settings, runtime=background)  # the database is back
    run_queue(background, engine)
    (row,) = lazy_rows(engine, "after_vote")
    assert row.status == "sent" and row.attempts == 2
    (update,) = slack.calls_to("chat.update")  # the agenda shows the vote, once
    assert update.params["ts"] == agenda.ts
