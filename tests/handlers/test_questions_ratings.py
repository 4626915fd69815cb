"""“This answers it” / “Not quite” end to end: a suggestion resolves the new question once,
only for its asker or marketing; a miss keeps it open; the answer DM's verdicts."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.questions.views import modals, posts
from bot.questions.views import ratings as views
from storage import questions as store
from storage import questions_ratings as rated
from storage import questions_votes as votes
from storage.clock import utcnow
from storage.models import AnswerRating, OutboxMessage
from tests.blockkit import assert_valid_message, assert_valid_modal
from tests.conftest import TEAM, outbox_settled
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    REP,
    REP2,
    REP3,
    TRIAGE,
    answer,
    ask,
    dms,
    press,
    setup_team,
    triage_posts,
    updates,
)
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload


def suggested(http: SlackHTTP, slack: FakeSlack, engine: Engine) -> dict[str, Any]:
    """#1 answered; REP2 asks #2, alike: the suggestion reply (with its buttons)."""
    setup_team(engine)
    ask(http, "Does the product support single sign-on with Okta?")
    triage_posts(slack)
    answer(http, 1, "Yes, SAML SSO with Okta.")
    dms(slack, REP)
    url = slack.new_response_url()
    ask(http, "Can we use Okta single sign-on?", user=REP2, response_url=url)
    (reply,) = slack.responses(url) or slack.wait_for("response_url")
    assert_valid_message(reply.params)
    triage_posts(slack, 2)
    return dict(reply.params)


def button(message: dict[str, Any], action_id: str) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} in {json.dumps(message)}")


def click(
    http: SlackHTTP, slack: FakeSlack, action_id: str, value: str, user: str, **kw: Any
) -> str:
    url = slack.new_response_url()
    payload = block_action_payload(action_id, value, user_id=user, response_url=url, **kw)
    assert http.action(payload)[0] == 200
    return url


