"""Triage end to end: duplicates, edit/withdraw rights, role checks, escaping everywhere."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.questions.views import posts
from storage import questions_votes as votes
from storage.models import Answer, Question
from tests.blockkit import live_mentions
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    MARKETER,
    REP,
    REP2,
    REP3,
    answer,
    ask,
    dms,
    merge,
    press,
    setup_team,
    triage_posts,
    updates,
)
from tests.slack_signing import SlackHTTP


def test_duplicate_merge_adds_counts_and_points_the_asker_to_the_answer(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Do you offer volume discounts?", user=REP)
    ask(http, "Any discount for 500 seats?", user=REP2)
    triage_posts(slack, 2)
    press(http, posts.PLUS_ONE_BUTTON, 2, REP3)
    answer(http, 1, "Yes, from 100 seats.")
    dms(slack, REP)

    status, reply = merge(http, 2, "#1", user=REP3)  # reps may not merge
    assert reply["response_action"] == "errors"
    status, reply = merge(http, 2, "2")
    assert reply["errors"]["original"].startswith("A question can't be a duplicate of itself")
    status, reply = merge(http, 2, "#1")
    assert status == 200 and reply == ""

    for user in (REP2, REP3):  # the duplicate's asker and its +1 get the original's answer
        (dm,) = dms(slack, user)
        assert "merged into *#1*" in json.dumps(dm.json("blocks"))
        assert "from 100 seats" in json.dumps(dm.json("blocks"))
    updates(slack, containing="Merged into question #1")
    updates(slack, containing="3 reps heard")
    with Session(engine) as session:
        assert votes.asked_by_count(session, 1) == 3
        dup = session.get(Question, 2)
        assert dup is not None and (dup.status, dup.duplicate_of) == ("duplicate", 1)


def test_merged_askers_get_the_answer_when_it_comes(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Is there a public roadmap?", user=REP)
    ask(http, "Can prospects see the roadmap?", user=REP2)
    triage_posts(slack, 2)
    merge(http, 2, "1")
    assert "isn't answered yet" in json.dumps(dms(slack, REP2)[0].json("blocks"))
    answer(http, 1, "Under NDA, yes.")
    assert len(dms(slack, REP2, 2)) == 2  # the merge notice, then the answer


def test_only_the_asker_can_edit_or_withdraw(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Do you support SCIM provisioning?", user=REP)
    triage_posts(slack)
    assert "Only the rep who asked" in ask(http, "edit 1 Hijacked text", user=REP2)["text"]
    assert "Only the rep who asked" in ask(http, "withdraw 1", user=MARKETER)["text"]
    assert "I can't find" in ask(http, "edit 99 Other text", user=REP)["text"]

    body = ask(http, "edit 1 Do you support SCIM and SAML?", user=REP)
    assert "SCIM and SAML" in body["text"]
    updates(slack, containing="SCIM and SAML")
    assert "withdrawn" in ask(http, "withdraw #1", user=REP)["text"]
    updates(slack, containing="Withdrawn by the rep")
    assert "can't change" in ask(http, "edit 1 Too late", user=REP)["text"]
    with Session(engine) as session:
        q = session.get(Question, 1)
        assert q is not None and (q.status, q.text) == (
            "withdrawn",
            "Do you support SCIM and SAML?",
        )


def test_answer_and_merge_need_a_marketer_on_the_server(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Is data stored in the EU?")
    triage_posts(slack)
    press(http, posts.ANSWER_BUTTON, 1, REP2)
    (opened,) = slack.wait_for("views.open")
    assert ":lock:" in json.dumps(opened.json("view"))
    status, reply = answer(http, 1, "Forged answer", user=REP2)  # a forged view_submission
    assert reply["response_action"] == "errors"
    with Session(engine) as session:
        assert session.get(Answer, 1) is None
        q = session.get(Question, 1)
        assert q is not None and q.status == "open"
    press(http, posts.DUPLICATE_BUTTON, 1, MARKETER)
    opened = slack.wait_for("views.open", 2)[1]
    assert opened.json("view")["callback_id"] == "question_duplicate"
    status, reply = answer(http, 1, "Answer", link="javascript:alert(1)")
    assert "link" in reply["errors"]


def test_user_text_pings_nobody_in_any_post(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    # Slack entity-encodes what a user types; the bot decodes once and escapes once.
    evil = "&lt;!channel&gt; &lt;@U0VICTIM1&gt; &lt;https://evil.example|bank&gt; &amp; co?"
    reply = ask(http, evil, user=REP)
    ask(http, "<!here> <@U0VICTIM2> raw mentions?", user=REP2)
    triage_posts(slack, 2)
    press(http, posts.PLUS_ONE_BUTTON, 1, REP2)
    answer(http, 1, "<!everyone> <@U0VICTIM3> see <https://evil.example|docs>")
    dms(slack, REP)
    dms(slack, REP2)
    merge(http, 2, "1")
    dms(slack, REP2, 2)
    updates(slack, 3)
    ask(http, "channel victim bank co?", user=REP3, response_url=slack.new_response_url())
    (similar_call,) = slack.wait_for("response_url")
    similar = similar_call.params
    assert "*#1*" in json.dumps(similar["blocks"])
    search = ask(http, "search channel victim", user=REP3)
    allowed = (REP, REP2, REP3, MARKETER)
    sent = [c.params for c in slack.calls_to("chat.postMessage") + slack.calls_to("chat.update")]
    for payload in [reply, similar, search, *sent]:
        blocks = payload.get("blocks")
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        assert live_mentions({"text": payload.get("text"), "blocks": blocks}, allowed) == []
    with Session(engine) as session:
        q = session.get(Question, 1)
        assert q is not None and q.text.startswith("<!channel> <@U0VICTIM1>")
