"""`/lockstep gaps` end to end: built in the background then answered from the kept report;
Request content pre-fills the form and makes one request per gap; delivery reaches every rep
who asked or +1'd the gap's questions."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.content_requests.views import forms
from bot.gaps.views import report as views
from storage import content_requests
from storage import questions as store
from storage import questions_votes as votes
from storage.models import ContentRequest, GapSnapshot
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN, TEAM, outbox_settled
from tests.fake_slack import FakeSlack
from tests.handlers.asset_support import day, empty, person, sel, txt
from tests.handlers.test_assets import make_asset
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

REPS = ("U0REP00001", "U0REP00002", "U0REP00003")
VOTER = "U0REP00009"
SOON = (date.today() + timedelta(days=10)).isoformat()


def seed(engine: Engine) -> list[int]:
    """Three Okta questions nobody answered (one +1), one answered, one about pricing."""
    texts = ["Okta single sign-on?", "Okta login for contractors?", "Can Okta groups map?"]
    with Session(engine, expire_on_commit=False) as session:
        ids = [store.capture(session, TEAM, f"k{n}", REPS[n], t)[0].id or 0
               for n, t in enumerate(texts)]  # fmt: skip
        votes.plus_one(session, TEAM, ids[0], VOTER)
        done, _ = store.capture(session, TEAM, "k9", REPS[0], "Okta pricing for SSO?")
        store.answer(session, TEAM, done.id or 0, ADMIN, "Included.", None, "v1")
        store.capture(session, TEAM, "k8", REPS[1], "What is the roadmap?")
    return ids


def gaps_command(http: SlackHTTP, slack: FakeSlack, text: str = "gaps") -> tuple[Any, str]:
    url = slack.new_response_url()
    status, body = http.command("/lockstep", text, response_url=url)
    assert status == 200
    return body, url


def test_gaps_are_built_in_the_background_then_answered_from_the_kept_report(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    ids = seed(engine)
    body, url = gaps_command(http, slack)
    assert "Working out the knowledge gaps" in body["text"]
    path = "/response/" + url.rsplit("/", 1)[1]
    (reply,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    assert_valid_message(reply.params)
    blocks = json.dumps(reply.params["blocks"], ensure_ascii=False)
    assert "*okta* (word)" in blocks and "3 questions unanswered · +1" in blocks
    assert "roadmap" not in blocks and views.REQUEST_BUTTON in blocks
    outbox_settled(engine)
    again, again_url = gaps_command(http, slack)  # fresh: the ack answers, nothing follows
    assert "*okta* (word)" in json.dumps(again["blocks"])
    assert "Working out" not in again["text"]
    with Session(engine) as session:
        kept = session.get(GapSnapshot, (TEAM, 90))
        assert kept is not None and kept.gaps[0]["question_ids"] == [ids[0], ids[2], ids[1]]
    status, bad = http.command("/lockstep", "gaps 45")
    assert "30 or 90 days" in bad["text"]


def test_request_content_prefills_makes_one_request_and_delivery_reaches_every_asker(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    ids = seed(engine)
    _, url = gaps_command(http, slack, "gaps 30")
    path = "/response/" + url.rsplit("/", 1)[1]
    (reply,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    value = next(b["accessory"]["value"] for b in reply.params["blocks"] if "accessory" in b)
    for _ in range(2):  # a double click opens two forms
        payload = block_action_payload(views.REQUEST_BUTTON, value, user_id=REPS[0])
        assert http.action(payload)[0] == 200
    opened = [c.json("view") for c in slack.wait_for("views.open", 2)]
    form = opened[0]
    assert form["callback_id"] == forms.REQUEST_CALLBACK
    prefilled = {b["block_id"]: b["element"].get("initial_value", "") for b in form["blocks"]}
    assert "okta" in prefilled[forms.B_WHAT]
    assert prefilled[forms.B_QUESTIONS] == f"{ids[0]}, {ids[2]}, {ids[1]}"
    for view in opened:  # both forms are sent: one request
        values = {
            forms.B_WHAT: txt(prefilled[forms.B_WHAT]),
            forms.B_WHY: txt(prefilled[forms.B_WHY]),
            forms.B_STAGE: sel("demo"),
            forms.B_DATE: day(SOON),
            forms.B_QUESTIONS: txt(prefilled[forms.B_QUESTIONS]),
        }
        submission = view_submission_payload(
            forms.REQUEST_CALLBACK, values, user_id=REPS[0],
            private_metadata=view["private_metadata"],
        )  # fmt: skip
        assert http.submit(submission) == (200, "")
    outbox_settled(engine)
    with Session(engine) as session:
        (request,) = session.exec(select(ContentRequest)).all()
    assert request.question_refs == f"{ids[0]},{ids[2]},{ids[1]}"
    accept_and_deliver(http, engine, request.id or 0)
    for user in (*REPS[1:], VOTER):  # every asker and +1'er of the gap's questions
        (dm,) = slack.wait_for("chat.postMessage", where=delivered_to(user))
        assert "prospect question you heard" in dm.params["text"]
    assert empty  # (shared helpers)


def accept_and_deliver(http: SlackHTTP, engine: Engine, request_id: int) -> None:
    """Marketing accepts the request, then delivers an “Okta SSO guide” for it."""
    asset = make_asset(engine, "Okta SSO guide")
    accept = {
        forms.B_PRIORITY: sel("P2"),
        forms.B_OWNER: person(ADMIN),
        forms.B_EXPECTED: day(SOON),
    }
    deliver = {forms.B_ASSET: sel(str(asset.id), "external_select")}
    for callback, values in ((forms.ACCEPT_CALLBACK, accept), (forms.DELIVER_CALLBACK, deliver)):
        payload = view_submission_payload(
            callback, values, user_id=ADMIN, private_metadata=str(request_id)
        )
        assert http.submit(payload) == (200, "")


def delivered_to(user: str) -> Any:
    return lambda c: c.params["channel"] == user and "Okta SSO guide" in c.params["text"]


def request_form(http: SlackHTTP, slack: FakeSlack, users: tuple[str, ...]) -> list[Any]:
    """`/lockstep gaps 30`; each of `users` clicks the first gap's Request content: its form."""
    _, url = gaps_command(http, slack, "gaps 30")
    path = "/response/" + url.rsplit("/", 1)[1]
    (reply,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    value = next(b["accessory"]["value"] for b in reply.params["blocks"] if "accessory" in b)
    for user in users:
        payload = block_action_payload(views.REQUEST_BUTTON, value, user_id=user)
        assert http.action(payload)[0] == 200
    return [c.json("view") for c in slack.wait_for("views.open", len(users))]


def send_request(http: SlackHTTP, view: Any, user: str, what: str, refs: str = "") -> None:
    values = {
        forms.B_WHAT: txt(what), forms.B_WHY: txt(""), forms.B_STAGE: sel("demo"),
        forms.B_DATE: day(SOON), forms.B_QUESTIONS: txt(refs),
    }  # fmt: skip
    submission = view_submission_payload(
        forms.REQUEST_CALLBACK, values, user_id=user, private_metadata=view["private_metadata"]
    )
    assert http.submit(submission) == (200, "")


def test_two_reps_requesting_content_for_the_same_gap_each_get_their_request(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    seed(engine)
    first, second = request_form(http, slack, (REPS[0], REPS[1]))
    send_request(http, first, REPS[0], "An Okta deck")
    send_request(http, second, REPS[1], "An Okta battlecard")
    outbox_settled(engine)
    with Session(engine) as session:
        rows = session.exec(select(ContentRequest).order_by(ContentRequest.id)).all()  # type: ignore[arg-type]
    assert [(r.requester_id, r.what) for r in rows] == [
        (REPS[0], "An Okta deck"), (REPS[1], "An Okta battlecard"),
    ]  # fmt: skip
    for user, request in zip((REPS[0], REPS[1]), rows, strict=True):  # each told of theirs
        mark = f"#{request.id}"
        told = lambda c, u=user, m=mark: c.params["channel"] == u and m in c.params["text"]  # noqa: E731
        slack.wait_for("chat.postMessage", where=told)


def test_delivery_reaches_the_askers_of_all_of_a_big_gaps_questions(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    """The form cites what fits its 200 characters (here the rep kept one number); the
    request still answers all of the gap's questions."""
    askers = [f"U0ASK{n:05d}" for n in range(40)]
    with Session(engine, expire_on_commit=False) as session:
        asked = [
            store.capture(session, TEAM, f"k{n}", user, f"SSO setup question {n}?", tags="sso")
            for n, user in enumerate(askers)
        ]
    ids = [q.id or 0 for q, _ in asked]
    (form,) = request_form(http, slack, (REPS[0],))
    send_request(http, form, REPS[0], "An SSO guide", refs=str(ids[0]))
    outbox_settled(engine)
    with Session(engine) as session:
        (request,) = session.exec(select(ContentRequest)).all()
        assert sorted(content_requests.linked_questions(session, request.id or 0)) == sorted(ids)
    accept_and_deliver(http, engine, request.id or 0)
    for user in askers:
        slack.wait_for("chat.postMessage", where=delivered_to(user))
