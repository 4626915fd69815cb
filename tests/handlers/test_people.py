"""`/lockstep away|back` and `/lockstep config nudges|working-hours|holiday` over real HTTP:
friendly errors that show the right form and write nothing, admins-only settings, and the
`user_change` event refreshing a cached zone."""

from __future__ import annotations

from datetime import date

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import people, workspaces
from storage.models import Holiday, Person
from tests.conftest import ADMIN, TEAM
from tests.slack_signing import SlackHTTP

REP = "U0REP00001"


def persons(engine: Engine) -> list[Person]:
    with Session(engine) as session:
        return list(session.exec(select(Person)))


@freeze_time("2026-03-04 12:00:00")
def test_away_and_back_for_yourself(http: SlackHTTP, engine: Engine) -> None:
    _, body = http.command("/lockstep", "away 2026-03-10 2026-03-14 at the conference", user_id=REP)
    assert "away from 2026-03-10 to 2026-03-14" in body["text"]
    with Session(engine) as session:
        person = people.get(session, TEAM, REP)
        assert person is not None and person.away_note == "at the conference"
        assert people.is_away(person, date(2026, 3, 14)) and not people.is_away(
            person, date(2026, 3, 15)
        )
    _, body = http.command("/lockstep", "away 2026-04-01 at a fair", user_id=REP)
    assert "instead of 2026-03-10 to 2026-03-14" in body["text"]  # one range: it says so
    _, body = http.command("/lockstep", "back", user_id=REP)
    assert "back" in body["text"]
    with Session(engine) as session:
        assert not people.is_away(people.get(session, TEAM, REP), date(2026, 3, 12))


@freeze_time("2026-03-04 12:00:00")
def test_bad_away_days_are_explained_and_nothing_is_written(
    http: SlackHTTP, engine: Engine
) -> None:
    for text, says in [
        ("away yesterday", "YYYY-MM-DD"),
        ("away 2026-03-01", "in the past"),
        ("away 2026-02-30", "not a day of the calendar"),
        ("away 2026-03-10 2026-03-09", "before the first"),
        ("away", "from which day"),
    ]:
        _, body = http.command("/lockstep", text, user_id=REP)
        assert says in body["text"], text
        assert "/lockstep away 2026-03-10" in body["text"]
    assert persons(engine) == []


@freeze_time("2026-03-04 12:00:00")
def test_a_day_that_is_not_a_date_is_echoed_escaped(http: SlackHTTP, engine: Engine) -> None:
    """Typed angle brackets (Slack sends them as entities; the app decodes them once) come
    back escaped once, not as a live link: before, the date error echoed them raw."""
    typed = "&lt;https://e.vl|bank&gt;"  # as Slack sends `<https://e.vl|bank>` typed by hand
    for text, user in [(f"away {typed}", REP), (f"config holiday add {typed} Xmas", ADMIN)]:
        _, body = http.command("/lockstep", text, user_id=user)
        assert f"`{typed}` is not a date" in body["text"], body["text"]
    assert persons(engine) == []


@freeze_time("2026-03-04 12:00:00")
def test_only_admins_set_someone_elses_away_days(http: SlackHTTP, engine: Engine) -> None:
    _, body = http.command("/lockstep", f"away <@{ADMIN}> tomorrow", user_id=REP)
    assert "Only admins" in body["text"] and persons(engine) == []
    _, body = http.command("/lockstep", f"away <@{REP}> tomorrow", user_id=ADMIN)
    assert "is away from 2026-03-05" in body["text"]
    (person,) = persons(engine)
    assert person.user_id == REP and person.away_from == date(2026, 3, 5) and person.away_to is None


