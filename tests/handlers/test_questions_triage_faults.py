"""A question counts as triaged only once its triage post was sent: a post that failed for
good reaches triage after an admin fixes the channel, and does not hold the queue up."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.platform.runtime import Runtime
from bot.questions.posts import post_queued
from storage import outbox, workspaces
from storage import questions as store
from storage.models import Question
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import TRIAGE, ask, setup_team, to
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
