"""Meeting repositories on SQLite and PostgreSQL: natural keys hold, queries find what they must."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import meetings
from storage import meetings_action_items as action_items
from storage import meetings_agendas as agendas
from storage.meetings_agendas import NewItem
from tests.conftest import OTHER_TEAM, TEAM
from tests.meeting_helpers import make_series

MEETING = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_series_names_are_unique_per_team_and_case_insensitive(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        first = make_series(session, "Weekly sync")
        again = make_series(session, "WEEKLY SYNC", time="10:00")
        other = make_series(session, "Weekly sync", team_id=OTHER_TEAM)
        assert first.id == again.id and again.time == "10:00"
        assert other.id != first.id
        assert meetings.find_series(session, TEAM, str(other.id)) is None  # not this team's
        assert [s.name for s in meetings.list_series(session, TEAM)] == ["Weekly sync"]


def test_votes_once_per_person_and_skips(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        series = make_series(session)
        assert series.id is not None
        topic = meetings.add_topic(session, TEAM, series.id, "Pricing", "U0A0000001")
        assert topic.id is not None
        assert meetings.vote(session, TEAM, topic.id, "U0A0000001")
        assert not meetings.vote(session, TEAM, topic.id, "U0A0000001")
        assert meetings.vote(session, TEAM, topic.id, "U0B0000001")
        assert meetings.vote_counts(session, [topic.id]) == {topic.id: 2}
        assert meetings.add_skip(session, series, date(2026, 12, 28))
        assert not meetings.add_skip(session, series, date(2026, 12, 28))
        session.expire_all()
        assert meetings.find_series(session, TEAM, "weekly sync").skip_dates == ["2026-12-28"]  # type: ignore[union-attr]


def test_one_agenda_per_meeting_with_items_actions_and_voices(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        series = make_series(session)
        assert series.id is not None
        items = [NewItem("topics", "topic", 1, "A"), NewItem("carried", "note", None, "B")]
        voices = {"sales": "U0S0000001", "marketing": "U0M0000001"}
        agenda = agendas.create_agenda(
            session, TEAM, series.id, MEETING, "C1", [{"key": "topics"}], items, voices
        )
        assert agenda is not None and agenda.id is not None
        twin = agendas.create_agenda(session, TEAM, series.id, MEETING, "C1", [], [], {})
        assert twin is None
        found = agendas.agenda_for(session, series.id, MEETING)
        assert found is not None and found.id == agenda.id
        later = MEETING + timedelta(days=7)
        assert agendas.previous_agenda(session, series.id, later).id == agenda.id  # type: ignore[union-attr]
        assert agendas.previous_agenda(session, series.id, MEETING) is None
        assert agendas.upcoming_agenda(session, series.id, MEETING - timedelta(hours=1)) is not None
        assert agendas.bump_revision(session, agenda) == 1
        assert agendas.bump_revision(session, agenda) == 2
        action = action_items.add_action(
            session, agenda, "Deck", "U0M0000001", date(2026, 11, 26), "U1"
        )
        assert [a.id for a in action_items.open_actions(session, series.id)] == [action.id]
        assert action_items.agendas_with_action(session, action.id or 0) == [agenda.id]
        due = action_items.actions_due_between(session, date(2026, 11, 25), date(2026, 11, 27))
        assert [a.id for a in due] == [action.id]
        assert action_items.complete_action(session, action, "U0M0000001")
        assert not action_items.complete_action(session, action, "U0M0000001")
        assert action_items.open_actions(session, series.id) == []
        history = agendas.voice_history(session, series.id)
        assert history["sales"] == [("U0S0000001", MEETING)]
        (a_item, b_item, _) = agendas.items_of(session, agenda.id)
        assert agendas.mark_discussed(session, b_item, "U1")
        assert not agendas.mark_discussed(session, b_item, "U1")


def test_two_leaders_skipping_different_dates_at_once_keep_both(any_engine: Engine) -> None:
    """The other leader's skip commits after this one read the list, before it writes it.
    Before, the list was read, extended in Python and written whole: one date was lost."""
    with Session(any_engine, expire_on_commit=False) as session:
        series = make_series(session)
    other_done: list[bool] = []

    def other_leader_skips(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if other_done or not statement.startswith("UPDATE meeting_series"):
            return
        other_done.append(True)
        with Session(any_engine) as other:
            twin = meetings.find_series(other, TEAM, "Weekly sync")
            assert twin is not None and meetings.add_skip(other, twin, date(2026, 12, 21))

    with Session(any_engine, expire_on_commit=False) as session:
        mine = meetings.find_series(session, TEAM, "Weekly sync")
        assert mine is not None and mine.skip_dates == []  # read before the other's skip
        event.listen(any_engine, "before_cursor_execute", other_leader_skips)
        try:
            assert meetings.add_skip(session, mine, date(2026, 12, 28))
        finally:
            event.remove(any_engine, "before_cursor_execute", other_leader_skips)
        assert other_done and mine.skip_dates == ["2026-12-21", "2026-12-28"]
    with Session(any_engine) as session:
        found = meetings.find_series(session, TEAM, str(series.id))
        assert found is not None and found.skip_dates == ["2026-12-21", "2026-12-28"]