def test_admins_change_nudges_and_working_hours(http: SlackHTTP, engine: Engine) -> None:
    _, body = http.command("/lockstep", "config nudges goals 48", user_id=ADMIN)
    assert "Goal owners: on, 48 h before the digest" in body["text"]
    _, body = http.command("/lockstep", "config nudges questions off", user_id=ADMIN)
    assert "Unanswered questions: off" in body["text"]
    _, body = http.command("/lockstep", "config working-hours 08:30-17:00 mon-thu", user_id=ADMIN)
    assert "08:30-17:00, mon, tue, wed, thu" in body["text"]
    _, body = http.command("/lockstep", "config nudges", user_id=ADMIN)
    assert "48 h" in body["text"] and "off" in body["text"]
    with Session(engine) as session:
        ws = workspaces.get_or_create(session, TEAM)
        assert (ws.nudge_goal_hours, ws.nudge_questions, ws.work_days) == (48, False, "1234")


def test_bad_settings_are_explained_and_refused_to_non_admins(
    http: SlackHTTP, engine: Engine
) -> None:
    for text, says in [
        ("config nudges goals soon", "number from 1 to 168"),
        ("config nudges requests 12", "only be turned on or off"),
        ("config working-hours 18:00-09:00", "start before end"),
        ("config working-hours 09:00-17:00 someday", "mon-fri"),
        ("config working-hours 09:00-17:00 monkey-frisbee", "mon,wed-fri"),
        ("config working-hours 09:00-09:01", "at least one hour"),
        ("config holiday add 2026-02-30", "not a day of the calendar"),
        ("config holiday move 2026-12-25", "`add`, `remove` or `list`"),
    ]:
        _, body = http.command("/lockstep", text, user_id=ADMIN)
        assert says in body["text"], text
    _, body = http.command("/lockstep", "config holiday add 2026-12-25 Christmas", user_id=REP)
    assert "admin" in body["text"].lower()
    with Session(engine) as session:
        assert list(session.exec(select(Holiday))) == []
        ws = workspaces.get_or_create(session, TEAM)
        assert (ws.work_start, ws.nudge_goal_hours, ws.nudge_requests) == ("09:00", 24, True)


@freeze_time("2026-03-04 12:00:00")
def test_holidays_are_added_listed_and_removed(http: SlackHTTP) -> None:
    _, body = http.command(
        "/lockstep", "config holiday add 2026-12-25 <!channel> Christmas", user_id=ADMIN
    )
    assert "2026-12-25 is a holiday" in body["text"]
    _, body = http.command("/lockstep", "config holiday list", user_id=ADMIN)
    assert "2026-12-25 &lt;!channel&gt; Christmas" in body["text"]
    _, body = http.command("/lockstep", "config holiday remove 2026-12-25", user_id=ADMIN)
    assert "no longer a holiday" in body["text"]
    _, body = http.command("/lockstep", "config holiday list", user_id=ADMIN)
    assert "No holidays" in body["text"]


def test_a_user_change_event_refreshes_the_cached_zone(http: SlackHTTP, engine: Engine) -> None:
    user = {"id": REP, "team_id": TEAM, "tz": "Asia/Tokyo", "deleted": False}
    status, _ = http.event({"type": "user_change", "user": user})
    assert status == 200
    (person,) = persons(engine)
    assert person.tz == "Asia/Tokyo" and not person.deleted
    http.event({"type": "user_change", "user": {**user, "deleted": True, "tz": "Nowhere/Else"}})
    (person,) = persons(engine)
    assert person.deleted and person.tz is None


def test_a_member_from_another_workspace_is_cached_under_the_events_team(
    http: SlackHTTP, engine: Engine
) -> None:
    """In a shared channel, `user.team_id` is the member's home team; the event's is ours."""
    user = {"id": "U0GUEST001", "team_id": "T0ELSEWHRE", "tz": "Asia/Tokyo", "deleted": False}
    status, _ = http.event({"type": "user_change", "user": user})
    assert status == 200
    (person,) = persons(engine)  # written before the ack: there once the 200 is back
    assert (person.team_id, person.tz) == (TEAM, "Asia/Tokyo")
