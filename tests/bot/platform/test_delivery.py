"""The outbox: recorded before sending, exactly once, retried on 429/5xx, failed for good on
permanent errors with an admin alert."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.platform.delivery import MAX_ATTEMPTS, ChannelPacer, Post
from bot.platform.runtime import Runtime
from storage import outbox
from storage.clock import utcnow
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack

HELLO = Post("chat.postMessage", "C0DIGEST01", {"text": "hello"})


def test_submit_posts_once_per_key(runtime: Runtime, slack: FakeSlack) -> None:
    first = runtime.outbox.submit(TEAM, "digest:2026-W47", HELLO)
    again = runtime.outbox.submit(TEAM, "digest:2026-W47", HELLO)
    assert first.status == "sent" and again.status == "sent"
    assert first.result_ts and first.result_ts == again.result_ts
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert slack.calls_to("chat.postMessage")[0].params["channel"] == "C0DIGEST01"


def test_same_key_in_other_team_is_another_message(runtime: Runtime, slack: FakeSlack) -> None:
    runtime.outbox.submit(TEAM, "k", HELLO)
    runtime.outbox.submit("T0FAKE0002", "k", HELLO)
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_rate_limited_post_is_retried_later(runtime: Runtime, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=7, times=1)
    row = runtime.outbox.submit(TEAM, "k429", HELLO)
    assert row.status == "pending" and row.error == "ratelimited"
    assert row.next_attempt_at >= utcnow() + timedelta(seconds=5)
    assert runtime.outbox.deliver_due() == {}  # not due yet
    with freeze_time(utcnow() + timedelta(seconds=8)):
        assert runtime.outbox.deliver_due() == {"sent": 1}
    assert runtime.outbox.deliver_due() == {}


def test_server_errors_back_off_then_succeed(runtime: Runtime, slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=503, times=1)
    row = runtime.outbox.submit(TEAM, "k503", HELLO)
    assert row.status == "pending" and row.attempts == 1
    with freeze_time(utcnow() + timedelta(seconds=6)):
        assert runtime.outbox.deliver_due() == {"sent": 1}


def test_permanent_error_fails_once_and_alerts_admins(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    slack.fail("chat.postMessage", status=200, error="not_in_channel", times=1)
    row = runtime.outbox.submit(TEAM, "kperm", HELLO)
    assert row.status == "failed" and row.error == "not_in_channel"
    alerts = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == ADMIN]
    assert len(alerts) == 1
    assert "/invite" in alerts[0].params["text"]
    with freeze_time(utcnow() + timedelta(days=1)):
        assert runtime.outbox.deliver_due() == {}  # never retried


def test_a_send_interrupted_by_a_restart_is_resent(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    with Session(engine) as session:
        row, _ = outbox.enqueue(
            session, TEAM, "crash", "chat.postMessage", "C1", {"text": "x", "channel": "C1"}
        )
        assert row.id is not None
        assert outbox.claim(session, row.id, timedelta(minutes=2)) is not None  # then "crash"
    assert runtime.outbox.deliver_due() == {}  # another worker holds the lease
    with freeze_time(utcnow() + timedelta(minutes=3)):
        assert runtime.outbox.deliver_due() == {"sent": 1}
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_connection_errors_are_retried(runtime: Runtime, slack: FakeSlack) -> None:
    slack.stop()
    row = runtime.outbox.submit(TEAM, "down", HELLO)
    assert row.status == "pending" and row.error and row.error.startswith("connection")


def test_posts_to_one_channel_are_paced_a_second_apart(runtime: Runtime, slack: FakeSlack) -> None:
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    runtime.outbox.pacer = ChannelPacer(1.0, clock=lambda: clock[0], sleep=sleep)
    for n in range(3):
        runtime.outbox.submit(TEAM, f"paced:{n}", HELLO)
    runtime.outbox.submit(
        TEAM, "other-channel", Post("chat.postMessage", "C0OTHER001", {"text": "x"})
    )
    assert waits == [1.0, 1.0]  # the second and third post to C0DIGEST01; the other channel is free
    assert len(slack.calls_to("chat.postMessage")) == 4


def test_a_flaky_slack_still_gets_every_notification_once(
    runtime: Runtime, slack: FakeSlack
) -> None:
    slack.flaky("chat.postMessage", 0.2, (429, 503), retry_after=0)
    for n in range(100):
        runtime.outbox.submit(
            TEAM, f"dm:{n}", Post("chat.postMessage", f"U0USER{n:04d}", {"text": "hi"})
        )
    for minutes in range(1, 30):
        with freeze_time(utcnow() + timedelta(minutes=minutes)):
            runtime.outbox.deliver_due()
    ok = [c for c in slack.calls_to("chat.postMessage") if c.status == 200]
    assert sorted(c.params["channel"] for c in ok) == sorted(f"U0USER{n:04d}" for n in range(100))
    assert (
        len(slack.calls_to("chat.postMessage")) > 100
    )  # some calls really failed and were retried


def test_a_stopped_outbox_sends_nothing_more(runtime: Runtime, slack: FakeSlack) -> None:
    for n in range(3):
        runtime.outbox.submit(TEAM, f"later:{n}", HELLO, send_now=False)
    runtime.outbox.stop()
    assert runtime.outbox.deliver_due() == {}
    assert slack.calls_to("chat.postMessage") == []


def test_pacing_interval_is_a_setting() -> None:
    from bot.platform.config import load_settings
    from bot.platform.runtime import build_runtime

    settings = load_settings({"LOCKSTEP_POST_INTERVAL": "0", "DATABASE_URL": "sqlite://"})
    assert build_runtime(settings).outbox.pacer.interval == 0
    assert load_settings({}).lockstep_post_interval == 1.0


def test_a_worker_whose_lease_ran_out_cannot_overwrite_the_next_claim(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """Before, every finish wrote whoever called it: a slow worker whose lease had run out
    marked a row 'pending' (or 'failed') after another worker had sent it."""
    with Session(engine, expire_on_commit=False) as session:
        row, _ = outbox.enqueue(
            session, TEAM, "slow", "chat.postMessage", "C1", {"text": "x", "channel": "C1"}
        )
        assert row.id is not None
        slow = outbox.claim(session, row.id, timedelta(minutes=2))  # worker A, then stalls
        assert slow is not None
    with freeze_time(utcnow() + timedelta(minutes=3)):
        assert runtime.outbox.deliver_due() == {"sent": 1}  # worker B takes it over and sends
    with Session(engine) as session, pytest.raises(outbox.LostClaim):
        outbox.mark_retry(session, slow, utcnow(), "timeout")  # worker A comes back
    with Session(engine) as session:
        final = outbox.get_by_key(session, TEAM, "slow")
        assert final is not None and final.status == "sent" and final.error is None


@pytest.mark.parametrize(
    "error", ["invalid_auth", "token_revoked", "account_inactive", "token_expired"]
)
def test_a_refused_token_pauses_the_workspace_queue_and_fails_nothing(
    runtime: Runtime, slack: FakeSlack, engine: Engine, error: str
) -> None:
    """Before, an auth error marked every pending row of every kind failed for good."""
    runtime.outbox.submit(TEAM, "later", HELLO, send_now=False)
    slack.fail("chat.postMessage", status=200, error=error, times=1)
    row = runtime.outbox.submit(TEAM, "now", HELLO)
    assert row.status == "pending" and row.attempts == 0 and row.error == f"paused: {error}"
    with Session(engine) as session:
        waiting = outbox.get_by_key(session, TEAM, "later")
        assert waiting is not None and waiting.next_attempt_at >= utcnow() + timedelta(minutes=14)
    assert runtime.outbox.deliver_due() == {}  # nothing is tried while paused
    with Session(engine) as session:  # the admin fixed the token and restarted Lockstep
        assert outbox.resume_paused(session) == 2
    assert runtime.outbox.deliver_due() == {"sent": 2}
    assert not [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == ADMIN]


def test_rate_limits_do_not_use_up_the_tries(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=1, times=MAX_ATTEMPTS + 2)
    row = runtime.outbox.submit(TEAM, "busy", HELLO)
    moment = utcnow()
    for _ in range(MAX_ATTEMPTS + 1):
        moment += timedelta(seconds=2)
        with freeze_time(moment):
            assert runtime.outbox.deliver_due() == {"pending": 1}
    with Session(engine) as session:
        waiting = outbox.get_by_key(session, TEAM, "busy")
        assert waiting is not None and waiting.attempts == row.attempts == 0
    moment += timedelta(seconds=2)
    with freeze_time(moment):
        assert runtime.outbox.deliver_due() == {"sent": 1}


def test_failed_rows_can_be_listed_and_retried(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    slack.fail("chat.postMessage", status=200, error="channel_not_found", times=1)
    failed = runtime.outbox.submit(TEAM, "gone", HELLO)
    assert failed.status == "failed" and failed.id is not None
    with Session(engine) as session:
        assert [r.key for r in outbox.listed(session, "failed")] == ["gone"]
        assert outbox.retry_failed(session, [failed.id]) == 1
        assert outbox.retry_failed(session, [failed.id]) == 0  # only failed rows
    assert runtime.outbox.deliver_due() == {"sent": 1}


def test_a_row_born_claimed_is_not_run_again_once_another_worker_took_it(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """A follow-up recorded already claimed waits in this process's executor; when its lease
    ran out meanwhile and the background worker took it over, the executor must not run it."""
    with Session(engine, expire_on_commit=False) as session:
        message_id, _ = outbox.record(
            session.connection(), TEAM, "born", "chat.postMessage", "C1",
            {"text": "x", "channel": "C1"}, claimed_for=timedelta(minutes=2),
        )  # fmt: skip
        session.commit()
    with freeze_time(utcnow() + timedelta(minutes=3)):
        assert runtime.outbox.deliver_due() == {"sent": 1}  # the worker took it over
        assert runtime.outbox.run_claimed(message_id, "born") is None  # the executor, late
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_an_older_update_retried_late_does_not_overwrite_a_newer_one(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    slack.fail("chat.update", status=503, times=1)
    old = Post("chat.update", "C1", {"ts": "1.0", "text": "2 reps asked"})
    new = Post("chat.update", "C1", {"ts": "1.0", "text": "3 reps asked"})
    assert runtime.outbox.submit(TEAM, "triage-update:7:v1", old).status == "pending"
    assert runtime.outbox.submit(TEAM, "triage-update:7:v2", new).status == "sent"
    with freeze_time(utcnow() + timedelta(seconds=10)):
        assert runtime.outbox.deliver_due() == {"superseded": 1}
    shown = [c.params["text"] for c in slack.calls_to("chat.update") if c.status == 200]
    assert shown == ["3 reps asked"]  # the failed first try is all Slack saw of v1
    runtime.outbox.submit(TEAM, "triage-update:71:v1", old)  # another message: not superseded
    assert len([c for c in slack.calls_to("chat.update") if c.status == 200]) == 2


def test_a_failure_is_recorded_without_sql_parameters_or_tokens() -> None:
    from sqlalchemy.exc import OperationalError

    from bot.platform.delivery import failure

    exc = OperationalError("INSERT INTO question (text) VALUES (?)", ("my secret deal",), None)
    assert "secret deal" not in failure(exc) and failure(exc).startswith("error: Operational")
    leaked = RuntimeError("bad token xoxb-1234-abcd in call\nsecond line")
    assert failure(leaked) == "error: RuntimeError: bad token [redacted-token] in call"


def test_a_post_slack_took_is_recorded_even_when_the_database_fails_once(
    runtime: Runtime, slack: FakeSlack, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: a database error while recording a post as sent (a lock past its
    timeout, a lost connection) left the row `sending`, and it was posted again when its lease
    ran out. The fault is injected into the one write that records it."""
    record = outbox.mark_sent
    failures = iter(
        [OperationalError("UPDATE outbox_message", {}, Exception("database is locked"))]
    )

    def flaky(*args: Any, **kwargs: Any) -> Any:
        fault = next(failures, None)
        if fault is not None:
            raise fault
        return record(*args, **kwargs)

    monkeypatch.setattr(outbox, "mark_sent", flaky)
    row = runtime.outbox.submit(TEAM, "once", HELLO)
    assert row.status == "sent"
    with freeze_time(utcnow() + timedelta(minutes=5)):  # past any lease
        runtime.outbox.deliver_due()
    assert len(slack.calls_to("chat.postMessage")) == 1
