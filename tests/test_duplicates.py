"""Duplicates: every interaction delivered twice, one after the other and two copies at once
(the same slash command body with the same trigger_id, the same view_submission with the same
view id, the same button click), and every event redelivered by Slack (X-Slack-Retry-Num 1..3,
the same event_id): no second row and no second post."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy.engine import Engine

from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.hardening_cases import (
    CASES,
    FEATURES,
    Case,
    feature_of,
)
from tests.hardening_helpers import (
    CHANNEL,
    OWNER,
    USERS,
    Settler,
    both_engines,  # noqa: F401  (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
    changed_tables,
    deliver,
    posts,
    seed,
    settings,  # noqa: F401  (no command budget in these tests)
    setup_team,
    snapshot,
)
from tests.slack_signing import (
    SlackHTTP,
    reaction_event,
    unique_event_id,
    unique_trigger_id,
    unique_view_id,
)

PREFERRED = ("owner", "admin", "marketer", "leader", "rep", "nobody")
MUTATING = [c for c in CASES if not c.opens]


def actor(case: Case) -> str:
    return USERS[next(r for r in PREFERRED if r in case.allowed)]


@pytest.mark.parametrize("feature", sorted(set(FEATURES) - {"digest"}))
def test_the_same_delivery_twice_changes_nothing_more(
    feature: str, http: SlackHTTP, slack: FakeSlack, engine: Engine, app: App
) -> None:
    settle = Settler(app)
    setup_team(engine, TEAM)
    problems = []
    for number, case in enumerate(MUTATING):
        if feature_of(case) != feature:
            continue
        req = case.make(seed(engine, TEAM, f"d{number:03d}"))
        trigger, view_id, user = unique_trigger_id(), unique_view_id(), actor(case)
        first = deliver(http, slack, settle, req, user, TEAM, trigger, view_id)
        assert first.status == 200
        once = snapshot(engine)
        for attempt in (2, 3):
            again = deliver(http, slack, settle, req, user, TEAM, trigger, view_id)
            changed = changed_tables(once, snapshot(engine))
            if again.status != 200 or changed or posts(again):
                problems.append(
                    f"{case.name} ({req.kind}) delivery {attempt}: {changed} {posts(again)}"
                )
    assert problems == []


def test_retried_events_are_recorded_once(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, app: App
) -> None:
    settle = Settler(app)
    setup_team(engine, TEAM)
    ids = seed(engine, TEAM, "ev")
    joined = {"type": "member_joined_channel", "user": "U0FAKEBOT1", "channel": "C0JOINED01"}
    events: list[dict[str, Any]] = [
        reaction_event("warning", user=OWNER, item_channel=CHANNEL, item_ts=ids.digest_ts),
        reaction_event(
            "warning", user=OWNER, item_channel=CHANNEL, item_ts=ids.digest_ts, added=False
        ),
        joined,
    ]
    for event in events:
        event_id = unique_event_id()
        assert http.event(event, event_id=event_id)[0] == 200
        settle()
        once, sent = snapshot(engine), len(slack.calls_to("chat.postMessage"))
        for retry in (1, 2, 3):
            assert http.event(event, event_id=event_id, retry_num=retry)[0] == 200
            settle()
            assert changed_tables(once, snapshot(engine)) == [], (event["type"], retry)
            assert len(slack.calls_to("chat.postMessage")) == sent, (event["type"], retry)
    assert len(slack.calls_to("chat.postMessage")) == 1  # the introduction, once


@pytest.mark.parametrize("feature", sorted(set(FEATURES) - {"digest"}))
def test_the_same_delivery_at_the_same_time_counts_once(
    feature: str, http: SlackHTTP, slack: FakeSlack, engine: Engine, app: App
) -> None:
    """Two copies racing (a retry while the first is still running) make one change, once."""
    settle = Settler(app)
    setup_team(engine, TEAM)
    problems = []
    for number, case in enumerate(MUTATING):
        if feature_of(case) != feature:
            continue
        req = case.make(seed(engine, TEAM, f"r{number:03d}"))
        trigger, view_id, user = unique_trigger_id(), unique_view_id(), actor(case)
        start = len(slack.calls)
        with ThreadPoolExecutor(2) as pool:
            copy = partial(deliver, http, slack, settle, req, user, TEAM, trigger)
            replies = list(pool.map(copy, [view_id, view_id]))
        settle()
        once = snapshot(engine)
        sent = [
            (c.method, c.params.get("channel"), c.params.get("ts"), c.params.get("text"))
            for c in slack.calls[start:]
            if c.method in ("chat.postMessage", "chat.update")
        ]
        again = deliver(http, slack, settle, req, user, TEAM, trigger, view_id)
        if [r.status for r in replies] != [200, 200] or changed_tables(once, snapshot(engine)):
            problems.append(f"{case.name} ({req.kind}): {[r.status for r in replies]}")
        if posts(again) or len(sent) != len(set(sent)):
            problems.append(f"{case.name} ({req.kind}) posted twice: {sent}")
    assert problems == []
