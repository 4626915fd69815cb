"""Overdue content requests (freezegun): the owner gets one DM the morning after the expected
date passes in their zone, inside their working hours, with Deliver / Move the date / Decline;
moving the date (over real HTTP) tells the requester and a date that passes again nudges again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.content_requests.overdue import nudge_overdue
from bot.content_requests.views import overdue as views
from bot.content_requests.views.forms import B_REASON, DECLINE_CALLBACK, DELIVER_CALLBACK
from bot.content_requests.views.posts import DECLINE_BUTTON, DELIVER_BUTTON
from bot.platform.runtime import Runtime, build_runtime
from storage import content_requests, people, roles, workspaces
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN, TEAM, outbox_settled
from tests.fake_slack import FakeSlack
from tests.handlers.notice_support import notice_of_click
from tests.slack_signing import SlackHTTP, block_action_payload, view_submission_payload

REP, OWNER, OUTSIDER = "U0REP00001", "U0MKT00001", "U0REP00009"
EXPECTED = date(2026, 3, 10)  # a Tuesday
TOKYO_WED_NINE = datetime(2026, 3, 11, 0, 0, tzinfo=UTC)  # Wednesday 09:00 in Tokyo


def setup(engine: Engine, slack: FakeSlack, owner_is_marketer: bool = True) -> int:
    slack.users[OWNER] = {"tz": "Asia/Tokyo"}
    with Session(engine, expire_on_commit=False) as session:
        workspaces.update(session, TEAM, "UTC", timezone="Europe/Paris")
        if owner_is_marketer:
            roles.grant(session, TEAM, OWNER, "marketer", ADMIN)
        request, _ = content_requests.create(
            session, TEAM, "view:r1", REP, what="ROI <!here> sheet"
        )
        content_requests.transition(session, TEAM, request.id or 0, "accepted", priority="P1",
                                    owner_id=OWNER, expected_date=EXPECTED)  # fmt: skip
        return request.id or 0


def run(runtime: Runtime, now: datetime) -> dict:
    """One tick's scan, then the outbox's worker run (the scan only records the nudges)."""
    with freeze_time(now):
        done = nudge_overdue(runtime, now)
        runtime.outbox.deliver_due()
        return done


def dms(slack: FakeSlack, user: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user]


def test_the_owner_is_told_once_the_morning_after_in_their_zone(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    rid = setup(engine, slack)
    assert run(runtime, TOKYO_WED_NINE - timedelta(hours=10)) == {}  # Tue 23:00 Tokyo: not late
    assert run(runtime, TOKYO_WED_NINE - timedelta(minutes=1)) == {"later": 1}  # 08:59
    assert run(runtime, TOKYO_WED_NINE) == {"sent": 1}
    assert run(runtime, TOKYO_WED_NINE + timedelta(minutes=1)) == {}
    assert run(build_runtime(runtime.settings, engine=engine), TOKYO_WED_NINE) == {}
    (dm,) = dms(slack, OWNER)
    assert_valid_message(dm.params)
    assert "&lt;!here&gt;" in str(dm.params["blocks"]) and "2026-03-10" in dm.params["text"] + str(
        dm.params["blocks"]
    )
    actions = [e["action_id"] for e in dm.params["blocks"][1]["elements"]]
    assert actions == [DELIVER_BUTTON, views.MOVE_DATE_BUTTON, DECLINE_BUTTON]
    assert {e["value"] for e in dm.params["blocks"][1]["elements"]} == {str(rid)}


def test_no_nudge_when_delivered_turned_off_or_away(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    rid = setup(engine, slack)
    with Session(engine) as session:
        people.set_away(session, TEAM, OWNER, date(2026, 3, 11), date(2026, 3, 12), "")
    assert run(runtime, TOKYO_WED_NINE) == {"skipped": 1}
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", nudge_requests=False)
    assert run(runtime, TOKYO_WED_NINE + timedelta(days=2)) == {}
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", nudge_requests=True)
        content_requests.transition(session, TEAM, rid, "delivered")
    assert run(runtime, TOKYO_WED_NINE + timedelta(days=2)) == {}
    assert dms(slack, OWNER) == []


def test_an_owner_who_is_not_a_marketer_can_deliver_and_decline_from_their_dm(
    http: SlackHTTP, runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """The accept form lets a marketer pick any member as owner; the overdue DM's buttons work
    for them (an outsider is still refused)."""
    rid = setup(engine, slack, owner_is_marketer=False)
    assert run(runtime, TOKYO_WED_NINE) == {"sent": 1}
    # The app's background worker may be the one that sends it: wait for the post.
    slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == OWNER)
    refused = block_action_payload(DELIVER_BUTTON, str(rid), user_id=OUTSIDER,
                                   response_url=slack.new_response_url())  # fmt: skip
    assert "Sorry" in notice_of_click(http, slack, refused)  # response_url failing meanwhile
    http.action(block_action_payload(DELIVER_BUTTON, str(rid), user_id=OWNER))
    opened = slack.wait_for("views.open", 2)[1]
    assert opened.json("view")["callback_id"] == DELIVER_CALLBACK
    values = {B_REASON: {"value": {"type": "plain_text_input", "value": "No budget"}}}
    submit = view_submission_payload(DECLINE_CALLBACK, values, user_id=OWNER,
                                     private_metadata=str(rid))  # fmt: skip
    assert http.submit(submit) == (200, "")
    outbox_settled(engine)
    with Session(engine) as session:
        request = content_requests.get(session, TEAM, rid)
        assert request is not None and request.status == "declined"
    stale = block_action_payload(views.MOVE_DATE_BUTTON, str(rid), user_id=OWNER,
                                 response_url=slack.new_response_url())  # fmt: skip
    assert "does not apply" in notice_of_click(http, slack, stale)  # declined: no date to move


def test_moving_the_date_tells_the_requester_and_a_new_date_nudges_again(
    http: SlackHTTP, runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    rid = setup(engine, slack)
    run(runtime, TOKYO_WED_NINE)
    refused = block_action_payload(views.MOVE_DATE_BUTTON, str(rid), user_id=OUTSIDER,
                                   response_url=slack.new_response_url())  # fmt: skip
    assert "owner" in notice_of_click(http, slack, refused)  # response_url failing meanwhile
    http.action(block_action_payload(views.MOVE_DATE_BUTTON, str(rid), user_id=OWNER))
    opened = slack.wait_for("views.open", 2)[1]
    assert opened.json("view")["callback_id"] == views.MOVE_DATE_CALLBACK
    day = date.today() + timedelta(days=30)
    while (day + timedelta(days=1)).weekday() >= 5:  # the morning after is a working day
        day += timedelta(days=1)
    picked = day.isoformat()
    values = {"expected": {"value": {"type": "datepicker", "selected_date": "2020-01-01"}}}
    stale = view_submission_payload(
        views.MOVE_DATE_CALLBACK, values, user_id=OWNER, private_metadata=str(rid)
    )
    _, body = http.submit(stale)
    assert body["errors"]["expected"].startswith("That date has passed")
    values = {"expected": {"value": {"type": "datepicker", "selected_date": picked}}}
    submit = view_submission_payload(views.MOVE_DATE_CALLBACK, values, user_id=OWNER,
                                     private_metadata=str(rid))  # fmt: skip
    assert http.submit(submit) == (200, "")
    assert http.submit(submit) == (200, "")  # Slack's redelivery: one DM still
    (told,) = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == REP)
    assert picked in told.params["text"]
    outbox_settled(engine)
    assert len(dms(slack, REP)) == 1
    with Session(engine) as session:
        request = content_requests.get(session, TEAM, rid)
        assert request is not None and request.expected_date == date.fromisoformat(picked)
    later = datetime.combine(
        date.fromisoformat(picked) + timedelta(days=1), datetime.min.time(), UTC
    )
    assert run(runtime, later + timedelta(hours=1)) == {"sent": 1}  # 10:00 Tokyo, next day
    # The app's background worker may be the one that sends it: wait for the post.
    slack.wait_for("chat.postMessage", 2, where=lambda c: c.params["channel"] == OWNER)
