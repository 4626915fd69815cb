"""Posting agendas under freezegun: lead time in the series zone, exactly once, carry-over,
skip and pause, and action-item reminders."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.meetings.jobs import post_due_agendas, remind_actions
from bot.platform.runtime import Runtime, build_runtime
from bot.system import jobs
from storage import meetings, people
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage.models.meetings import ActionItem
from tests.blockkit import assert_valid_message, live_mentions
from tests.conftest import TEAM
from tests.fake_slack import FakeSlack
from tests.meeting_helpers import CHANNEL, MARKETING, SALES, make_series

PARIS = ZoneInfo("Europe/Paris")
MEETING = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)  # a Monday
POST_AT = MEETING - timedelta(hours=24)


def posts(slack: FakeSlack, channel: str = CHANNEL) -> list[dict]:
    calls = slack.calls_to("chat.postMessage")
    return [c.params for c in calls if c.params["channel"] == channel and c.status == 200]


def blocks_text(params: dict) -> str:
    blocks = params["blocks"]
    return json.dumps(blocks if isinstance(blocks, list) else json.loads(blocks))


def setup_series(engine: Engine, slack: FakeSlack | None = None, **fields: object) -> int:
    if slack is not None:  # action items' owners live in Paris, like the series
        for user in (*SALES, *MARKETING):
            slack.users[user] = {"tz": "Europe/Paris"}
    with freeze_time(MEETING - timedelta(days=5)), Session(engine) as session:
        series = make_series(session, **fields)
        assert series.id is not None
        meetings.add_topic(session, TEAM, series.id, "Pricing <!channel> page", SALES[0])
        return series.id


def test_posted_at_lead_time_in_series_zone_exactly_once(
    runtime: Runtime, slack: FakeSlack, engine: Engine, settings: object
) -> None:
    series_id = setup_series(engine)
    with freeze_time(POST_AT - timedelta(minutes=1)):
        assert post_due_agendas(runtime, POST_AT - timedelta(minutes=1))["posted"] == 0
    with freeze_time(POST_AT):
        assert post_due_agendas(runtime, POST_AT.astimezone(UTC))["posted"] == 1
        assert post_due_agendas(runtime, POST_AT.astimezone(UTC))["posted"] == 0
        jobs.tick(POST_AT.astimezone(UTC), runtime)
        restarted = build_runtime(runtime.settings, engine=engine)  # a new process
        jobs.tick(POST_AT.astimezone(UTC) + timedelta(minutes=1), restarted)
    sent = posts(slack)
    assert len(sent) == 1
    assert_valid_message({**sent[0], "blocks": json.loads(blocks_text(sent[0]))})
    text = blocks_text(sent[0])
    assert "Pricing &lt;!channel&gt; page" in text and "Mon 23 Nov 2026, 09:00" in text
    assert live_mentions(json.loads(text), allowed=(*SALES, *MARKETING)) == []
    assert f"<@{SALES[0]}>" in text and f"<@{MARKETING[0]}>" in text  # voices
    with Session(engine) as session:
        agenda = agendas.agenda_for(session, series_id, MEETING.astimezone(UTC))
        assert agenda is not None and agenda.ts and agenda.channel == CHANNEL


def test_rate_limited_post_is_recorded_once_sent(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    series_id = setup_series(engine)
    slack.fail("chat.postMessage", status=429, retry_after=5, times=1)
    with freeze_time(POST_AT):
        assert post_due_agendas(runtime, POST_AT)["pending"] == 1
    later = POST_AT + timedelta(seconds=10)
    with freeze_time(later):
        runtime.outbox.deliver_due()
        assert post_due_agendas(runtime, later) == {"posted": 1, "pending": 0, "failed": 0}
        post_due_agendas(runtime, later)
    assert len(posts(slack)) == 1
    with Session(engine) as session:
        agenda = agendas.agenda_for(session, series_id, MEETING.astimezone(UTC))
        assert agenda is not None and agenda.ts


def test_channel_the_bot_is_not_in_alerts_admins_once(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_series(engine)
    slack.fail("chat.postMessage", status=200, error="not_in_channel", times=1)
    with freeze_time(POST_AT):
        assert post_due_agendas(runtime, POST_AT)["failed"] == 1
        assert post_due_agendas(runtime, POST_AT)["failed"] == 1
    assert len(slack.calls_to("chat.postMessage")) == 2  # the agenda once, one admin alert
    assert "/invite" in slack.calls_to("chat.postMessage")[1].params["text"]


def test_skip_and_pause(runtime: Runtime, slack: FakeSlack, engine: Engine) -> None:
    series_id = setup_series(engine)
    with Session(engine) as session:
        series = meetings.find_series(session, TEAM, str(series_id))
        assert series is not None
        meetings.add_skip(session, series, date(2026, 11, 23))
    with freeze_time(POST_AT):
        assert post_due_agendas(runtime, POST_AT)["posted"] == 0
    nxt = POST_AT + timedelta(days=7)
    with Session(engine) as session:
        series = meetings.find_series(session, TEAM, str(series_id))
        assert series is not None
        meetings.set_paused(session, series, True)
    with freeze_time(nxt):
        assert post_due_agendas(runtime, nxt)["posted"] == 0
    with Session(engine) as session:
        series = meetings.find_series(session, TEAM, str(series_id))
        assert series is not None
        meetings.set_paused(session, series, False)
    with freeze_time(nxt):
        assert post_due_agendas(runtime, nxt)["posted"] == 1
    assert "Mon 30 Nov 2026" in blocks_text(posts(slack)[0])


def test_carry_over_of_undiscussed_items_and_open_action_items(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    series_id = setup_series(engine)
    with freeze_time(POST_AT - timedelta(hours=1)), Session(engine) as session:
        meetings.add_topic(session, TEAM, series_id, "Discussed topic", SALES[1])
    with freeze_time(POST_AT):
        post_due_agendas(runtime, POST_AT)
    with (
        freeze_time(MEETING + timedelta(hours=1)),
        Session(engine, expire_on_commit=False) as session,
    ):
        first = agendas.agenda_for(session, series_id, MEETING.astimezone(UTC))
        assert first is not None and first.id is not None
        items = {i.text: i for i in agendas.items_of(session, first.id)}
        agendas.mark_discussed(session, items["Discussed topic"], SALES[0])
        action_items.add_action(
            session, first, "Send the deck", MARKETING[0], date(2026, 11, 26), SALES[0]
        )
        done = action_items.add_action(
            session, first, "Book room", SALES[0], date(2026, 11, 25), SALES[0]
        )
        action_items.complete_action(session, done, SALES[0])
        meetings.add_topic(session, TEAM, series_id, "Fresh topic", MARKETING[1])
    nxt = POST_AT + timedelta(days=7)
    with freeze_time(nxt):
        assert post_due_agendas(runtime, nxt)["posted"] == 1
    second = blocks_text(posts(slack)[1])
    carried = second.split("Carried over")[1]
    assert "Pricing &lt;!channel&gt; page" in carried
    assert "Send the deck" in carried and "Book room" not in second
    assert "Discussed topic" not in second
    assert "Fresh topic" in second.split("Carried over")[0]
    assert "1 action item done" in second  # since last time


def test_voices_rotate_between_meetings(runtime: Runtime, slack: FakeSlack, engine: Engine) -> None:
    setup_series(engine)
    for week in range(3):
        moment = POST_AT + timedelta(days=7 * week)
        with freeze_time(moment):
            post_due_agendas(runtime, moment)
    voices = [blocks_text(p).split("Voices")[1] for p in posts(slack)]
    assert SALES[0] in voices[0] and SALES[1] in voices[1] and SALES[0] in voices[2]
    assert MARKETING[0] in voices[0] and MARKETING[1] in voices[1]


def test_action_item_reminder_the_day_before_once(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    series_id = setup_series(engine, slack)
    with freeze_time(POST_AT):
        post_due_agendas(runtime, POST_AT)
    with Session(engine, expire_on_commit=False) as session:
        agenda = agendas.agenda_for(session, series_id, MEETING.astimezone(UTC))
        assert agenda is not None
        action = action_items.add_action(
            session, agenda, "Ship <@U0EVIL0001> deck", MARKETING[0], date(2026, 11, 26), SALES[0]
        )
    remind = datetime(2026, 11, 25, 9, 0, tzinfo=PARIS)
    with freeze_time(remind - timedelta(minutes=1)):
        remind_actions(runtime, remind - timedelta(minutes=1))
    assert posts(slack, MARKETING[0]) == []
    with freeze_time(remind):
        remind_actions(runtime, remind)
        remind_actions(runtime, remind + timedelta(minutes=1))
    dms = posts(slack, MARKETING[0])
    assert len(dms) == 1
    assert "&lt;@U0EVIL0001&gt;" in dms[0]["text"] and "<@U0EVIL0001>" not in blocks_text(dms[0])
    assert f'"value": "{action.id}"' in blocks_text(dms[0])
    with Session(engine) as session:
        action_items.complete_action(session, action, MARKETING[0])
        session.commit()
    with freeze_time(remind + timedelta(hours=1)):
        assert remind_actions(runtime, remind + timedelta(hours=1)) == {"reminders_due": 0}


@pytest.mark.parametrize(
    ("fields", "post_at"),
    [
        # 2nd Tuesday of December 14:30 New York, 48 h lead
        (
            {
                "pattern": "nth_weekday",
                "weekday": 1,
                "nth": 2,
                "time": "14:30",
                "timezone": "America/New_York",
                "lead_minutes": 48 * 60,
            },
            datetime(2026, 12, 6, 14, 30, tzinfo=ZoneInfo("America/New_York")),
        ),
        # cron: 16:00 on the 1st of each quarter month, Paris, 1 h lead
        (
            {
                "pattern": "cron",
                "cron": "0 16 1 1,4,7,10 *",
                "kind": "quarterly",
                "lead_minutes": 60,
            },
            datetime(2027, 1, 1, 15, 0, tzinfo=PARIS),
        ),
        # weekly Monday 09:00 Paris just after summer time ends (Sun 25 Oct 2026)
        ({}, datetime(2026, 10, 25, 9, 0, tzinfo=PARIS)),
        # New York enters summer time on Sun 8 Mar 2026: Monday 09:00 local is 13:00 UTC
        ({"timezone": "America/New_York"}, datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
    ],
)
def test_posting_time_for_each_schedule_kind_and_across_dst(
    runtime: Runtime, slack: FakeSlack, engine: Engine, fields: dict, post_at: datetime
) -> None:
    with freeze_time(post_at - timedelta(days=20)), Session(engine) as session:
        make_series(session, **fields)
    before = post_at - timedelta(minutes=1)
    with freeze_time(before):
        assert post_due_agendas(runtime, before)["posted"] == 0
    with freeze_time(post_at):
        assert post_due_agendas(runtime, post_at)["posted"] == 1
    assert len(posts(slack)) == 1


@pytest.mark.parametrize("fault", ["slack-503", "database-locked"])
def test_a_reminder_whose_first_try_fails_is_sent_once_later(
    runtime: Runtime, slack: FakeSlack, engine: Engine, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection for the scheduled kind of job: Slack answers 503 to the reminder's first
    post, or the database is locked during the reminder tick; it is sent once afterwards."""
    import sqlite3

    from storage import db

    series_id = setup_series(engine, slack)
    with freeze_time(POST_AT):
        post_due_agendas(runtime, POST_AT)
    with Session(engine, expire_on_commit=False) as session:
        agenda = agendas.agenda_for(session, series_id, MEETING.astimezone(UTC))
        assert agenda is not None
        action_items.add_action(
            session, agenda, "Ship the deck", MARKETING[0], date(2026, 11, 26), SALES[0]
        )
    remind = datetime(2026, 11, 25, 9, 0, tzinfo=PARIS)
    with freeze_time(remind):
        if fault == "slack-503":
            slack.fail("chat.postMessage", status=503, times=1)
            remind_actions(runtime, remind)
        else:
            monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
            engine.dispose()
            holder = sqlite3.connect(str(engine.url.database), isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            try:
                with pytest.raises(Exception, match="locked"):
                    remind_actions(runtime, remind)  # the tick fails; nothing marked sent
            finally:
                holder.execute("ROLLBACK")
                holder.close()
        assert posts(slack, MARKETING[0]) == []
    for minutes in (1, 2, 3):  # later ticks, and the outbox's retries
        with freeze_time(remind + timedelta(minutes=minutes)):
            remind_actions(runtime, remind + timedelta(minutes=minutes))
            runtime.outbox.deliver_due()
    assert len(posts(slack, MARKETING[0])) == 1


def honolulu_action(engine: Engine, slack: FakeSlack, runtime: Runtime) -> ActionItem:
    """An action item due Thursday 26 Nov whose owner works in Honolulu."""
    series_id = setup_series(engine, slack)
    slack.users[MARKETING[0]] = {"tz": "Pacific/Honolulu"}
    with freeze_time(POST_AT):
        post_due_agendas(runtime, POST_AT)
    with Session(engine, expire_on_commit=False) as session:
        agenda = agendas.agenda_for(session, series_id, MEETING.astimezone(UTC))
        assert agenda is not None
        return action_items.add_action(
            session, agenda, "Deck", MARKETING[0], date(2026, 11, 26), SALES[0]
        )


REMIND = datetime(2026, 11, 25, 9, 0, tzinfo=PARIS)  # 22:00 the evening before in Honolulu
HONOLULU_NINE = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Pacific/Honolulu"))


def test_an_action_reminder_waits_for_the_owners_working_hours(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    honolulu_action(engine, slack, runtime)
    with freeze_time(REMIND):
        assert remind_actions(runtime, REMIND) == {"reminders_due": 1, "later": 1}
        runtime.outbox.deliver_due()
    before = HONOLULU_NINE - timedelta(minutes=1)
    with freeze_time(before):
        assert remind_actions(runtime, before)["later"] == 1
        runtime.outbox.deliver_due()
    assert posts(slack, MARKETING[0]) == []
    with freeze_time(HONOLULU_NINE):
        assert remind_actions(runtime, HONOLULU_NINE)["sent"] == 1
        assert remind_actions(runtime, HONOLULU_NINE)["already"] == 1
        runtime.outbox.deliver_due()
    assert len(posts(slack, MARKETING[0])) == 1


@pytest.mark.parametrize("change", ["done", "away"])
def test_a_held_action_reminder_is_not_sent_once_no_longer_true(
    runtime: Runtime, slack: FakeSlack, engine: Engine, change: str
) -> None:
    """Held overnight for Honolulu's morning; by then the item was done, or its owner away."""
    action = honolulu_action(engine, slack, runtime)
    with freeze_time(REMIND):
        remind_actions(runtime, REMIND)
    with Session(engine) as session:
        if change == "done":
            action_items.complete_action(session, action, MARKETING[0])
            session.commit()
        else:
            people.set_away(session, TEAM, MARKETING[0], date(2026, 11, 25), None, "")
    with freeze_time(HONOLULU_NINE):
        remind_actions(runtime, HONOLULU_NINE)
        runtime.outbox.deliver_due()
    assert posts(slack, MARKETING[0]) == []


def test_a_meeting_on_a_holiday_gets_one_line_and_its_topics_carry_over(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_series(engine)
    with Session(engine) as session:
        people.add_holiday(session, TEAM, MEETING.date(), "Company day")
    for now in (POST_AT, POST_AT + timedelta(minutes=1)):
        with freeze_time(now):
            assert post_due_agendas(runtime, now)["posted"] == 0
    (line,) = posts(slack)
    assert_valid_message(line)
    assert "falls on a workspace holiday" in line["text"] and "2026-11-23" in line["text"]
    next_week = POST_AT + timedelta(days=7)
    with freeze_time(next_week):
        assert post_due_agendas(runtime, next_week)["posted"] == 1
    assert "Pricing &lt;!channel&gt; page" in blocks_text(posts(slack)[1])


def test_an_away_member_is_not_picked_as_a_voice(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup_series(engine)
    with Session(engine) as session:
        people.set_away(session, TEAM, SALES[0], MEETING.date(), None, "")
    with freeze_time(POST_AT):
        post_due_agendas(runtime, POST_AT)
    voices = blocks_text(posts(slack)[0]).split("Voices")[1]
    assert SALES[0] not in voices and SALES[1] in voices and MARKETING[0] in voices
