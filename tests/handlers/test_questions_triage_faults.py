"""A question counts as triaged only once its triage post was sent: a post that failed for
good reaches triage after an admin fixes the channel, and does not hold the queue up."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.platform.runtime import Runtime
from bot.questions.posts import post_queued
from storage import outbox, workspaces
from storage import questions as store
from storage.clock import utcnow
from storage.models import Question
from tests.conftest import ADMIN, TEAM, outbox_settled
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    REP,
    REP2,
    TRIAGE,
    ask,
    merge,
    posts,
    press,
    setup_team,
    to,
    triage_posts,
    updates,
)
from tests.slack_signing import SlackHTTP

NEW_TRIAGE = "C0NEWTRI01"


def wait_for_status(engine: Engine, key: str, status: str) -> None:
    deadline = time.monotonic() + 5
    while True:
        with Session(engine) as session:
            row = outbox.get_by_key(session, TEAM, key)
        if row is not None and row.status == status:
            return
        assert time.monotonic() < deadline, f"{key}: {row}"
        time.sleep(0.02)


def question(engine: Engine, question_id: int) -> Question:
    with Session(engine) as session:
        q = session.get(Question, question_id)
        assert q is not None
        return q


def test_a_failed_triage_post_reaches_the_channel_an_admin_sets_next(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    """Before, the question was marked triaged even though its post failed, so it never
    reached triage after the admin fixed the channel."""
    setup_team(engine)
    slack.fail("chat.postMessage", status=200, error="channel_not_found", times=1)
    ask(http, "Do you have a HIPAA BAA?")
    wait_for_status(engine, "triage:1", "failed")
    slack.wait_for("chat.postMessage", where=to(ADMIN))  # the admin is told what to fix
    assert question(engine, 1).triage_channel is None  # not triaged: nothing reached triage
    with Session(engine) as session:
        assert store.queued(session) == []  # the same channel would fail again: not retried
        workspaces.update(session, TEAM, triage_channel=NEW_TRIAGE)
    assert post_queued(runtime, datetime.now(UTC)) == 1
    (post,) = slack.wait_for("chat.postMessage", where=to(NEW_TRIAGE))
    assert "HIPAA" in str(post.params["blocks"])
    assert question(engine, 1).triage_channel == NEW_TRIAGE
    with Session(engine) as session:
        assert store.queued(session) == []
    assert post_queued(runtime, datetime.now(UTC)) == 0


def test_posts_that_failed_for_good_do_not_hold_up_the_queue(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    setup_team(engine, triage=None)
    for n in range(55):  # more than post_queued takes in one go (from several reps: each
        user = f"U0REP{n % 5:05d}"  # may send 20 commands a minute)
        ask(http, f"Question {n}: is there an on-premise edition?", user=user)
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel=TRIAGE)
    slack.fail("chat.postMessage", status=200, error="not_in_channel", times=55)
    assert post_queued(runtime, datetime.now(UTC)) == 50
    post_queued(runtime, datetime.now(UTC))  # the other five fail too
    slack.fail("chat.postMessage", status=503, times=1)  # the next post fails, for now
    ask(http, "A new one: do you support SAML?")
    wait_for_status(engine, "triage:56", "pending")
    with Session(engine) as session:  # 55 wait for an admin; the new one is first in line
        assert [q.id for q in store.queued(session)] == [56]


def test_a_triage_post_sent_late_is_brought_up_to_date_by_the_next_tick(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    """Before, a post the worker sent late kept the content it was recorded with: the +1 and
    the merge that came while it failed were never shown (the next tick compared the question
    with itself, and skipped the merged one), so it offered Answer on a closed question."""
    setup_team(engine)
    ask(http, "Is there an EU data centre?")  # #1, the original
    triage_posts(slack)
    slack.fail("chat.postMessage", status=500, times=2)  # the next two triage posts, for now
    ask(http, "Do you support SCIM provisioning?")  # #2: +1'd meanwhile
    ask(http, "Can data stay in the EU?")  # #3: merged into #1 meanwhile
    wait_for_status(engine, "triage:2", "pending")
    wait_for_status(engine, "triage:3", "pending")
    assert press(http, posts.PLUS_ONE_BUTTON, 2, REP2)[0] == 200
    assert merge(http, 3, "1") == (200, "")
    slack.wait_for("chat.postMessage", where=to(REP))  # the merge's DM: its follow-up ran
    outbox_settled(engine)
    with freeze_time(utcnow() + timedelta(minutes=1)):  # the worker sends them now
        runtime.outbox.deliver_due()
        outbox_settled(engine)
    (scim,) = [c for c in triage_posts(slack, 5) if "SCIM" in c.params["text"] and c.status == 200]
    assert "heard" not in str(scim.params["blocks"])  # sent as it was recorded
    post_queued(runtime, datetime.now(UTC))
    (plus_one,) = updates(slack, containing="2 reps heard")
    (merged,) = updates(slack, containing="Merged into question #1")
    assert posts.ANSWER_BUTTON not in str(merged.params["blocks"])
    with Session(engine) as session:
        sent = {n: outbox.get_by_key(session, TEAM, f"triage:{n}") for n in (2, 3)}
    assert plus_one.params["ts"] == getattr(sent[2], "result_ts", "none")
    assert merged.params["ts"] == getattr(sent[3], "result_ts", "none")
    assert {question(engine, 2).triage_channel, question(engine, 3).triage_channel} == {TRIAGE}
    before = len(slack.calls_to("chat.update"))  # #1's after the merge, and these two
    assert post_queued(runtime, datetime.now(UTC)) == 0  # once: nothing more to update
    outbox_settled(engine)
    assert len(slack.calls_to("chat.update")) == before == 3
