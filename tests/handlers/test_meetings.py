"""`/agenda` end to end: the setup modal, its inline errors, list/pause/resume/skip/add/preview."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.meetings.agenda import TITLES
from bot.meetings.views import forms
from storage import meetings
from storage.clock import utcnow
from tests.agenda_seed import OWNERS, seed_content, seed_goals
from tests.blockkit import assert_valid_message, assert_valid_modal, live_mentions
from tests.conftest import ADMIN, OTHER_TEAM, TEAM
from tests.fake_slack import FakeSlack
from tests.meeting_helpers import CHANNEL, MARKETING, SALES, make_series
from tests.slack_signing import SlackHTTP, view_submission_payload

REP = "U0REP00001"


def text_(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"text": value, "value": value}}


def setup_values(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values: dict[str, Any] = {
        "name": text_("Weekly sync"),
        "kind": option("weekly"),
        "pattern": option("weekly"),
        "weekday": option("0"),
        "nth": option("1"),
        "day": option("1"),
        "time": text_("09:00"),
        "cron": text_(""),
        "timezone": text_("Europe/Paris"),
        "channel": {"type": "conversations_select", "selected_conversation": CHANNEL},
        "lead": text_("24"),
        "sales": {"type": "multi_users_select", "selected_users": SALES},
        "marketing": {"type": "multi_users_select", "selected_users": MARKETING},
    }
    values.update(overrides)
    return {block: {forms.VALUE: element} for block, element in values.items()}


def submit(http: SlackHTTP, user: str = ADMIN, **overrides: dict[str, Any]) -> Any:
    payload = view_submission_payload(forms.SETUP, setup_values(**overrides), user_id=user)
    status, body = http.submit(payload)
    assert status == 200
    return body


def test_setup_opens_a_valid_modal_for_leaders_only(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    _, body = http.command("/agenda", "setup", user_id=REP)
    assert body["text"].startswith(":lock:")
    _, body = http.command("/agenda", "setup", user_id=ADMIN)
    assert "Opening" in body["text"]
    (call,) = slack.wait_for("views.open")
    view = call.json("view")
    assert_valid_modal(view)
    assert view["callback_id"] == forms.SETUP
    assert len(slack.calls_to("views.open")) == 1


def test_setup_submission_saves_the_series_and_confirms_by_dm(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    assert submit(http) in ("", {})
    series = meetings.find_series(session, TEAM, "weekly SYNC")
    assert series is not None and series.timezone == "Europe/Paris"
    assert series.sales == SALES and series.channel == CHANNEL and series.lead_minutes == 1440
    dm = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == ADMIN)
    assert "Weekly sync" in dm[0].params["text"]
    assert meetings.find_series(session, OTHER_TEAM, "Weekly sync") is None


@pytest.mark.parametrize(
    ("overrides", "block"),
    [
        ({"pattern": option("cron"), "cron": text_("61 * * * *")}, "cron"),
        ({"time": text_("9h30")}, "time"),
        ({"timezone": text_("Mars/Olympus")}, "timezone"),
        (
            {"channel": {"type": "conversations_select", "selected_conversation": "D0DM000001"}},
            "channel",
        ),
        ({"channel": {"type": "conversations_select", "selected_conversation": None}}, "channel"),
        ({"lead": text_("0")}, "lead"),
        ({"name": text_("  ")}, "name"),
        ({"sales": {"type": "multi_users_select", "selected_users": ["<!channel>"]}}, "sales"),
    ],
)
def test_bad_setup_input_gets_inline_errors_and_stores_nothing(
    http: SlackHTTP, session: Session, overrides: dict[str, Any], block: str
) -> None:
    body = submit(http, **overrides)
    assert body["response_action"] == "errors" and block in body["errors"]
    assert meetings.list_series(session, TEAM) == []


def test_forged_setup_submission_by_a_rep_changes_nothing(
    http: SlackHTTP, session: Session
) -> None:
    body = submit(http, user=REP)
    assert body["response_action"] == "errors"
    assert meetings.list_series(session, TEAM) == []


def test_cron_series_for_custom_kind(http: SlackHTTP, session: Session) -> None:
    submit(http, kind=option("custom"), pattern=option("cron"), cron=text_("30 9 * * 1-5"))
    series = meetings.find_series(session, TEAM, "Weekly sync")
    assert series is not None and series.cron == "30 9 * * 1-5" and series.kind == "custom"


def test_list_pause_resume_skip(http: SlackHTTP, session: Session) -> None:
    make_series(session, name="Sync & <!here>")
    _, body = http.command("/agenda", "list")
    assert "Sync &amp; &lt;!here&gt;" in body["text"] and "next" in body["text"]
    assert live_mentions(body) == []
    _, body = http.command("/agenda", "pause Sync & <!here>", user_id=REP)
    assert ":lock:" in body["text"]
    _, body = http.command("/agenda", "pause sync &amp; &lt;!here&gt;", user_id=ADMIN)
    assert "paused" in body["text"]
    _, body = http.command("/agenda", "list")
    assert "paused" in body["text"]
    _, body = http.command("/agenda", "resume Sync & <!here>", user_id=ADMIN)
    assert "active again" in body["text"]
    _, body = http.command("/agenda", "skip Sync & <!here> 2099-12-29", user_id=ADMIN)
    assert "does not meet on 2099-12-29" in body["text"]  # a Tuesday
    _, body = http.command("/agenda", "skip Sync & <!here> 2099-12-28", user_id=ADMIN)
    assert "2099-12-28" in body["text"]
    session.expire_all()
    series = meetings.find_series(session, TEAM, "Sync & <!here>")
    assert series is not None and series.skip_dates == ["2099-12-28"] and not series.paused
    _, body = http.command("/agenda", "skip Sync & <!here> tomorrow", user_id=ADMIN)
    assert "YYYY-MM-DD" in body["text"]
    _, body = http.command("/agenda", "pause Nope", user_id=ADMIN)
    assert "no meeting series" in body["text"]


def test_add_topic_and_preview_to_the_asker_only(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    make_series(session, name="Weekly sync")
    _, body = http.command("/agenda", "add Weekly sync <@U0EVIL0001> pricing", user_id=REP)
    assert "Added to *Weekly sync*" in body["text"] and live_mentions(body) == []
    _, body = http.command("/agenda", "add Weekly sync", user_id=REP)
    assert "Say what the topic is" in body["text"]
    _, body = http.command("/agenda", "add Nope something", user_id=REP)
    assert "no meeting series" in body["text"]
    _, body = http.command("/agenda", "preview Weekly sync", user_id=REP)
    assert body["response_type"] == "ephemeral"
    text = json.dumps(body["blocks"])
    assert "&lt;@U0EVIL0001&gt; pricing" in text and "preview" in text
    assert "agenda_vote" not in text  # a preview has no buttons
    assert slack.calls_to("chat.postMessage") == []


def test_unknown_subcommand_shows_usage(http: SlackHTTP) -> None:
    _, body = http.command("/agenda", "frobnicate")
    assert "/agenda setup" in body["text"]
    _, body = http.command("/agenda", "&lt;!channel&gt; hi")
    assert live_mentions(body) == [] and "&lt;!channel&gt;" in body["text"]
    _, body = http.command("/agenda", "")
    assert "/agenda list" in body["text"]


def test_same_add_delivered_twice_adds_one_topic(
    http: SlackHTTP, session: Session, engine: Engine
) -> None:
    series = make_series(session)
    assert series.id is not None
    http.command("/agenda", "add Weekly sync Budget", trigger_id="1.2.abc")
    http.command("/agenda", "add Weekly sync Budget", trigger_id="1.2.abc")
    assert len(meetings.open_topics(session, series.id)) == 1


def test_preview_shows_goals_and_content_sections_escaped(
    http: SlackHTTP, slack: FakeSlack, session: Session
) -> None:
    series = make_series(session, name="Weekly sync")
    now = utcnow()
    series.created_at = now - timedelta(days=2)  # the digest of an hour ago is in the window
    session.add(series)
    session.commit()
    seed_goals(session, now)
    seed_content(session, now)
    _, body = http.command("/agenda", "preview Weekly sync", user_id=REP)
    assert body["response_type"] == "ephemeral"
    assert_valid_message(body)
    assert live_mentions(body, allowed=OWNERS) == []
    texts = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    since, goals, content = (
        next(t for t in texts if t.startswith(f"*{title}"))
        for title in (TITLES["since"], TITLES["goals"], TITLES["content"])
    )
    assert texts.index(since) < texts.index(goals) < texts.index(content)  # a weekly check-in
    assert "1 content request delivered" in since
    first_goal = goals.splitlines()[1]
    assert "Pipeline &lt;!channel&gt;" in first_goal and "behind" in first_goal
    assert "<@U0SALES001>, <@U0MKTG0001>" in first_goal and "risk seen by 2" in first_goal
    lines = content.splitlines()
    assert "Battlecard &lt;!channel&gt;" in lines[1] and "Deck &lt;!channel&gt;" in lines[3]
    assert "Dusty whitepaper &lt;!here&gt;" in lines[4]
    assert slack.calls_to("chat.postMessage") == []