def said(slack: FakeSlack, url: str) -> str:
    path = "/response/" + url.rsplit("/", 1)[1]
    (call,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    return str(call.params["text"])


def ratings(engine: Engine) -> list[tuple[int, int, str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(AnswerRating).order_by(AnswerRating.id))  # type: ignore[arg-type]
        return [(r.answer_id, r.question_id, r.user_id, r.verdict) for r in rows]


def test_this_answers_it_resolves_the_new_question_once(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    reply = suggested(http, slack, engine)
    value = button(reply, views.ANSWERS_BUTTON)
    assert value == "2:1"
    assert "Only the rep who asked" in said(
        slack, click(http, slack, views.ANSWERS_BUTTON, value, REP3)
    )
    first = click(http, slack, views.ANSWERS_BUTTON, value, REP2)
    second = click(http, slack, views.ANSWERS_BUTTON, value, REP2)  # a double click
    assert "is resolved with the answer to *#1*" in said(slack, first)
    assert "Already noted" in said(slack, second)
    updates(slack, containing="Resolved by the answer to question #1")
    updates(slack, containing="2 reps heard")
    outbox_settled(engine)
    with Session(engine) as session:
        q = store.get(session, TEAM, 2)
        assert q is not None and (q.status, q.duplicate_of) == ("resolved", 1)
        assert votes.asked_by_count(session, 1) == 2
    assert ratings(engine) == [(1, 2, REP2, "answers")]
    # Not quite after it changes nothing: the first verdict stands.
    assert "Already noted" in said(slack, click(http, slack, views.NOT_QUITE_BUTTON, value, REP2))


def test_not_quite_keeps_the_question_open_and_counts_the_miss(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    reply = suggested(http, slack, engine)
    value = button(reply, views.NOT_QUITE_BUTTON)
    assert "answer missed" in said(slack, click(http, slack, views.NOT_QUITE_BUTTON, value, REP2))
    assert "Already noted" in said(slack, click(http, slack, views.NOT_QUITE_BUTTON, value, REP2))
    outbox_settled(engine)
    with Session(engine) as session:
        q = store.get(session, TEAM, 2)
        assert q is not None and q.status == "open"
        now = utcnow()
        assert rated.answers_missed(session, TEAM, now - timedelta(days=1), now) == 1
    assert ratings(engine) == [(1, 2, REP2, "not_quite")]
    assert not any("thread_ts" in c.params for c in slack.calls_to("chat.postMessage"))


def test_a_plus_oner_who_did_not_ask_may_say_not_quite_but_not_resolve(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    reply = suggested(http, slack, engine)  # REP2 asked #2
    assert press(http, posts.PLUS_ONE_BUTTON, 2, REP3)[0] == 200
    outbox_settled(engine)
    resolve, miss = button(reply, views.ANSWERS_BUTTON), button(reply, views.NOT_QUITE_BUTTON)
    assert "Only the rep who asked" in said(
        slack, click(http, slack, views.ANSWERS_BUTTON, resolve, REP3)
    )
    assert "answer missed" in said(slack, click(http, slack, views.NOT_QUITE_BUTTON, miss, REP3))
    outbox_settled(engine)
    with Session(engine) as session:
        q = store.get(session, TEAM, 2)
        assert q is not None and q.status == "open"
    assert ratings(engine) == [(1, 2, REP3, "not_quite")]


def test_an_answered_question_is_not_resolved_by_a_suggestion(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    reply = suggested(http, slack, engine)
    answer(http, 2, "Yes: SAML with Okta, set up in Settings.")
    value = button(reply, views.ANSWERS_BUTTON)
    assert "Already noted" in said(slack, click(http, slack, views.ANSWERS_BUTTON, value, REP2))
    outbox_settled(engine)
    with Session(engine) as session:
        q = store.get(session, TEAM, 2)
        assert q is not None and (q.status, q.duplicate_of) == ("answered", None)


def test_the_answer_dm_carries_the_buttons_and_a_miss_reaches_the_triage_thread(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Is there a public roadmap?")
    triage_posts(slack)
    answer(http, 1, "Not public.")
    (dm,) = dms(slack, REP)
    value = button(dm.params | {"blocks": dm.json("blocks")}, views.NOT_QUITE_BUTTON)
    assert value == "1:1"
    text = said(slack, click(http, slack, views.NOT_QUITE_BUTTON, value, REP))
    assert "answer missed" in text and "stays open" not in text and "can update" in text
    in_thread = lambda c: c.params.get("channel") == TRIAGE and "thread_ts" in c.params  # noqa: E731
    (note,) = slack.wait_for("chat.postMessage", where=in_thread)
    assert "does not quite answer it" in note.params["text"]
    with Session(engine) as session:
        q = store.get(session, TEAM, 1)
        assert q is not None and q.status == "answered"  # the DM's own question stays answered


def test_rating_from_the_capture_modal_updates_the_modal(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Does the product support single sign-on with Okta?")
    answer(http, 1, "Yes, SAML SSO with Okta.")
    dms(slack, REP)
    values = {"question": {"text": "Okta single sign-on, is it supported?"}}
    status, reply = http.submit(view_submission_payload(modals.CAPTURE_MODAL, values, user_id=REP2))
    assert status == 200 and reply["response_action"] == "update"
    assert_valid_modal(reply["view"])
    value = button(reply["view"], views.ANSWERS_BUTTON)
    view = {"id": "V0LASTPAGE", **reply["view"]}
    payload = block_action_payload(views.ANSWERS_BUTTON, value, user_id=REP2, view=view)
    assert http.action(payload)[0] == 200
    (update,) = slack.wait_for("views.update")
    assert update.params["view_id"] == "V0LASTPAGE"
    assert "is resolved with the answer to *#1*" in json.dumps(update.json("view"))
    outbox_settled(engine)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AnswerRating)).one() == 1


def test_a_rating_from_a_form_closed_since_is_kept_and_alerts_nobody(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    """Found by review: the person closes the capture form right after rating; views.update
    answers not_found, and the follow-up failed 8 times, then DMed every admin."""
    setup_team(engine)
    ask(http, "Does the product support single sign-on with Okta?")
    answer(http, 1, "Yes, SAML SSO with Okta.")
    dms(slack, REP)
    values = {"question": {"text": "Okta single sign-on, is it supported?"}}
    status, reply = http.submit(view_submission_payload(modals.CAPTURE_MODAL, values, user_id=REP2))
    assert status == 200 and reply["response_action"] == "update"
    value = button(reply["view"], views.ANSWERS_BUTTON)
    slack.fail("views.update", status=200, error="not_found", times=1)
    view = {"id": "V0CLOSED01", **reply["view"]}
    payload = block_action_payload(views.ANSWERS_BUTTON, value, user_id=REP2, view=view)
    assert http.action(payload)[0] == 200
    slack.wait_for("views.update")
    outbox_settled(engine)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AnswerRating)).one() == 1
        (run,) = session.exec(
            select(OutboxMessage).where(OutboxMessage.key.startswith("lazy:after_rating"))  # type: ignore[attr-defined]
        ).all()
    assert (run.status, run.attempts) == ("sent", 1)
