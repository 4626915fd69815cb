"""The outbox: recorded before sending, exactly once, retried on 429/5xx, failed for good on
permanent errors with an admin alert."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import utcnow
from bot.delivery import ChannelPacer, Post
from bot.runtime import Runtime
from storage import outbox
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
    from bot.config import load_settings
    from bot.runtime import build_runtime

    settings = load_settings({"LOCKSTEP_POST_INTERVAL": "0", "DATABASE_URL": "sqlite://"})
    assert build_runtime(settings).outbox.pacer.interval == 0
    assert load_settings({}).lockstep_post_interval == 1.0
