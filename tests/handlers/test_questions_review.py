"""Answer freshness end to end: the review DM once per due date, Still true / Update / Retire
for marketers only and once per click, stale answers marked, retired ones never shown."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.platform.runtime import Runtime
from bot.questions import review
from bot.questions.views import modals, posts
from bot.questions.views import review as views
from storage import people, roles
from storage import questions as store
from storage import questions_review as reviews
from storage.clock import utcnow
from storage.models import Answer
from tests.conftest import TEAM, outbox_settled
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    MARKETER,
    REP,
    TRIAGE,
    answer,
    ask,
    dms,
    setup_team,
    triage_posts,
    updates,
)
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

MARKETER2 = "U0MKT00002"


def at_work(after: datetime) -> datetime:
    """The first Wednesday 16:00 UTC from `after` on: working hours in New York, the fake
    Slack's zone for everyone (review DMs go out in the person's hours)."""
    when = after.date() + timedelta(days=(2 - after.weekday()) % 7)
    moment = datetime.combine(when, time(16), UTC)
    return moment if moment >= after else moment + timedelta(days=7)


def answered(http: SlackHTTP, slack: FakeSlack, engine: Engine, days: str = "30") -> Answer:
    """Question #1 asked by REP and answered by MARKETER, due for review in `days` days."""
    setup_team(engine)
    ask(http, "Do you support Okta single sign-on?")
    triage_posts(slack)
    values = {
        "answer": {"answer": "Yes, SAML via Okta."},
        "link": {"link": ""},
        "review": {"review": {"type": "static_select", "selected_option": {"value": days}}},
    }
    payload = view_submission_payload(
        modals.ANSWER_MODAL, values, user_id=MARKETER, private_metadata="1"
    )
    status, reply = http.submit(payload)
    assert status == 200 and reply == "", reply
    dms(slack, REP)
    outbox_settled(engine)
    with Session(engine) as session:
        a = store.latest_answer(session, 1)
    assert a is not None
    return a


def due_dms(slack: FakeSlack, user: str) -> list[Any]:
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params.get("channel") == user and views.VERIFY_BUTTON in str(c.params.get("blocks"))
    ]


def click(http: SlackHTTP, slack: FakeSlack, action_id: str, value: str, user: str) -> str:
    url = slack.new_response_url()
    payload = block_action_payload(
        action_id, value, user_id=user, channel_id=user, response_url=url
    )
    status, _ = http.action(payload)
    assert status == 200
    return url


