"""The Home refresh is queued once the listener has run, so it shows what the action wrote; a
recorded follow-up run again (the outbox's run or a retry) queues none.

The apps are a web worker (follow-ups recorded, not run) and the background process that runs
them, as under `lockstep run --http`: nothing but the action's own refresh publishes a Home.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import handlers.home
from bot.platform.delivery import LAZY_METHOD
from bot.platform.runtime import Runtime
from storage import questions
from storage.models import OutboxMessage
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import REP, ask
from tests.handlers.test_home import opened, published_for
from tests.slack_signing import SlackHTTP

QUESTION = "Do you support SAML single sign-on with Okta?"


@dataclass
class Refreshes:
    """What HomeRefresher.after was asked to queue, and when a refresh has read the database."""

    queued: list[dict[str, Any]] = field(default_factory=list)
    read: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(autouse=True)
def refreshes(monkeypatch: pytest.MonkeyPatch) -> Refreshes:
    """Watches every app's refresher (autouse: patched before the apps are built)."""
    seen = Refreshes()
    after, collect = handlers.home.HomeRefresher.after, handlers.home.collect_home

    def watched_after(self: Any, body: dict[str, Any], context: Any) -> None:
        if body.get("command"):
            seen.queued.append(body)
        after(self, body, context)

    def watched_collect(*args: Any) -> Any:
        data = collect(*args)
        seen.read.set()
        return data

    monkeypatch.setattr(handlers.home.HomeRefresher, "after", watched_after)
    monkeypatch.setattr(handlers.home, "collect_home", watched_collect)
    return seen


def open_home(web: SlackHTTP, background: Runtime, slack: FakeSlack, user: str) -> None:
    web.event(opened(user))
    assert background.outbox.deliver_due() == {"sent": 1}  # home_opened: the first publish
    published_for(slack, user, 1)


def test_the_refresh_after_a_question_shows_the_question(
    web: SlackHTTP,
    background: Runtime,
    slack: FakeSlack,
    refreshes: Refreshes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_home(web, background, slack, REP)
    assert "No questions yet" in str(published_for(slack, REP, 1))
    refreshes.read.clear()
    insert = questions.insert_question

    def insert_once_a_queued_refresh_has_read(*args: Any, **kwargs: Any) -> Any:
        # The race's losing order, made certain: a refresh already queued when the listener
        # writes reads first (and so publishes the Home as it was before the action).
        if refreshes.queued:
            refreshes.read.wait(10)
        return insert(*args, **kwargs)

    monkeypatch.setattr(questions, "insert_question", insert_once_a_queued_refresh_has_read)
    ask(web, QUESTION)
    # The only publish since the open (the follow-up is not run): the Home the rep sees now.
    assert "SAML single sign-on" in str(published_for(slack, REP, 2))
    assert len(refreshes.queued) == 1


def test_a_recorded_follow_up_run_queues_no_refresh(
    web: SlackHTTP,
    background: Runtime,
    slack: FakeSlack,
    engine: Engine,
    refreshes: Refreshes,
) -> None:
    open_home(web, background, slack, REP)
    ask(web, QUESTION)
    published_for(slack, REP, 2)  # the action's refresh
    assert len(refreshes.queued) == 1
    # The follow-up (after_command), dispatched again with Bolt's lazy-only headers: its first
    # run, then once more as the outbox does after a failed run.
    assert background.outbox.deliver_due() == {"sent": 1}
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.method == LAZY_METHOD)).all()
    (follow_up,) = [r for r in row if r.payload["function"] == "after_command"]
    assert background.outbox.lazy_handler is not None
    background.outbox.lazy_handler(follow_up.payload)
    assert len(refreshes.queued) == 1
