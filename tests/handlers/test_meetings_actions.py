"""Agenda buttons end to end: vote once, mark discussed, add topic, add an action item, its
reminder DM and Done; refusals for forged or unauthorised clicks."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.meetings.jobs import post_due_agendas, remind_actions
from bot.meetings.views import agenda as views
from bot.meetings.views import forms
from bot.platform.runtime import Runtime
from storage import meetings
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage.models.meetings import PostedAgenda
from tests.blockkit import assert_valid_message, assert_valid_modal
from tests.conftest import OTHER_TEAM, TEAM, outbox_settled
from tests.fake_slack import FakeSlack
from tests.handlers.notice_support import notice_of_click
from tests.meeting_helpers import CHANNEL, MARKETING, SALES, make_series
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

OUTSIDER = "U0OUTSIDE1"


def post_agenda(runtime: Runtime, engine: Engine) -> PostedAgenda:
    """A series meeting in two days with two topics, its agenda posted now."""
    with Session(engine, expire_on_commit=False) as session:
        weekday = (datetime.now(UTC).weekday() + 2) % 7  # the day after tomorrow, 09:00 UTC
        series = make_series(session, weekday=weekday, timezone="UTC", lead_minutes=7 * 24 * 60)
        assert series.id is not None
        meetings.add_topic(session, TEAM, series.id, "Pricing", SALES[0])
        meetings.add_topic(session, TEAM, series.id, "Battlecards", MARKETING[0])
    now = datetime.now(UTC)
    assert post_due_agendas(runtime, now)["posted"] == 1
    with Session(engine, expire_on_commit=False) as session:
        agenda = agendas.upcoming_agenda(session, series.id, now)
        assert agenda is not None and agenda.ts
        return agenda


def item_id(engine: Engine, agenda: PostedAgenda, text: str) -> int:
    with Session(engine) as session:
        assert agenda.id is not None
        (item,) = [i for i in agendas.items_of(session, agenda.id) if i.text == text]
        assert item.id is not None
        return item.id


def click(
    http: SlackHTTP, slack: FakeSlack, action_id: str, value: str, user: str, **kw: Any
) -> str:
    url = slack.new_response_url()
    payload = block_action_payload(
        action_id, value, user_id=user, channel_id=CHANNEL, response_url=url, **kw
    )
    status, _ = http.action(payload)
    assert status == 200
    return url


def reply(slack: FakeSlack, url: str) -> Any:
    """The one answer sent to `url` (a response_url made for one click)."""
    path = "/response/" + url.rsplit("/", 1)[1]
    (call,) = slack.wait_for("response_url", where=lambda c: c.path == path)
    return call


def updates(slack: FakeSlack, count: int) -> list[Any]:
    return slack.wait_for("chat.update", count)


def last_update_text(slack: FakeSlack) -> str:
    params = slack.calls_to("chat.update")[-1].params
    message = {
        "text": params["text"],
        "blocks": json.loads(params["blocks"])
        if isinstance(params["blocks"], str)
        else params["blocks"],
    }
    assert_valid_message(message)
    return json.dumps(message["blocks"])


def test_vote_once_per_person_updates_the_agenda(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    agenda = post_agenda(runtime, engine)
    battle = item_id(engine, agenda, "Battlecards")
    click(http, slack, views.VOTE, str(battle), OUTSIDER)
    updates(slack, 1)
    text = last_update_text(slack)
    assert text.index("Battlecards") < text.index("Pricing")  # most votes first
    assert "Vote (+1)" in text
    url = click(http, slack, views.VOTE, str(battle), OUTSIDER)
    assert "already voted" in reply(slack, url).params["text"]
    assert len(slack.calls_to("chat.update")) == 1
    assert slack.calls_to("chat.update")[0].params["ts"] == agenda.ts
    _, preview = http.command("/agenda", "preview Weekly sync", user_id=OUTSIDER)
    shown = json.dumps(
        preview["blocks"], ensure_ascii=False
    )  # the posted agenda as it stands, without buttons
    assert "Battlecards \u2014 *1* vote" in shown and views.VOTE not in shown


def test_mark_discussed_members_only(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    agenda = post_agenda(runtime, engine)
    pricing = item_id(engine, agenda, "Pricing")
    url = click(http, slack, views.DISCUSSED, str(pricing), OUTSIDER)
    assert ":lock:" in reply(slack, url).params["text"]
    click(http, slack, views.DISCUSSED, str(pricing), SALES[1])
    updates(slack, 1)
    assert "~Pricing~ :white_check_mark: discussed" in last_update_text(slack)
    with Session(engine) as session:
        assert agenda.id is not None
        (topic,) = [t for t in meetings.open_topics(session, agenda.series_id)]
        assert topic.text == "Battlecards"


def test_forged_values_change_nothing(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    agenda = post_agenda(runtime, engine)
    pricing = item_id(engine, agenda, "Pricing")
    for action_id, value in [(views.VOTE, "999999"), (views.DISCUSSED, "abc"), (views.DONE, "-1")]:
        click(http, slack, action_id, value, SALES[0])
    # another team's click on this team's item
    payload = block_action_payload(
        views.DISCUSSED, str(pricing), user_id=SALES[0], team_id=OTHER_TEAM
    )
    http.action(payload)
    click(http, slack, views.VOTE, str(pricing), SALES[0])  # a real click to wait for
    updates(slack, 1)
    with Session(engine) as session:
        assert agenda.id is not None
        assert all(i.discussed_at is None for i in agendas.items_of(session, agenda.id))
    assert len(slack.calls_to("chat.update")) == 1


def test_add_topic_button_opens_modal_and_adds_to_this_agenda(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    agenda = post_agenda(runtime, engine)
    click(http, slack, views.ADD_TOPIC, str(agenda.id), OUTSIDER)
    (opened,) = slack.wait_for("views.open")
    view = opened.json("view")
    assert_valid_modal(view)
    payload = view_submission_payload(
        forms.TOPIC,
        {"text": {forms.VALUE: "Churn <!here>"}},
        user_id=OUTSIDER,
        private_metadata=view["private_metadata"],
    )
    http.submit(payload)
    http.submit(payload)  # the same submission delivered twice
    updates(slack, 1)
    text = last_update_text(slack)
    assert "Churn &lt;!here&gt;" in text
    with Session(engine) as session:
        assert len(meetings.open_topics(session, agenda.series_id)) == 3


def test_action_item_modal_reminder_dm_and_done(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    agenda = post_agenda(runtime, engine)
    url = slack.new_response_url()
    refused = block_action_payload(
        views.ADD_ACTION, str(agenda.id), user_id=OUTSIDER, channel_id=CHANNEL, response_url=url
    )
    assert ":lock:" in notice_of_click(http, slack, refused)  # response_url failing meanwhile
    click(http, slack, views.ADD_ACTION, str(agenda.id), SALES[0])
    opened = slack.wait_for("views.open", 2)[1]
    view = opened.json("view")
    assert_valid_modal(view)
    due = date.today() + timedelta(days=3)
    while (due - timedelta(days=1)).weekday() >= 5:  # reminded on a working day
        due += timedelta(days=1)
    slack.users[MARKETING[1]] = {"tz": "UTC"}  # reminded 09:00 UTC: inside their hours
    values = {
        "text": {forms.VALUE: "Send the ROI deck"},
        "owner": {forms.VALUE: {"type": "users_select", "selected_user": MARKETING[1]}},
        "due": {forms.VALUE: {"type": "datepicker", "selected_date": "not-a-date"}},
    }
    bad = view_submission_payload(
        forms.ACTION, values, user_id=SALES[0], private_metadata=view["private_metadata"]
    )
    _, body = http.submit(bad)
    assert body["response_action"] == "errors" and "due" in body["errors"]
    values["due"] = {forms.VALUE: {"type": "datepicker", "selected_date": due.isoformat()}}
    forged = view_submission_payload(
        forms.ACTION, values, user_id=OUTSIDER, private_metadata=view["private_metadata"]
    )
    _, body = http.submit(forged)
    assert body["response_action"] == "errors"
    good = view_submission_payload(
        forms.ACTION, values, user_id=SALES[0], private_metadata=view["private_metadata"]
    )
    http.submit(good)
    updates(slack, 1)
    assert "Send the ROI deck" in last_update_text(slack)
    with Session(engine) as session:
        (action,) = action_items.open_actions(session, agenda.series_id)
    remind_at = datetime.combine(due - timedelta(days=1), datetime.min.time(), UTC)
    outbox_settled(engine)  # the clock jumps: no run may look expired
    with freeze_time(remind_at + timedelta(hours=9)):
        remind_actions(runtime, remind_at + timedelta(hours=9))
    (dm,) = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MARKETING[1])
    assert "Send the ROI deck" in dm.params["text"]
    url = click(http, slack, views.DONE, str(action.id), OUTSIDER, message_ts="1.1")
    assert ":lock:" in reply(slack, url).params["text"]
    url = click(http, slack, views.DONE, str(action.id), MARKETING[1], message_ts="1.2")
    updates(slack, 2)
    assert "~:ballot_box_with_check: Send the ROI deck" in last_update_text(slack)
    assert reply(slack, url).params.get("replace_original") in (True, "true")
    with Session(engine) as session:
        assert action_items.open_actions(session, agenda.series_id) == []


def test_a_topic_whose_write_failed_is_stored_when_delivered_again(
    http: SlackHTTP, slack: FakeSlack, runtime: Runtime, engine: Engine
) -> None:
    """Before, the delivery's receipt was committed first: when the write after it failed, the
    same submission delivered again was taken for done and the topic was lost."""
    import sqlite3

    agenda = post_agenda(runtime, engine)
    payload = view_submission_payload(
        forms.TOPIC, {"text": {forms.VALUE: "Churn in EMEA"}}, user_id=SALES[0],
        private_metadata=str(agenda.id),
    )  # fmt: skip
    with sqlite3.connect(str(engine.url.database)) as conn:  # the agenda item cannot be written
        conn.execute(
            "CREATE TRIGGER refuse_item BEFORE INSERT ON meeting_agenda_item "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    assert http.submit(payload)[0] == 500  # the user sees that it failed: nothing half-written
    with Session(engine) as session:
        assert len(meetings.open_topics(session, agenda.series_id)) == 2
    with sqlite3.connect(str(engine.url.database)) as conn:
        conn.execute("DROP TRIGGER refuse_item")
    assert http.submit(payload)[0] == 200  # delivered again (or submitted again)
    with Session(engine) as session:
        assert len(meetings.open_topics(session, agenda.series_id)) == 3
    updates(slack, 1)
    assert "Churn in EMEA" in last_update_text(slack)
