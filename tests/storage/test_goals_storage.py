"""Goal and digest repositories on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import goals
from storage import goals_digests as digests
from tests.conftest import OTHER_TEAM, TEAM
from tests.goal_fixtures import make_goal

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_goal_names_are_unique_per_team(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        make_goal(session, TEAM)
        make_goal(session, OTHER_TEAM)
        dup = goals.create(session, TEAM, goals_input("Signed contracts"), "U1")
        assert dup is None
        assert [g.name for g in goals.active(session, TEAM)] == ["Signed contracts"]


def goals_input(name: str):  # type: ignore[no-untyped-def]
    from datetime import date

    from storage.models.goals import GoalInput

    return GoalInput(name, "", 10, date(2026, 1, 1), date(2026, 2, 1), "U1", "U2", None)


def test_progress_history_and_windows(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        goal = make_goal(session, TEAM)
        assert goal.id is not None
        for day, (amount, delta) in enumerate([(5, False), (3, True), (-2, True)]):
            with freeze_time(T0 + timedelta(days=day)):
                goals.log_progress(session, TEAM, goal.id, f"U{day}", amount, is_delta=delta)
        assert goals.get(session, TEAM, goal.id).current_value == 6  # type: ignore[union-attr]
        assert goals.get(session, OTHER_TEAM, goal.id) is None
        week = goals.updates_between(session, TEAM, T0 + timedelta(days=1), T0 + timedelta(days=7))
        assert [(u.value, u.delta, u.user_id) for u in week] == [(8, 3, "U1"), (6, -2, "U2")]
        assert [v for _, v in goals.history(session, goal.id, T0)] == [5, 8, 6]
        assert goals.log_progress(session, OTHER_TEAM, goal.id, "U9", 1, is_delta=True) is None


def test_fuzzy_find_and_update_matching(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        make_goal(session, TEAM, name="Top 10 deals")
        make_goal(session, TEAM, name="Pipeline EMEA")
        make_goal(session, TEAM, name="Pipeline US")
        assert [g.name for g in goals.find(session, TEAM, "pipeline")] == [
            "Pipeline EMEA",
            "Pipeline US",
        ]
        assert [g.name for g in goals.find(session, TEAM, "pipelin us")] == ["Pipeline US"]
        from bot.goals.input import split_update

        found, progress, note = goals.match_update(
            session, TEAM, split_update("top 10 deals +3 yes")
        )
        assert [g.name for g in found] == ["Top 10 deals"] and (progress, note) == ("+3", "yes")


def test_a_chart_being_shared_is_never_claimed_again(any_engine: Engine) -> None:
    """`completing` is committed before the call that shares the chart: however long ago, no
    claim takes it (Slack may have shared it); a lost claim cannot mark it."""
    with Session(any_engine, expire_on_commit=False) as session:
        digest = digests.record(session, TEAM, "C1", T0, "k1")
        assert digest.id is not None
        digests.mark_posted(session, digest.id, "1.0001")
        assert digests.claim_chart(session, digest.id, timedelta(minutes=10)) == 1
        assert not digests.mark_completing(session, digest.id, 2)  # not this claim's
        assert digests.mark_completing(session, digest.id, 1)
        assert digests.claim_chart(session, digest.id, timedelta(0)) is None
        assert [d.id for d in digests.unfinished(session, T0)] == []
        assert digests.finish_chart(session, digest.id, 1, ok=False) == "pending"  # refused
        assert digests.claim_chart(session, digest.id, timedelta(minutes=10)) == 2


def test_digest_rows_reactions_and_chart_claims(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        first = digests.record(session, TEAM, "C1", T0, "k1")
        assert digests.record(session, TEAM, "C1", T0, "k1").id == first.id
        assert first.id is not None
        assert not digests.claim_chart(session, first.id, timedelta(minutes=10))  # not posted yet
        digests.mark_posted(session, first.id, "1.0001")
        assert digests.claim_chart(session, first.id, timedelta(minutes=10)) == 1
        assert digests.claim_chart(session, first.id, timedelta(minutes=10)) is None  # held
        assert digests.finish_chart(session, first.id, 1, ok=True) == "done"
        found = digests.by_message(session, TEAM, "C1", "1.0001")
        assert found is not None and found.id == first.id
        assert digests.by_message(session, OTHER_TEAM, "C1", "1.0001") is None
        assert digests.add_reaction(session, found, "U1", "eyes")
        assert not digests.add_reaction(session, found, "U1", "eyes")
        assert digests.remove_reaction(session, found, "U1", "eyes")
        assert not digests.remove_reaction(session, found, "U1", "eyes")
        later = digests.record(session, TEAM, "C1", T0 + timedelta(days=7), "k2")
        assert [d.id for d in digests.previous(session, TEAM, later.occurrence)] == [first.id]
        assert digests.previous(session, TEAM, T0) == []
