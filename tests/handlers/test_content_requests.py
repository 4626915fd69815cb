"""`/content-request` end to end: the full lifecycle with every DM and in-place triage update,
+1 counted once, permissions, bad input, retried deliveries, no triage channel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.content_requests import jobs as request_jobs
from bot.content_requests.views import forms as views
from bot.content_requests.views import posts
from bot.platform.runtime import Runtime
from storage import content_requests, questions, workspaces
from storage.clock import utcnow
from storage.models import Asset, ContentRequest
from tests.blockkit import assert_valid_message, assert_valid_modal, live_mentions
from tests.conftest import ADMIN, OTHER_TEAM, TEAM
from tests.fake_slack import Call, FakeSlack
from tests.handlers.asset_support import (
    MARKETER,
    OTHER_REP,
    REP,
    day,
    empty,
    grant,
    person,
    sel,
    txt,
)
from tests.handlers.notice_support import notice_of_click
from tests.handlers.test_assets import make_asset
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

TRIAGE = "C0TRIAGE01"
SOON = (date.today() + timedelta(days=10)).isoformat()


def set_triage(engine: Engine) -> None:
    with Session(engine) as session:
        workspaces.update(session, TEAM, triage_channel=TRIAGE)


def request_values(what: str = "A security one-pager for banks", **over: Any) -> dict[str, Any]:
    values = {
        views.B_WHAT: txt(what),
        views.B_WHY: txt("Acme bank asks about SOC 2 in every demo"),
        views.B_STAGE: sel("demo"),
        views.B_DATE: day(SOON),
        views.B_QUESTIONS: empty(),
    }
    values.update(over)
    return values


def requests(engine: Engine) -> list[ContentRequest]:
    with Session(engine) as session:
        return list(session.exec(select(ContentRequest).order_by(ContentRequest.id)))


def dms_to(slack: FakeSlack, user: str) -> list[Call]:
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user]


def wait_dm(slack: FakeSlack, user: str, count: int) -> Call:
    return slack.wait_for("chat.postMessage", count, where=lambda c: c.params["channel"] == user)[
        -1
    ]


def click(http: SlackHTTP, slack: FakeSlack, action: str, request_id: int, user: str) -> str:
    """Click a triage-post button; returns the response_url it came with."""
    url = slack.new_response_url()
    http.action(
        block_action_payload(
            action, str(request_id), user_id=user, channel_id=TRIAGE, response_url=url
        )
    )
    return url


def notice(slack: FakeSlack, count: int) -> str:
    """The text of the notice modal opened by the `count`-th views.open."""
    return str(
        slack.wait_for("views.open", count)[count - 1].json("view")["blocks"][0]["text"]["text"]
    )


def reply_to(slack: FakeSlack, url: str) -> str:
    return str(
        slack.wait_for("response_url", where=lambda c: c.path.endswith(url.rsplit("/", 1)[1]))[
            0
        ].params["text"]
    )


def submit(
    http: SlackHTTP, callback: str, values: dict[str, Any], user: str, request_id: int
) -> Any:
    payload = view_submission_payload(
        callback, values, user_id=user, private_metadata=str(request_id)
    )
    return http.submit(payload)[1]


def updates(slack: FakeSlack, count: int) -> list[Call]:
    return slack.wait_for("chat.update", count, where=lambda c: c.params["channel"] == TRIAGE)


def ask_questions(engine: Engine, *texts: str, team: str = TEAM) -> list[int]:
    with Session(engine) as session:
        found = [questions.capture(session, team, f"k:{t}", REP, t)[0].id for t in texts]
    return [n for n in found if n is not None]


def test_full_lifecycle_with_every_dm(http: SlackHTTP, slack: FakeSlack, engine: Engine) -> None:
    set_triage(engine)
    grant(engine, MARKETER)
    first, second = ask_questions(engine, "SOC 2 <!channel> report?", "Bank " + "x" * 300)
    assert http.command("/content-request", "", user_id=REP) == (200, "")
    modal = slack.calls_to("views.open")[0].json("view")
    assert modal["callback_id"] == views.REQUEST_CALLBACK
    assert_valid_modal(modal)

    values = request_values(**{views.B_QUESTIONS: txt(f"{first}, #{second}")})
    payload = view_submission_payload(views.REQUEST_CALLBACK, values, user_id=REP)
    assert http.submit(payload) == (200, "")
    assert http.submit(payload) == (200, "")  # retried delivery: one request, one post
    post = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == TRIAGE)[0]
    (request,) = requests(engine)
    assert request.question_refs == f"{first},{second}" and request.status == "submitted"
    message = {"text": post.params["text"], "blocks": post.json("blocks")}
    assert_valid_message(message)
    buttons = [e["action_id"] for e in message["blocks"][-1]["elements"]]
    assert buttons == [posts.ACCEPT_BUTTON, posts.DECLINE_BUTTON, posts.PLUS_ONE_BUTTON]
    shown = str(message["blocks"])
    assert f"#{first} SOC 2 &lt;!channel&gt; report?" in shown
    assert f"#{second} Bank {'x' * 144}…" in shown and "x" * 146 not in shown
    assert "triage queue" in wait_dm(slack, REP, 1).params["text"]
    rid = request.id
    assert rid is not None

    # +1 from another rep counts once; the requester's own click does not count.
    assert "Demand for this request is now 2" in reply_to(
        slack, click(http, slack, posts.PLUS_ONE_BUTTON, rid, OTHER_REP)
    )
    assert "already" in reply_to(slack, click(http, slack, posts.PLUS_ONE_BUTTON, rid, OTHER_REP))
    assert "your own request" in reply_to(
        slack, click(http, slack, posts.PLUS_ONE_BUTTON, rid, REP)
    )
    assert "Demand: 2 (1 +1)" in str(updates(slack, 1)[0].json("blocks"))

    # A rep cannot accept: a polite refusal, no form; a forged submission changes nothing.
    click(http, slack, posts.ACCEPT_BUTTON, rid, OTHER_REP)
    assert ":lock:" in notice(slack, 2)
    accept = {
        views.B_PRIORITY: sel("P1"),
        views.B_OWNER: person(MARKETER),
        views.B_EXPECTED: day(SOON),
    }
    assert (
        submit(http, views.ACCEPT_CALLBACK, accept, OTHER_REP, rid)["response_action"] == "errors"
    )
    assert requests(engine)[0].status == "submitted"

    click(http, slack, posts.ACCEPT_BUTTON, rid, MARKETER)
    accept_modal = slack.wait_for("views.open", 3)[2].json("view")
    assert accept_modal["callback_id"] == views.ACCEPT_CALLBACK
    assert_valid_modal(accept_modal)
    past = {**accept, views.B_EXPECTED: day("2020-01-01")}
    assert set(submit(http, views.ACCEPT_CALLBACK, past, MARKETER, rid)["errors"]) == {
        views.B_EXPECTED
    }
    assert submit(http, views.ACCEPT_CALLBACK, accept, MARKETER, rid) == ""
    accepted = wait_dm(slack, REP, 2).params["text"]
    assert "accepted" in accepted and "P1" in accepted and SOON in accepted
    assert posts.START_BUTTON in str(updates(slack, 2)[-1].json("blocks"))

    assert ":lock:" in reply_to(slack, click(http, slack, posts.START_BUTTON, rid, OTHER_REP))
    click(http, slack, posts.START_BUTTON, rid, MARKETER)
    assert "started" in wait_dm(slack, REP, 3).params["text"]
    assert "In progress" in str(updates(slack, 3)[-1].json("blocks"))
    assert "In progress now" in reply_to(
        slack, click(http, slack, posts.START_BUTTON, rid, MARKETER)
    )

    click(http, slack, posts.DELIVER_BUTTON, rid, MARKETER)
    deliver_modal = slack.wait_for("views.open", 4)[3].json("view")
    assert deliver_modal["callback_id"] == views.DELIVER_CALLBACK
    assert_valid_modal(deliver_modal)
    nothing = {views.B_ASSET: {"value": {"type": "external_select", "selected_option": None}}}
    assert set(submit(http, views.DELIVER_CALLBACK, nothing, MARKETER, rid)["errors"]) == {
        views.B_ASSET,
        views.B_NEW_URL,
    }
    new_asset = {
        views.B_NEW_TITLE: txt("Security one-pager for banks"),
        views.B_NEW_URL: txt("https://example.com/sec"),
        views.B_NEW_KIND: sel("one-pager"),
    }
    delivered_payload = view_submission_payload(
        views.DELIVER_CALLBACK, new_asset, user_id=MARKETER, private_metadata=str(rid)
    )
    assert http.submit(delivered_payload) == (200, "")
    http.submit(delivered_payload)  # retried: no second asset, no second DM
    assert "delivered" in wait_dm(slack, REP, 4).params["text"]
    voter_dm = wait_dm(slack, OTHER_REP, 1).params["text"]
    assert "A request you +1'd" in voter_dm and "delivered" in voter_dm
    final = updates(slack, 4)[-1].json("blocks")
    assert "Delivered" in str(final) and final[-1]["type"] != "actions"
    with Session(engine) as session:
        (asset,) = session.exec(select(Asset)).all()
    assert asset.owner_id == MARKETER and requests(engine)[0].asset_id == asset.id
    assert len(dms_to(slack, REP)) == 4 and len(dms_to(slack, OTHER_REP)) == 1
    assert (
        len([c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == TRIAGE]) == 1
    )
    assert "Delivered now" in reply_to(slack, click(http, slack, posts.PLUS_ONE_BUTTON, rid, ADMIN))


def test_decline_needs_a_reason_and_tells_the_rep(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    set_triage(engine)
    http.submit(
        view_submission_payload(
            views.REQUEST_CALLBACK, request_values("<!channel> now"), user_id=REP
        )
    )
    slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == TRIAGE)
    rid = requests(engine)[0].id or 0
    click(http, slack, posts.DECLINE_BUTTON, rid, ADMIN)
    assert slack.wait_for("views.open")[0].json("view")["callback_id"] == views.DECLINE_CALLBACK
    blank = {views.B_REASON: empty()}
    assert set(submit(http, views.DECLINE_CALLBACK, blank, ADMIN, rid)["errors"]) == {
        views.B_REASON
    }
    reason = {views.B_REASON: txt("We have one: see the <@U0BOSS0001> deck")}
    assert submit(http, views.DECLINE_CALLBACK, reason, ADMIN, rid) == ""
    dm = wait_dm(slack, REP, 2)
    assert "declined" in dm.params["text"] and "see the" in dm.params["text"]
    assert live_mentions(dm.json("blocks")) == []
    assert "Declined" in str(updates(slack, 1)[-1].json("blocks"))
    click(http, slack, posts.ACCEPT_BUTTON, rid, ADMIN)
    assert "Declined now" in notice(slack, 2)


def test_a_refused_or_stale_triage_button_answers_in_a_notice_not_the_response_url(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    """Accept/Decline/Deliver open a form: a refusal or "not now" is a notice on the click's
    trigger, so a failing response_url cannot hold up (or break) the ack."""
    with Session(engine) as session:
        request, _ = content_requests.create(session, TEAM, "view:V1", REP, what="Bank story")
        rid = str(request.id)
    url = slack.new_response_url()
    refused = block_action_payload(posts.ACCEPT_BUTTON, rid, user_id=OTHER_REP, response_url=url)
    assert ":lock:" in notice_of_click(http, slack, refused)
    url = slack.new_response_url()
    stale = block_action_payload(posts.DELIVER_BUTTON, rid, user_id=ADMIN, response_url=url)
    assert "does not apply" in notice_of_click(http, slack, stale)
    assert requests(engine)[0].status == "submitted"


def test_deliver_an_existing_asset(http: SlackHTTP, slack: FakeSlack, engine: Engine) -> None:
    set_triage(engine)
    asset = make_asset(engine, "Bank case study")
    http.submit(view_submission_payload(views.REQUEST_CALLBACK, request_values(), user_id=REP))
    rid = requests(engine)[0].id or 0
    accept = {
        views.B_PRIORITY: sel("P2"),
        views.B_OWNER: person(ADMIN),
        views.B_EXPECTED: day(SOON),
    }
    assert submit(http, views.ACCEPT_CALLBACK, accept, ADMIN, rid) == ""
    chosen = {views.B_ASSET: sel(str(asset.id), "external_select")}
    assert submit(http, views.DELIVER_CALLBACK, chosen, ADMIN, rid) == ""
    # The accepted and delivered DMs to the rep, from two follow-ups, in any order (the
    # submission's own follow-up may run after the accept, and then has no "queued" DM to send).
    for said in ("Marketing accepted your content request", "is delivered"):
        slack.wait_for(
            "chat.postMessage",
            where=lambda c, said=said: c.params["channel"] == REP and said in c.params["text"],
        )
    delivered = slack.wait_for(
        "chat.postMessage", where=lambda c: "Bank case study" in c.params["text"]
    )
    assert delivered[0].params["channel"] == REP
    assert requests(engine)[0].asset_id == asset.id


def test_unknown_question_numbers_are_refused_inline(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    set_triage(engine)
    (ours,) = ask_questions(engine, "Ours?")
    (theirs,) = ask_questions(engine, "Theirs?", team=OTHER_TEAM)
    for refs, wrong in ((f"{ours}, 99", "#99"), (str(theirs), f"#{theirs}")):
        values = request_values(**{views.B_QUESTIONS: txt(refs)})
        _, body = http.submit(view_submission_payload(views.REQUEST_CALLBACK, values, user_id=REP))
        assert body["response_action"] == "errors"
        assert body["errors"] == {views.B_QUESTIONS: f"No question {wrong} in this workspace."}
    assert requests(engine) == [] and slack.calls_to("chat.postMessage") == []


def test_bad_request_input_stores_nothing(http: SlackHTTP, engine: Engine) -> None:
    bad = request_values(
        what="", **{views.B_DATE: day("2020-01-01"), views.B_QUESTIONS: txt("twelve")}
    )
    _, body = http.submit(view_submission_payload(views.REQUEST_CALLBACK, bad, user_id=REP))
    assert set(body["errors"]) == {views.B_WHAT, views.B_DATE, views.B_QUESTIONS}
    assert requests(engine) == []
    _, body = http.command("/content-request", "frobnicate", user_id=REP)
    assert "Try" in body["text"]


def test_without_triage_channel_the_rep_and_admins_are_told(
    http: SlackHTTP, slack: FakeSlack, engine: Engine, runtime: Runtime
) -> None:
    for what in ("First", "Second"):
        http.submit(
            view_submission_payload(views.REQUEST_CALLBACK, request_values(what), user_id=REP)
        )
    assert "is queued" in wait_dm(slack, REP, 2).params["text"]
    assert "/lockstep config triage-channel" in wait_dm(slack, ADMIN, 1).params["text"]
    assert request_jobs.run(runtime, utcnow())["queued_posted"] == 0
    set_triage(engine)  # the admin sets the channel: the next tick posts what waited
    assert request_jobs.run(runtime, utcnow())["queued_posted"] == 2
    assert request_jobs.run(runtime, utcnow())["queued_posted"] == 0
    posted = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == TRIAGE]
    assert (
        len(posted) == 2 and len(dms_to(slack, ADMIN)) == 1
    )  # one reminder a day, not per request


def test_list_shows_the_queue_to_marketers_and_own_requests_to_reps(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    set_triage(engine)
    grant(engine, MARKETER)
    for user, what in ((REP, "Battlecard vs Rival"), (OTHER_REP, "ROI calculator")):
        http.submit(
            view_submission_payload(views.REQUEST_CALLBACK, request_values(what), user_id=user)
        )
    first, second = requests(engine)
    click(http, slack, posts.PLUS_ONE_BUTTON, second.id or 0, REP)
    slack.wait_for("response_url")
    _, body = http.command("/content-request", "list", user_id=MARKETER)
    text = body["text"]
    assert text.index("ROI calculator") < text.index("Battlecard")  # more demand first
    _, body = http.command("/content-request", "list", user_id=REP)
    assert "Your content requests" in body["text"]
    assert "Battlecard" in body["text"] and "ROI calculator" not in body["text"]
