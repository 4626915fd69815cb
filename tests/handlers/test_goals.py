"""`/goal` end to end: the goal form (leaders only, validated), progress updates (any member,
fuzzy names, choices), the list, and the digest's "Log progress" button."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.goals.views import goals as views
from bot.goals.views.digest import LOG_PROGRESS
from bot.platform.runtime import Runtime
from storage import roles
from storage.models import Goal, GoalUpdate
from tests.blockkit import assert_valid_modal, live_mentions
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack
from tests.goal_fixtures import DIGEST_CHANNEL, MKT, SALES, form, make_goal
from tests.handlers.notice_support import notice_of_click
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

LEAD, REP, MARKETER, STRANGER = "U0LEAD0001", "U0REP00001", "U0MKT00001", "U0NOBODY01"


def grant(engine: Engine, user: str, role: str) -> None:
    with Session(engine, expire_on_commit=False) as session:
        roles.grant(session, TEAM, user, role, ADMIN)


def stored(engine: Engine, model: type) -> list:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(model)))


def test_goal_new_opens_the_form_for_leaders_only(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    _, body = http.command("/goal", "new", user_id=REP)
    assert ":lock:" in body["text"] and "leaders" in body["text"]
    assert slack.calls_to("views.open") == []
    grant(engine, LEAD, "leader")
    status, body = http.command("/goal", "new", user_id=LEAD)
    assert status == 200
    (call,) = slack.wait_for("views.open")
    view = call.json("view")
    assert view["callback_id"] == views.FORM_CALLBACK
    assert_valid_modal(view)


def test_goal_form_creates_one_goal_once_and_dms_the_creator(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    grant(engine, LEAD, "leader")
    payload = view_submission_payload(views.FORM_CALLBACK, form(), user_id=LEAD)
    status, body = http.submit(payload)
    assert status == 200 and body == ""
    http.submit(payload)  # the same submission delivered twice
    runtime.outbox.deliver_due()  # the DM was recorded with the goal; the worker sends it
    (goal,) = stored(engine, Goal)
    assert (goal.name, goal.target, goal.sales_owner, goal.marketing_owner) == (
        "Signed contracts",
        40,
        SALES,
        MKT,
    )
    assert goal.channel == DIGEST_CHANNEL and goal.created_by == LEAD
    dms = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == LEAD)
    assert len(dms) == 1 and "Signed contracts" in dms[0].params["text"]
    assert f"<#{DIGEST_CHANNEL}>" in dms[0].params["text"]
    retry = view_submission_payload(views.FORM_CALLBACK, form(), user_id=LEAD, view_id="V0SAMEVIEW")
    _, body = http.submit(retry)
    assert body["errors"] == {"name": "A goal with this name already exists."}
    # The person fixes the name in the same modal (same view id): it is created.
    fixed = view_submission_payload(
        views.FORM_CALLBACK, form(name="Signed contracts EMEA"), user_id=LEAD, view_id="V0SAMEVIEW"
    )
    assert http.submit(fixed)[1] == ""
    assert len(stored(engine, Goal)) == 2


def test_forged_goal_form_from_a_rep_changes_nothing(http: SlackHTTP, engine: Engine) -> None:
    grant(engine, REP, "rep")
    _, body = http.submit(view_submission_payload(views.FORM_CALLBACK, form(), user_id=REP))
    assert body["response_action"] == "errors" and ":lock:" in body["errors"]["name"]
    assert stored(engine, Goal) == []


def test_goal_form_rejects_bad_numbers_and_dates(http: SlackHTTP, engine: Engine) -> None:
    cases = [
        ({"target": "-5"}, "target", "more than 0"),
        ({"target": "lots"}, "target", "must be a number"),
        ({"target": "0"}, "target", "more than 0"),
        ({"end": "2025-12-31"}, "end", "on or after"),
        ({"name": "   "}, "name", "name"),
        ({"sales_owner": None}, "sales_owner", "sales owner"),
        ({"marketing_owner": None}, "marketing_owner", "marketing owner"),
    ]
    for override, field, message in cases:
        payload = view_submission_payload(views.FORM_CALLBACK, form(**override), user_id=ADMIN)
        _, body = http.submit(payload)
        assert body["response_action"] == "errors", override
        assert message in body["errors"][field], (override, body)
    assert stored(engine, Goal) == []


def test_edit_changes_the_definition(http: SlackHTTP, slack: FakeSlack, engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    http.command("/goal", "edit signed contracts", user_id=ADMIN)
    view = slack.wait_for("views.open")[0].json("view")
    assert view["private_metadata"] == str(goal.id)
    assert view["blocks"][0]["element"]["initial_value"] == "Signed contracts"
    payload = view_submission_payload(
        views.FORM_CALLBACK, form(target="80"), user_id=ADMIN, private_metadata=str(goal.id)
    )
    http.submit(payload)
    (changed,) = stored(engine, Goal)
    assert changed.target == 80


def test_any_member_logs_progress_with_history(http: SlackHTTP, engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        make_goal(session, TEAM)
    grant(engine, REP, "rep")
    grant(engine, MARKETER, "marketer")
    _, body = http.command("/goal", "update Signed contracts +3 two from the webinar", user_id=REP)
    assert "3/100 deals (3%), +3 logged" in body["text"]
    _, body = http.command("/goal", "update signed contracts 10", user_id=MARKETER)
    assert "10/100" in body["text"] and "+7 logged" in body["text"]
    _, body = http.command("/goal", "update signd contracts -1", user_id=MARKETER)  # fuzzy
    assert "9/100" in body["text"]
    history = stored(engine, GoalUpdate)
    assert [(u.user_id, u.value, u.delta) for u in history] == [
        (REP, 3, 3),
        (MARKETER, 10, 7),
        (MARKETER, 9, -1),
    ]
    assert history[0].note == "two from the webinar" and history[0].created_at is not None


def test_same_command_delivered_twice_logs_once(http: SlackHTTP, engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        make_goal(session, TEAM)
    http.command("/goal", "update Signed contracts +3", user_id=ADMIN, trigger_id="T.1.same")
    _, body = http.command(
        "/goal", "update Signed contracts +3", user_id=ADMIN, trigger_id="T.1.same"
    )
    assert "already recorded" in body["text"]
    assert len(stored(engine, GoalUpdate)) == 1


def test_progress_refusals_and_bad_numbers(http: SlackHTTP, engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        make_goal(session, TEAM)
    _, body = http.command("/goal", "update Signed contracts +3", user_id=STRANGER)
    assert ":lock:" in body["text"]
    grant(engine, REP, "rep")
    for text, expected in [
        ("update Signed contracts lots", "Tell me the goal and a number"),
        ("update Signed contracts 1e5", "Tell me the goal and a number"),
        ("update Signed contracts -4", "below 0"),
        ("update Nothing like it +1", "no goal"),
        ("update", "Tell me the goal"),
    ]:
        _, body = http.command("/goal", text, user_id=REP)
        assert expected in body["text"], (text, body["text"])
        assert "Try" in body["text"] or "list" in body["text"]
    assert stored(engine, GoalUpdate) == []


def test_ambiguous_name_offers_a_choice_and_the_button_applies_it(
    http: SlackHTTP, slack: FakeSlack, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        make_goal(session, TEAM, name="Pipeline EMEA")
        make_goal(session, TEAM, name="Pipeline US")
    grant(engine, REP, "rep")
    _, body = http.command("/goal", "update pipeline +5 big week", user_id=REP)
    buttons = body["blocks"][1]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Pipeline EMEA", "Pipeline US"]
    assert stored(engine, GoalUpdate) == []
    url = slack.new_response_url()
    click = block_action_payload(
        buttons[1]["action_id"], buttons[1]["value"], user_id=REP, response_url=url
    )
    http.action(click)
    http.action(click)  # a retried delivery: its follow-up is the first one, not run again
    (reply,) = slack.wait_for("response_url")
    assert "Pipeline US" in reply.params["text"] and "+5 logged" in reply.params["text"]
    (update,) = stored(engine, GoalUpdate)
    assert update.delta == 5 and update.note == "big week"
    forged = block_action_payload(
        buttons[0]["action_id"], buttons[0]["value"], user_id=STRANGER, response_url=url
    )
    http.action(forged)
    assert len(slack.wait_for("response_url", count=2)) == 2  # the click, the refusal
    assert len(stored(engine, GoalUpdate)) == 1


def test_goal_list_shows_progress_pace_and_owners(http: SlackHTTP, engine: Engine) -> None:
    _, body = http.command("/goal", "list")
    assert "No shared goals yet" in body["text"]
    with Session(engine, expire_on_commit=False) as session:
        make_goal(session, TEAM, name="<!channel> wins")
    _, body = http.command("/goal", "list")
    text = json.dumps(body["blocks"])
    assert "&lt;!channel&gt; wins" in text and "0/100" in text
    assert f"<@{SALES}> (sales)" in text and f"<@{MKT}> (marketing)" in text
    assert live_mentions(body, (SALES, MKT)) == []


def test_digest_button_opens_the_progress_form(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
    url = slack.new_response_url()
    refused = block_action_payload(LOG_PROGRESS, "log", user_id=STRANGER, response_url=url)
    assert ":lock:" in notice_of_click(http, slack, refused)  # response_url failing meanwhile
    grant(engine, REP, "rep")
    http.action(block_action_payload(LOG_PROGRESS, "log", user_id=REP))
    view = slack.wait_for("views.open", 2)[1].json("view")
    assert view["callback_id"] == views.LOG_CALLBACK
    assert_valid_modal(view)
    values = {
        "goal": {"value": {"type": "static_select", "selected_option": {"value": str(goal.id)}}},
        "progress": {"value": {"type": "plain_text_input", "value": "abc"}},
        "note": {"value": {"type": "plain_text_input", "value": None}},
    }
    _, body = http.submit(view_submission_payload(views.LOG_CALLBACK, values, user_id=REP))
    assert "must be a number" in body["errors"]["progress"]
    values["progress"]["value"]["value"] = "<5 & co"  # a form's error is plain text: as typed
    _, body = http.submit(view_submission_payload(views.LOG_CALLBACK, values, user_id=REP))
    assert "(got `<5 & co`)" in body["errors"]["progress"] and "&lt;" not in str(body)
    values["progress"]["value"]["value"] = "+4"
    _, body = http.submit(view_submission_payload(views.LOG_CALLBACK, values, user_id=STRANGER))
    assert ":lock:" in body["errors"]["goal"]
    submission = view_submission_payload(views.LOG_CALLBACK, values, user_id=REP)
    status, body = http.submit(submission)
    assert status == 200 and body == ""
    (update,) = stored(engine, GoalUpdate)
    assert update.value == 4 and update.user_id == REP
    # the form just closes, so the person gets a confirmation DM — once, even if redelivered
    runtime.outbox.deliver_due()
    (dm,) = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == REP)
    assert "+4 logged" in dm.params["text"]
    http.submit(submission)
    runtime.outbox.deliver_due()
    assert len(stored(engine, GoalUpdate)) == 1
    assert len([c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP]) == 1


def test_archive_is_for_leaders_and_hides_the_goal(http: SlackHTTP, engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        make_goal(session, TEAM, name="Q3 pipeline")
    grant(engine, REP, "rep")
    _, body = http.command("/goal", "archive Q3 pipeline", user_id=REP)
    assert ":lock:" in body["text"]
    _, body = http.command("/goal", "archive nothing", user_id=ADMIN)
    assert "Name one goal" in body["text"]
    _, body = http.command("/goal", "archive q3 pipeline", user_id=ADMIN)
    assert "archived" in body["text"]
    _, body = http.command("/goal", "list")
    assert "No shared goals yet" in body["text"]
    _, body = http.command("/goal", "update Q3 pipeline +1", user_id=REP)
    assert "no goal" in body["text"]
