"""Questions nobody answers (freezegun): after 24 working hours of the workspace (nights,
weekends and holidays not counted) one reply in the triage thread mentions the marketers who
are not away, the asker gets one DM in their own hours; answered questions are left alone, and
a double tick or a second process reminds once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.platform.runtime import Runtime, build_runtime
from bot.questions.nudges import remind_unanswered
from bot.questions.posts import post_triage
from storage import people, roles, workspaces
from storage import questions as store
from tests.blockkit import assert_valid_message
from tests.conftest import ADMIN, TEAM
from tests.fake_slack import FakeSlack

TRIAGE = "C0TRIAGE01"
REP = "U0REP00001"
MARKETER, MARKETER2 = "U0MKT00001", "U0MKT00002"
# Asked Friday 2026-03-06 16:00 in Paris (15:00 UTC): 2 h on Friday, 9 h Mon, 9 h Tue, 4 h Wed.
ASKED = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # Wednesday 13:00 in Paris
HONOLULU_NINE = datetime(2026, 3, 11, 19, 0, tzinfo=UTC)  # the asker's Wednesday 09:00


def setup(runtime: Runtime, engine: Engine, slack: FakeSlack) -> int:
    slack.users[REP] = {"tz": "Pacific/Honolulu"}
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", timezone="Europe/Paris", triage_channel=TRIAGE)
        roles.grant(session, TEAM, MARKETER, "marketer", ADMIN)
        roles.grant(session, TEAM, MARKETER2, "marketer", ADMIN)
        with freeze_time(ASKED):
            q, _ = store.capture(session, TEAM, "trigger:1", REP, "Do you <!here> integrate?")
    with freeze_time(ASKED):
        assert post_triage(runtime, TEAM, q.id or 0) == "posted"
    return q.id or 0


def run(runtime: Runtime, now: datetime) -> dict:
    """One tick's scan, then the outbox's worker run (the scan only records the nudges)."""
    with freeze_time(now):
        done = remind_unanswered(runtime, now)
        runtime.outbox.deliver_due()
        return done


def thread_replies(slack: FakeSlack) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts")]


def dms(slack: FakeSlack, user: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == user]


def test_a_question_open_for_24_working_hours_is_reminded_once(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(runtime, engine, slack)
    assert run(runtime, DUE - timedelta(minutes=1))["reminded"] == 0
    assert run(runtime, DUE) == {"reminded": 1, "askers_told": 0}  # 02:00 in Honolulu
    assert run(runtime, DUE + timedelta(minutes=1))["reminded"] == 0
    build_other = build_runtime(runtime.settings, engine=engine)
    assert run(build_other, DUE + timedelta(minutes=2))["reminded"] == 0
    (reply,) = thread_replies(slack)
    assert_valid_message(reply.params)
    assert reply.params["channel"] == TRIAGE
    assert f"<@{MARKETER}> <@{MARKETER2}>" in reply.params["text"]
    assert "still unanswered after 24 working hours" in reply.params["text"]
    # Wednesday 12:00 UTC is 02:00 in Honolulu: the asker's DM waits for 09:00 there.
    assert dms(slack, REP) == []
    assert run(runtime, HONOLULU_NINE - timedelta(minutes=1))["askers_told"] == 0
    assert run(runtime, HONOLULU_NINE)["askers_told"] == 1
    assert run(runtime, HONOLULU_NINE + timedelta(minutes=1))["askers_told"] == 0
    (dm,) = dms(slack, REP)
    assert "still open" in dm.params["text"]
    assert "&lt;!here&gt;" in str(dm.params["blocks"])


def test_an_answered_question_is_not_reminded(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    qid = setup(runtime, engine, slack)
    with Session(engine) as session, freeze_time(ASKED + timedelta(days=1)):
        store.answer(session, TEAM, qid, MARKETER, "Yes, natively.", None, "view:1")
    run(runtime, DUE + timedelta(hours=1))
    assert thread_replies(slack) == [] and dms(slack, REP) == []


def test_the_askers_dm_is_not_sent_once_the_question_was_answered_meanwhile(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    """The thread reminder goes at once; the asker's DM waits for their 09:00, by which time a
    marketer answered: telling them it is "still open" would be false."""
    qid = setup(runtime, engine, slack)
    run(runtime, DUE)
    with Session(engine) as session, freeze_time(DUE + timedelta(hours=1)):
        store.answer(session, TEAM, qid, MARKETER, "Yes, natively.", None, "view:9")
    run(runtime, HONOLULU_NINE)
    assert len(thread_replies(slack)) == 1
    assert dms(slack, REP) == []


def test_a_holiday_adds_a_day_and_away_marketers_are_not_mentioned(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(runtime, engine, slack)
    with Session(engine) as session:
        people.add_holiday(session, TEAM, date(2026, 3, 9), "Holiday")
        people.set_away(session, TEAM, MARKETER, date(2026, 3, 9), None, "")
    run(runtime, DUE)
    assert thread_replies(slack) == []
    run(runtime, DUE + timedelta(days=1))  # Thursday 13:00 in Paris
    (reply,) = thread_replies(slack)
    assert (
        f"<@{MARKETER}>" not in reply.params["text"] and f"<@{MARKETER2}>" in reply.params["text"]
    )


def test_the_reminder_waits_for_working_hours_and_can_be_turned_off(
    runtime: Runtime, slack: FakeSlack, engine: Engine
) -> None:
    setup(runtime, engine, slack)
    night = datetime(2026, 3, 11, 23, 0, tzinfo=UTC)  # Thursday 00:00 in Paris, after due
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", nudge_questions=False)
    run(runtime, DUE)
    assert thread_replies(slack) == []
    with Session(engine) as session:
        workspaces.update(session, TEAM, "UTC", nudge_questions=True)
    run(runtime, night)
    assert thread_replies(slack) == []
    run(runtime, night + timedelta(hours=8))  # 08:00 Paris: not yet
    assert thread_replies(slack) == []
    run(runtime, night + timedelta(hours=9))
    assert len(thread_replies(slack)) == 1
