"""Two Lockstep processes on one database still post every message exactly once."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from bot.platform.delivery import ChannelPacer, Outbox, Post
from bot.platform.runtime import make_client
from tests.conftest import TEAM, make_settings
from tests.fake_slack import FakeSlack


def outbox_on(engine: Engine, slack: FakeSlack) -> Outbox:
    settings = make_settings(slack.base_url)
    return Outbox(engine, make_client(settings, for_outbox=True), pacer=ChannelPacer(0))


def test_two_workers_send_each_message_once(
    twin_engines: tuple[Engine, Engine], slack: FakeSlack
) -> None:
    first, second = (outbox_on(e, slack) for e in twin_engines)
    for n in range(60):  # recorded, not sent yet: both workers race for the same rows
        post = Post("chat.postMessage", f"U0USER{n:04d}", {"text": f"note {n}"})
        first.submit(TEAM, f"note:{n}", post, send_now=False)
    results: list[dict[str, int]] = []
    workers = [
        threading.Thread(target=lambda o=o: results.append(o.deliver_due()))
        for o in (first, second)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert sum(r.get("sent", 0) for r in results) == 60
    channels = [c.params["channel"] for c in slack.calls_to("chat.postMessage")]
    assert len(channels) == 60 and len(set(channels)) == 60


def test_two_workers_submitting_the_same_key_post_once(
    twin_engines: tuple[Engine, Engine], slack: FakeSlack
) -> None:
    first, second = (outbox_on(e, slack) for e in twin_engines)
    post = Post("chat.postMessage", "C0DIGEST01", {"text": "weekly digest"})
    barrier = threading.Barrier(2)

    def go(outbox: Outbox) -> None:
        barrier.wait()
        outbox.submit(TEAM, "digest:2026-11-23T09:00", post)

    workers = [threading.Thread(target=go, args=(o,)) for o in (first, second)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert len(slack.calls_to("chat.postMessage")) == 1