def reply(slack: FakeSlack, url: str) -> Any:
    path = "/response/" + url.rsplit("/", 1)[1]
    (call,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    return call


def test_a_due_answer_gets_one_review_dm_and_still_true_verifies_it_once(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    a = answered(http, slack, engine, days="30")
    assert a.review_by is not None and a.review_by - a.created_at == timedelta(days=30)
    assert review.send_due_reviews(runtime, at_work(utcnow() + timedelta(days=22))) == 0
    later = at_work(utcnow() + timedelta(days=31))
    assert review.send_due_reviews(runtime, later) == 1
    assert review.send_due_reviews(runtime, later) == 0  # the next tick sends nothing more
    (dm,) = slack.wait_for("chat.postMessage", where=lambda c: c in due_dms(slack, MARKETER))
    blocks = json.dumps(dm.json("blocks"))
    assert "Still true" in blocks and "Update" in blocks and "Retire" in blocks
    value = views.verify_value(a)

    refused = click(http, slack, views.VERIFY_BUTTON, value, REP)  # reps may not verify
    assert ":lock:" in reply(slack, refused).params["text"]
    first = click(http, slack, views.VERIFY_BUTTON, value, MARKETER)
    second = click(http, slack, views.VERIFY_BUTTON, value, MARKETER)  # a double click
    assert "verified the answer" in reply(slack, first).params["text"]
    assert "Nothing to do" in reply(slack, second).params["text"]
    with Session(engine) as session:
        again = reviews.get(session, TEAM, a.id or 0)
    assert again is not None and again.verified_by == MARKETER and again.reminded_at is None
    assert again.verified_at is not None and again.review_by is not None
    assert again.review_by == again.verified_at + timedelta(days=30) > a.review_by
    # Verified: not due again before its new date; then one new DM (a new outbox key).
    assert review.send_due_reviews(runtime, again.review_by - timedelta(seconds=1)) == 0
    assert review.send_due_reviews(runtime, at_work(again.review_by)) == 1
    slack.wait_for("chat.postMessage", 2, where=lambda c: c in due_dms(slack, MARKETER))


def test_an_author_who_left_is_replaced_by_the_marketers(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    answered(http, slack, engine)
    with Session(engine) as session:
        roles.revoke(session, TEAM, MARKETER, "marketer")
        roles.grant(session, TEAM, MARKETER2, "marketer", None)
    assert review.send_due_reviews(runtime, at_work(utcnow() + timedelta(days=31))) == 1
    (dm,) = slack.wait_for("chat.postMessage", where=lambda c: c in due_dms(slack, MARKETER2))
    assert f"<@{MARKETER}>'s answer" in json.dumps(dm.json("blocks"))
    assert due_dms(slack, MARKETER) == []


def test_an_answer_nobody_may_review_stays_due_until_someone_may(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    a = answered(http, slack, engine)
    monkeypatch.setattr(runtime.settings, "lockstep_admins", "")
    with Session(engine) as session:
        roles.revoke(session, TEAM, MARKETER, "marketer")
        assert roles.members_with(session, TEAM, "admin") == []
    later = at_work(utcnow() + timedelta(days=31))
    assert review.send_due_reviews(runtime, later) == 0  # no one to ask: not marked reminded
    with Session(engine) as session:
        again = reviews.get(session, TEAM, a.id or 0)
        assert again is not None and again.reminded_at is None
        roles.grant(session, TEAM, MARKETER2, "marketer", None)
    assert review.send_due_reviews(runtime, later) == 1
    slack.wait_for("chat.postMessage", where=lambda c: c in due_dms(slack, MARKETER2))


def test_a_stale_answer_is_marked_in_suggestions_and_search(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    a = answered(http, slack, engine)
    with Session(engine) as session:  # its review date passed a day ago
        row = session.get(Answer, a.id)
        assert row is not None
        row.review_by = utcnow() - timedelta(days=1)
        session.add(row)
        session.commit()
    status, body = http.command("/prospect-question", "search okta sign-on", user_id=REP)
    text = json.dumps(body["blocks"])
    assert status == 200 and "SAML via Okta" in text and "not verified since" in text


def test_retire_reopens_the_question_once_and_hides_the_answer(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    a = answered(http, slack, engine)
    refused = click(http, slack, views.RETIRE_BUTTON, str(a.id), REP)
    assert ":lock:" in reply(slack, refused).params["text"]
    first = click(http, slack, views.RETIRE_BUTTON, str(a.id), MARKETER)
    second = click(http, slack, views.RETIRE_BUTTON, str(a.id), MARKETER)
    assert "retired the answer" in reply(slack, first).params["text"]
    assert "Nothing to do" in reply(slack, second).params["text"]
    # The triage post has its Answer button again, and its thread says why.
    (update,) = updates(slack, containing=posts.ANSWER_BUTTON)[-1:]
    assert "Okta" in str(update.params.get("blocks"))
    in_thread = lambda c: c.params.get("channel") == TRIAGE and "thread_ts" in c.params  # noqa: E731
    (note,) = slack.wait_for("chat.postMessage", where=in_thread)
    assert "retired the answer" in note.params["text"]
    outbox_settled(engine)
    with Session(engine) as session:
        q = store.get(session, TEAM, 1)
        assert q is not None and q.status == "open"
    status, body = http.command("/prospect-question", "search okta sign-on", user_id=REP)
    assert "SAML via Okta" not in json.dumps(body)
    assert review.send_due_reviews(runtime, at_work(utcnow() + timedelta(days=400))) == 0
    # Marketing can answer it anew.
    answer(http, 1, "Yes, via SAML and SCIM.")
    assert "SAML and SCIM" in json.dumps(dms(slack, REP, 2)[-1].json("blocks"))


def test_update_opens_the_answer_form_filled_in_and_answers_anew(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    a = answered(http, slack, engine, days="180")
    click(http, slack, views.UPDATE_BUTTON, str(a.id), REP)
    (refusal,) = slack.wait_for("views.open")
    assert ":lock:" in json.dumps(refusal.json("view"))
    click(http, slack, views.UPDATE_BUTTON, str(a.id), MARKETER)
    opened = slack.wait_for("views.open", 2)[-1].json("view")
    assert opened["callback_id"] == modals.ANSWER_MODAL
    assert "SAML via Okta" in json.dumps(opened)
    review_block = next(b for b in opened["blocks"] if b.get("block_id") == "review")
    assert review_block["element"]["initial_option"]["value"] == "180"
    answer(http, 1, "Yes: SAML via Okta, and SCIM since March.")
    assert "SCIM since March" in json.dumps(dms(slack, REP, 2)[-1].json("blocks"))
    with Session(engine) as session:
        latest = store.latest_answer(session, 1)
    assert latest is not None and latest.id != a.id
    assert review.send_due_reviews(runtime, at_work(utcnow() + timedelta(days=100))) == 1


def test_the_workspace_default_review_period_fills_the_answer_form(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    from bot.questions.views import posts as question_posts
    from tests.conftest import ADMIN
    from tests.handlers.question_helpers import press

    setup_team(engine)
    status, body = http.command("/lockstep", "config answer-review 45", user_id=ADMIN)
    assert "30, 60, 90, 180, 365" in body["text"]
    status, body = http.command("/lockstep", "config answer-review 180", user_id=MARKETER)
    assert ":lock:" in body["text"]  # admins only
    status, body = http.command("/lockstep", "config answer-review 180", user_id=ADMIN)
    assert "180 days" in body["text"]
    assert (
        "Answers reviewed after: 180 days"
        in http.command("/lockstep", "config", user_id=ADMIN)[1]["text"]
    )
    ask(http, "Do you support Okta single sign-on?")
    triage_posts(slack)
    press(http, question_posts.ANSWER_BUTTON, 1, MARKETER)
    form = slack.wait_for("views.open")[-1].json("view")
    review_block = next(b for b in form["blocks"] if b.get("block_id") == "review")
    assert review_block["element"]["initial_option"]["value"] == "180"


def test_the_review_dm_waits_for_working_hours_and_skips_who_is_away(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    """Found by review: the DM went out the minute the answer came due (a Saturday, 03:00 in
    New York) and to people on leave; nudges promise working hours."""
    a = answered(http, slack, engine, days="30")
    wednesday = at_work(utcnow() + timedelta(days=35))
    saturday_night = wednesday - timedelta(days=4, hours=8)  # Sat 08:00 UTC, 03:00 in New York
    assert a.review_by is not None and saturday_night > a.review_by  # due then
    assert review.send_due_reviews(runtime, saturday_night) == 0
    outbox_settled(engine)
    assert due_dms(slack, MARKETER) == []
    with Session(engine) as session:
        still = reviews.get(session, TEAM, a.id or 0)
        assert still is not None and still.reminded_at is None  # due, for a later tick
    assert review.send_due_reviews(runtime, wednesday) == 1
    slack.wait_for("chat.postMessage", where=lambda c: c in due_dms(slack, MARKETER))
    # Verified, then due again while its author is away: nobody on leave is asked.
    value = views.verify_value(a)
    reply(slack, click(http, slack, views.VERIFY_BUTTON, value, MARKETER))
    with Session(engine) as session:
        again = reviews.get(session, TEAM, a.id or 0)
        assert again is not None and again.review_by is not None
        back = at_work(again.review_by)
        people.set_away(session, TEAM, MARKETER, back.date() - timedelta(days=1), back.date(), "")
    assert review.send_due_reviews(runtime, back) == 0
    outbox_settled(engine)
    assert len(due_dms(slack, MARKETER)) == 1
