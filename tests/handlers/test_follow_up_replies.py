"""A follow-up's reply that Slack's response_url did not take (a 500, a dropped connection) is
retried with the follow-up, and the change it tells of is stored once. Before, slack_sdk's
WebhookClient returned the 500 without raising: the follow-up was marked sent and the person
was never told (found by review, after the same fix to the "which goal?" click)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.goals.views import digest as digest_views
from bot.platform.runtime import Runtime
from bot.questions.views import posts
from bot.questions.views import ratings as rating_views
from bot.questions.views import replies as question_views
from storage import questions as store
from storage import questions_votes as votes
from storage.models import AnswerRating, GoalSignal, OutboxMessage
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import REP2, TRIAGE, answer, ask, setup_team
from tests.handlers.test_goals_reactions import posted_digest
from tests.http_mode import lazy_rows, run_queue
from tests.slack_signing import SlackHTTP, block_action_payload

FAULTS: dict[str, Callable[[FakeSlack], None]] = {
    "a 500": lambda slack: slack.fail("response_url", status=500),
    "a dropped connection": lambda slack: slack.drop("response_url", times=2),  # and its retry
}


def told(slack: FakeSlack, url: str) -> list[str]:
    return [str(c.params["text"]) for c in slack.responses(url) if c.status == 200]


def failed_then_sent(background: Runtime, engine: Engine, function: str) -> None:
    """The newest follow-up `function`: its reply fails, it is kept and run again."""
    background.outbox.deliver_due()
    row = max(lazy_rows(engine, function), key=lambda r: r.id or 0)
    assert row.status == "pending" and row.error, (row.status, row.error)
    run_queue(background, engine)
    row = max(lazy_rows(engine, function), key=lambda r: r.id or 0)
    assert row.status == "sent" and row.attempts == 2, (row.status, row.attempts, row.error)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failed_reply_to_a_plus_one_not_counted_is_retried(
    fault: str, web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(web, "Do you support SSO with Okta?")
    run_queue(background, engine)  # the triage post
    first = block_action_payload(posts.PLUS_ONE_BUTTON, "1", user_id=REP2, channel_id=TRIAGE)
    assert web.action(first)[0] == 200
    run_queue(background, engine)  # counted: the post's update
    FAULTS[fault](slack)
    url = slack.new_response_url()
    again = block_action_payload(
        posts.PLUS_ONE_BUTTON, "1", user_id=REP2, channel_id=TRIAGE, response_url=url
    )
    assert web.action(again)[0] == 200
    assert slack.responses(url) == []  # the web worker did not wait on the response_url
    failed_then_sent(background, engine, "after_plus_one")  # the second click's follow-up
    assert told(slack, url) == [question_views.NOT_COUNTED]
    with Session(engine) as session:
        assert votes.voters(session, 1) == [REP2]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failed_reply_to_this_answers_it_is_retried_and_the_rating_stored_once(
    fault: str, web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(web, "Does the product support single sign-on with Okta?")
    run_queue(background, engine)
    assert answer(web, 1, "Yes, SAML SSO with Okta.")[0] == 200
    run_queue(background, engine)
    asked = slack.new_response_url()
    ask(web, "Can we use Okta single sign-on?", user=REP2, response_url=asked)
    run_queue(background, engine)
    (suggestion,) = slack.responses(asked)
    [value] = [
        e["value"]
        for b in suggestion.params["blocks"]
        for e in b.get("elements", [])
        if e.get("action_id") == rating_views.ANSWERS_BUTTON
    ]
    FAULTS[fault](slack)
    url = slack.new_response_url()
    click = block_action_payload(rating_views.ANSWERS_BUTTON, value, user_id=REP2, response_url=url)
    assert web.action(click)[0] == 200
    assert slack.responses(url) == []
    with Session(engine) as session:
        assert store.get(session, TEAM, 2).status == "resolved"  # type: ignore[union-attr]
    failed_then_sent(background, engine, "after_rating")
    assert told(slack, url) == [rating_views.resolved(2, 1)]
    with Session(engine) as session:
        ratings = list(session.exec(select(AnswerRating)))
        assert [(r.question_id, r.user_id, r.verdict) for r in ratings] == [(2, REP2, "answers")]
        updates = [
            r.key
            for r in session.exec(select(OutboxMessage))
            if r.key.startswith("triage-update:2:")
        ]
    assert len(updates) == 1  # the new question's triage post updated once, not per run


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failed_reply_to_a_goal_signal_is_retried_and_the_signal_stored_once(
    fault: str, web: SlackHTTP, background: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    digest = posted_digest(background, engine)
    FAULTS[fault](slack)
    url = slack.new_response_url()
    payload = block_action_payload(
        digest_views.SIGNAL_RISK, user_id=REP2, channel_id=digest.channel,
        message_ts=digest.ts or "", response_url=url, action_type="static_select",
        selected_option={"text": "goal", "value": "1"},
    )  # fmt: skip
    assert web.action(payload)[0] == 200
    assert slack.responses(url) == []
    failed_then_sent(background, engine, "after_signal")
    (said,) = told(slack, url)
    assert "you see a risk in *Signed contracts*" in said
    with Session(engine) as session:
        rows = session.exec(select(GoalSignal))
        assert [(r.goal_id, r.user_id, r.kind) for r in rows] == [(1, REP2, "risk")]
