"""Capture surfaces end to end: the modal, the message shortcut, search, bad input."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.questions.views import modals
from bot.questions.views import replies as views
from storage.models import Question
from tests.blockkit import assert_valid_modal
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    REP,
    REP2,
    answer,
    ask,
    dms,
    setup_team,
    triage_posts,
)
from tests.slack_signing import SlackHTTP, message_action_payload, view_submission_payload


def _questions(engine: Engine) -> list[Question]:
    with Session(engine) as session:
        return list(session.exec(select(Question)))


def _form(text: str, **extra: object) -> dict[str, dict[str, object]]:
    values: dict[str, dict[str, object]] = {"question": {"text": text}}
    for block_id, value in extra.items():
        values[block_id] = {block_id: value}
    return values


def _option(value: str) -> dict[str, object]:
    return {"type": "static_select", "selected_option": {"text": value, "value": value}}


def test_empty_command_opens_the_modal_and_submission_logs_it(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    status, body = http.command(views.COMMAND, "", user_id=REP)
    assert status == 200 and body == ""
    (opened,) = slack.wait_for("views.open")
    modal = opened.json("view")
    assert_valid_modal(modal)
    assert modal["callback_id"] == modals.CAPTURE_MODAL
    assert [b["block_id"] for b in modal["blocks"]] == [
        "question",
        "prospect",
        "segment",
        "stage",
        "tags",
        "urgency",
    ]
    values = _form(
        "What is your uptime SLA?",
        prospect="Acme Corp",
        segment="Fintech",
        stage=_option("decision"),
        tags="reliability, legal",
        urgency=_option("high"),
    )
    status, reply = http.submit(view_submission_payload(modals.CAPTURE_MODAL, values, user_id=REP))
    assert status == 200 and reply["response_action"] == "update"
    assert "*#1*" in json.dumps(reply["view"]["blocks"])
    assert_valid_modal(reply["view"])
    (post,) = triage_posts(slack)
    context = json.dumps(post.json("blocks"))
    for shown in ("Acme Corp", "Fintech", "decision", "reliability, legal", "high"):
        assert shown in context
    (q,) = _questions(engine)
    assert (q.prospect, q.stage, q.urgency, q.asker_id) == ("Acme Corp", "decision", "high", REP)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (_form("   "), "question"),
        (_form("x" * 3001), "question"),
        (_form("Fine question?", stage=_option("bargaining")), "stage"),
        (_form("Fine question?", urgency=_option("yesterday")), "urgency"),
        (_form("Fine question?", prospect="p" * 151), "prospect"),
    ],
)
def test_modal_errors_are_inline_and_store_nothing(
    http: SlackHTTP, engine: Engine, values: dict[str, dict[str, object]], field: str
) -> None:
    status, reply = http.submit(view_submission_payload(modals.CAPTURE_MODAL, values))
    assert status == 200 and reply["response_action"] == "errors"
    assert field in reply["errors"]
    assert _questions(engine) == []


def test_message_shortcut_prefills_and_keeps_a_permalink(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    payload = message_action_payload(
        views.SHORTCUT, "Can you do SSO &amp; SCIM?", user_id=REP, channel_id="C0DEALS001"
    )
    assert http.action(payload)[0] == 200
    (opened,) = slack.wait_for("views.open")
    modal = opened.json("view")
    assert modal["blocks"][0]["element"]["initial_value"] == "Can you do SSO & SCIM?"
    submission = view_submission_payload(
        modals.CAPTURE_MODAL,
        _form("Can you do SSO & SCIM?"),
        user_id=REP,
        private_metadata=modal["private_metadata"],
    )
    assert http.submit(submission)[1]["response_action"] == "update"
    (post,) = triage_posts(slack)
    (link,) = slack.calls_to("chat.getPermalink")
    assert link.params["channel"] == "C0DEALS001"
    assert "/archives/C0DEALS001/p" in json.dumps(post.json("blocks"))
    (q,) = _questions(engine)
    assert q.source_permalink and q.source_ts == payload["message_ts"]


def test_search_returns_answered_questions_only(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Do you support Salesforce integration?")
    ask(http, "Is the Salesforce sync real time?")
    answer(http, 1, "Yes, with the native connector.")
    dms(slack, REP)
    body = ask(http, "search salesforce", user=REP2)
    blocks = json.dumps(body["blocks"])
    assert "*#1*" in blocks and "native connector" in blocks
    assert "#2" not in blocks
    assert "No answered questions" in ask(http, "search kubernetes")["text"]
    assert len(_questions(engine)) == 2  # searching stores nothing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("search", "what to search"),
        ("frobnicate", "I don't know `frobnicate`"),
        ("edit", "question number"),
        ("edit 1", "new text"),
        ("withdraw abc", "question number"),
        ("Why? " + "x" * 3000, "limit is 3000"),
        ("help", "Try"),
    ],
)
def test_bad_input_is_explained_and_stores_nothing(
    http: SlackHTTP, engine: Engine, text: str, expected: str
) -> None:
    body = ask(http, text)
    assert body["response_type"] == "ephemeral"
    assert expected in body["text"]
    assert "/prospect-question" in body["text"]
    assert _questions(engine) == []


@pytest.mark.parametrize(
    "text",
    [
        "Help desk: do you integrate with Zendesk?",
        "Edit history: do you keep an audit trail of changes?",
        "Withdraw consent: how does a user delete their data?",
    ],
)
def test_a_question_that_starts_like_a_subcommand_is_logged(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, text: str
) -> None:
    """Found by the demo: a real question starting with “Help”, “Edit” or “Withdraw” was
    taken for that subcommand (usage reply, nothing stored)."""
    setup_team(engine)
    body = ask(http, text)
    assert "Logged your question as *#1*" in body["text"]
    (post,) = triage_posts(slack)
    assert "Prospect question #1" in post.params["text"]
    (q,) = _questions(engine)
    assert q.text == text


def test_a_mistyped_edit_number_is_answered_with_usage_not_logged(
    http: SlackHTTP, engine: Engine
) -> None:
    from sqlmodel import Session, select

    from storage.models import Question

    for text in ("edit -1 A new wording?", "edit ² A new wording?", "withdraw #0x9?"):
        body = ask(http, text)
        assert "question number" in body["text"], text
    with Session(engine) as session:
        assert session.exec(select(Question)).all() == []
