"""“Use as answer” on a reply in a triage post's thread: marketers only, the answer form filled
in with the reply, the same DMs as the Answer button; nothing stored for other replies."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.kernel.text import ELLIPSIS
from bot.questions.views import modals
from handlers.questions_thread import SHORTCUT
from storage import questions as store
from storage.models import Answer
from tests.blockkit import assert_valid_modal
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.handlers.question_helpers import (
    MARKETER,
    REP,
    TRIAGE,
    ask,
    dms,
    sent_triage_row,
    setup_team,
    triage_posts,
    updates,
)
from tests.slack_signing import SlackHTTP, message_action_payload, view_submission_payload

REPLY = "Yes &amp; more: SAML with Okta, &lt;Azure AD&gt; too."


def shortcut(http: SlackHTTP, user: str, thread_ts: str | None, ts: str = "1700000200.000100",
             author: str = MARKETER, text: str = REPLY) -> None:  # fmt: skip
    payload = message_action_payload(
        SHORTCUT, text, user_id=user, channel_id=TRIAGE, message_ts=ts, message_user=author
    )
    if thread_ts is not None:
        payload["message"]["thread_ts"] = thread_ts
    status, _ = http.action(payload)
    assert status == 200


def opened(slack: FakeSlack, count: int) -> dict[str, Any]:
    return dict(slack.wait_for("views.open", count)[-1].json("view"))


def test_use_as_answer_fills_the_form_and_answers_with_the_same_dms(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Do you support Okta single sign-on?")
    triage_posts(slack)
    post = sent_triage_row(engine, 1)
    assert post.result_ts is not None
    shortcut(http, REP, post.result_ts)  # reps may not
    assert ":lock:" in json.dumps(opened(slack, 1))
    shortcut(http, MARKETER, None)  # not in a thread
    assert "works on a reply" in json.dumps(opened(slack, 2))
    shortcut(http, MARKETER, "1699999999.000001")  # a thread, but not a triage post's
    assert "works on a reply" in json.dumps(opened(slack, 3))
    shortcut(http, MARKETER, post.result_ts, ts=post.result_ts)  # the post itself
    assert "works on a reply" in json.dumps(opened(slack, 4))
    with Session(engine) as session:  # nothing is stored for those replies
        assert session.exec(select(func.count()).select_from(Answer)).one() == 0

    shortcut(http, MARKETER, post.result_ts, author="U0EXPERT01")
    form = opened(slack, 5)
    assert form["callback_id"] == modals.ANSWER_MODAL
    answer_block = next(b for b in form["blocks"] if b.get("block_id") == "answer")
    assert answer_block["element"]["initial_value"] == "Yes & more: SAML with Okta, <Azure AD> too."
    values = {"answer": {"answer": answer_block["element"]["initial_value"]}}
    submission = view_submission_payload(
        modals.ANSWER_MODAL, values, user_id=MARKETER, private_metadata=form["private_metadata"]
    )
    assert http.submit(submission) == (200, "")
    (dm,) = dms(slack, REP)
    assert "SAML with Okta, &lt;Azure AD&gt; too" in json.dumps(dm.json("blocks"))
    updates(slack, containing="Answered by")
    with Session(engine) as session:
        a = store.latest_answer(session, 1)
    # The reply's writer is not a marketer: the marketer who sent the form is credited.
    assert a is not None and a.answerer_id == MARKETER


def test_a_reply_longer_than_an_answer_is_cut_and_the_marketer_told(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    setup_team(engine)
    ask(http, "Do you support Okta single sign-on?")
    triage_posts(slack)
    post = sent_triage_row(engine, 1)
    assert post.result_ts is not None
    shortcut(http, MARKETER, post.result_ts, text="Yes. " + "Details here. " * 300)
    form = opened(slack, 1)
    assert_valid_modal(form)
    answer_block = next(b for b in form["blocks"] if b.get("block_id") == "answer")
    assert len(answer_block["element"]["initial_value"]) == 3000
    assert answer_block["element"]["initial_value"].endswith(ELLIPSIS)
    assert "longer than an answer can be" in json.dumps(form["blocks"])
    shortcut(http, MARKETER, post.result_ts)  # a short reply: no note
    assert "longer than" not in json.dumps(opened(slack, 2)["blocks"])


def test_a_marketers_reply_is_credited_to_them(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    from storage import roles
    from tests.conftest import ADMIN

    setup_team(engine)
    with Session(engine) as session:
        roles.grant(session, TEAM, "U0MKT00002", "marketer", ADMIN)
    ask(http, "Is there a public roadmap?")
    triage_posts(slack)
    post = sent_triage_row(engine, 1)
    shortcut(http, MARKETER, post.result_ts or "", author="U0MKT00002")
    form = opened(slack, 1)
    values = {"answer": {"answer": "Under NDA."}}
    submission = view_submission_payload(
        modals.ANSWER_MODAL, values, user_id=MARKETER, private_metadata=form["private_metadata"]
    )
    assert http.submit(submission) == (200, "")
    dms(slack, REP)
    with Session(engine) as session:
        a = store.latest_answer(session, 1)
    assert a is not None and a.answerer_id == "U0MKT00002" and a.verified_by == "U0MKT00002"
