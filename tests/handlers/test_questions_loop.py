"""The whole loop over real HTTP and the fake Slack: capture -> triage -> +1 -> answer -> DMs."""

from __future__ import annotations

import copy
import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.platform.runtime import Runtime
from bot.questions import posts as question_posts
from bot.questions.views import posts
from storage import questions_votes as votes
from storage import workspaces
from storage.clock import utcnow
from storage.models import Answer, Question
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    MARKETER,
    REP,
    REP2,
    TRIAGE,
    answer,
    ask,
    dms,
    press,
    sent_triage_row,
    setup_team,
    triage_posts,
    updates,
)
from tests.slack_signing import SlackHTTP


def test_capture_triage_plus_one_answer_and_dms(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    body = ask(http, "Do you integrate with Salesforce CPQ?")
    assert body["response_type"] == "ephemeral"
    assert "*#1*" in body["text"] and f"<#{TRIAGE}>" in body["text"]

    (post,) = triage_posts(slack)
    message = {"text": post.params["text"], "blocks": post.json("blocks")}
    assert_valid_message(message)
    assert "Salesforce CPQ" in json.dumps(message["blocks"])
    actions = [b for b in message["blocks"] if b["type"] == "actions"][0]
    assert [e["action_id"] for e in actions["elements"]] == [
        posts.ANSWER_BUTTON,
        posts.PLUS_ONE_BUTTON,
        posts.DUPLICATE_BUTTON,
    ]

    assert press(http, posts.PLUS_ONE_BUTTON, 1, REP2)[0] == 200
    assert press(http, posts.PLUS_ONE_BUTTON, 1, REP2)[0] == 200  # counted once per person
    assert press(http, posts.PLUS_ONE_BUTTON, 1, REP)[0] == 200  # the asker is not a +1
    updates(slack, containing="2 reps heard")
    with Session(engine) as session:
        assert votes.asked_by_count(session, 1) == 2

    assert press(http, posts.ANSWER_BUTTON, 1, MARKETER)[0] == 200
    (opened,) = slack.wait_for("views.open")
    assert opened.json("view")["callback_id"] == "question_answer"

    status, ack = answer(http, 1, "Yes: natively, both ways.", link="https://example.com/cpq")
    assert status == 200 and ack == ""
    (asker_dm,) = dms(slack, REP)
    (plus_one_dm,) = dms(slack, REP2)
    assert "your question" in asker_dm.params["text"]
    assert "a question you also heard" in plus_one_dm.params["text"]
    assert "natively" in json.dumps(asker_dm.json("blocks"))
    assert "https://example.com/cpq" in json.dumps(plus_one_dm.json("blocks"))

    (answered,) = updates(slack, containing="Answered by")
    assert answered.params["channel"] == TRIAGE
    assert f"<@{MARKETER}>" in json.dumps(answered.json("blocks"))
    with Session(engine) as session:
        q = session.get(Question, 1)
        assert q is not None and q.status == "answered"
        assert q.time_to_first_answer is not None and q.time_to_first_answer.total_seconds() >= 0


def test_answer_updates_the_triage_post_in_place(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Is there an on-premise edition?")
    triage_posts(slack)
    row = sent_triage_row(engine, 1)
    answer(http, 1, "No, cloud only.")
    (update,) = updates(slack, containing="Answered by")
    assert update.params["ts"] == row.result_ts
    assert update.params["channel"] == row.result_channel


def test_similar_questions_are_suggested_with_their_answers(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Does the product support single sign-on with Okta?")
    answer(http, 1, "Yes, SAML SSO with Okta and Azure AD.")
    dms(slack, REP)
    ask(http, "What does the pricing look like for 50 seats?")
    url = slack.new_response_url()
    body = ask(http, "Can we use Okta single sign-on?", user=REP2, response_url=url)
    assert "*#3*" in body["text"]  # the ack: stored at once, with its number
    (follow_up,) = slack.wait_for("response_url")  # the lazy listener's search
    assert follow_up.path.endswith(url.rsplit("/", 1)[1])
    assert follow_up.params["response_type"] == "ephemeral"
    assert_valid_message(follow_up.params)
    blocks = json.dumps(follow_up.params["blocks"])
    assert "*#1*" in blocks and "SAML SSO" in blocks
    assert "#2" not in blocks  # unrelated questions are not suggested


def test_retried_command_makes_one_question_and_one_post(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Is there a SOC 2 type II report?", response_url=slack.new_response_url())
    url = slack.new_response_url()
    first = ask(http, "Do you have a SOC 2 report?", trigger_id="123.456.retry", response_url=url)
    again = ask(http, "Do you have a SOC 2 report?", trigger_id="123.456.retry", response_url=url)
    assert "*#2*" in first["text"] and "*#2*" in again["text"]
    triage_posts(slack, 2)
    answer(http, 2, "Yes, type II.", view_id="V0ANSWER01")
    answer(http, 2, "Yes, type II.", view_id="V0ANSWER01")
    dms(slack, REP)
    updates(slack, containing="Answered by")
    with Session(engine) as session:
        assert len(list(session.exec(select(Question)))) == 2
        assert len(list(session.exec(select(Answer)))) == 1
    slack.wait_for("chat.update")
    assert len(triage_posts(slack)) == 2
    assert len(dms(slack, REP)) == 1
    assert slack.responses(url)  # the similar-questions follow-up


def test_without_triage_channel_questions_queue_and_admins_are_told_once(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    setup_team(engine, triage=None)
    body = ask(http, "Do you support HIPAA workloads?")
    assert "queued" in body["text"]
    ask(http, "Is there a sandbox for trials?")
    (nudge,) = dms(slack, ADMIN)
    assert "/lockstep config triage-channel #channel" in nudge.params["text"]
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel=TRIAGE)
    assert question_posts.post_queued(runtime, utcnow()) == 2
    assert len(triage_posts(slack, 2)) == 2
    assert question_posts.post_queued(runtime, utcnow()) == 0
    assert len(dms(slack, ADMIN)) == 1


def test_lazy_listeners_share_the_process_runtime(runtime: Runtime) -> None:
    """Bolt deep-copies the context for lazy listeners; the shared objects must survive as-is."""
    context = {"runtime": runtime, "engine": runtime.engine, "outbox": runtime.outbox}
    copied = copy.deepcopy(context)
    assert all(copied[name] is context[name] for name in context)
