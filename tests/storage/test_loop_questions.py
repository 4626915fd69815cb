"""Prospect questions in the digest's loop and the agenda: windowed, per-team reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.goals.digest import loop_lines
from bot.goals.digest_data import collect_loop_stats
from bot.meetings import agenda
from bot.meetings import sources as agenda_sources
from bot.meetings.sources import questions_since
from storage import loop
from storage import questions as store
from storage import questions_votes as votes
from storage.models import QuestionVote
from tests.conftest import OTHER_TEAM, TEAM

SINCE = datetime(2026, 10, 5, 8, tzinfo=UTC)  # a past week: merges stamp votes now
UNTIL = SINCE + timedelta(days=7)
INSIDE = SINCE + timedelta(days=2)


def ask(session: Session, text: str, at: datetime, team: str = TEAM) -> int:
    q, _ = store.capture(session, team, f"k:{text}:{team}", "U0REP00001", text, created_at=at)
    assert q.id is not None
    return q.id


def plus(session: Session, question_id: int, n: int, at: datetime, team: str = TEAM) -> None:
    for i in range(n):
        session.add(
            QuestionVote(team_id=team, question_id=question_id, user_id=f"U{i}", created_at=at)
        )
    session.commit()


def answer_at(session: Session, question_id: int, at: datetime) -> None:
    store.answer(session, TEAM, question_id, "U0MKT00001", "Yes.", None, f"a:{question_id}")
    q = store.get(session, TEAM, question_id)
    assert q is not None
    q.answered_at = at
    session.add(q)
    session.commit()


def test_digest_top_questions_and_answered_in_the_week(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        sso = ask(session, "SSO <!channel>?", SINCE - timedelta(days=30))  # old, +1'd this week
        api = ask(session, "Is there an API?", INSIDE)
        soc = ask(session, "SOC 2 report?", INSIDE)
        gone = ask(session, "Withdrawn one?", INSIDE)
        merged = ask(session, "Merged one?", INSIDE)
        quiet = ask(session, "Nobody else asked?", INSIDE)
        last_week = ask(session, "Popular last week?", SINCE - timedelta(days=3))
        theirs = ask(session, "Theirs?", INSIDE, team=OTHER_TEAM)
        plus(session, sso, 3, INSIDE)
        plus(session, api, 2, INSIDE)
        plus(session, soc, 1, UNTIL - timedelta(seconds=1))
        plus(session, gone, 9, INSIDE)
        plus(session, merged, 8, INSIDE)
        plus(session, last_week, 7, SINCE - timedelta(seconds=1))
        plus(session, theirs, 6, INSIDE, team=OTHER_TEAM)
        store.withdraw(session, TEAM, gone, "U0REP00001")
        votes.merge(session, TEAM, merged, api)  # its asker and +1s now count on the original
        answer_at(session, quiet, INSIDE)
        answer_at(session, soc, SINCE - timedelta(days=1))  # answered before the week
        top = loop.top_voted_questions(session, TEAM, SINCE, UNTIL)
        assert top == [("SSO <!channel>?", 3), ("Is there an API?", 2), ("SOC 2 report?", 1)]
        # the merge's votes are stamped now, outside this past week
        assert loop.top_voted_questions(session, TEAM, SINCE, UNTIL, limit=1) == [top[0]]
        assert loop.questions_answered(session, TEAM, SINCE, UNTIL) == 1
        assert loop.top_voted_questions(session, OTHER_TEAM, SINCE, UNTIL) == [("Theirs?", 6)]
        stats = collect_loop_stats(session, TEAM, SINCE, UNTIL)
    assert stats.top_questions == top and stats.questions_answered == 1
    text = "\n".join(loop_lines(stats))
    assert "“SSO &lt;!channel&gt;?” (+3)" in text and "<!channel>" not in text
    assert "Questions answered: 1" in text


def test_digest_top_questions_are_capped_at_three(any_engine: Engine) -> None:
    with Session(any_engine) as session:
        for n in range(5):
            plus(session, ask(session, f"Question {n}?", INSIDE), n + 1, INSIDE)
        stats = collect_loop_stats(session, TEAM, SINCE, UNTIL)
    assert stats.top_questions == [("Question 4?", 5), ("Question 3?", 4), ("Question 2?", 3)]


def test_no_questions_no_question_lines(any_engine: Engine) -> None:
    with Session(any_engine) as session:
        ask(session, "Asked but never +1'd or answered?", INSIDE)
        stats = collect_loop_stats(session, TEAM, SINCE, UNTIL)
    assert stats.top_questions == [] and stats.questions_answered is None
    assert loop_lines(stats) == []


def test_agenda_questions_since_last_meeting(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as session:
        answered = ask(session, "Answered, many +1s?", INSIDE)
        popular = ask(session, "Open with +1s?", INSIDE)
        newer = ask(session, "Open, newer?", INSIDE + timedelta(hours=5))
        older = ask(session, "Open, older?", INSIDE)
        gone = ask(session, "Withdrawn?", INSIDE)
        ask(session, "Before the last meeting?", SINCE - timedelta(seconds=1))
        ask(session, "At the meeting itself?", UNTIL)  # the window is half-open
        ask(session, "Theirs?", INSIDE, team=OTHER_TEAM)
        plus(session, answered, 5, INSIDE)
        plus(session, popular, 2, INSIDE)
        answer_at(session, answered, INSIDE + timedelta(days=1))
        store.withdraw(session, TEAM, gone, "U0REP00001")
        found = questions_since(session, TEAM, SINCE, UNTIL)
    assert [(i.id, i.plus_ones, i.answered) for i in found.items] == [
        (popular, 2, False),
        (newer, 0, False),
        (older, 0, False),
        (answered, 5, True),
    ]
    assert found.asked == 4 and found.answered == 1  # the withdrawn one is not counted
    assert [i.id for i in agenda.rank_questions(found.items)] == [popular, newer, older, answered]
    inputs = agenda.AgendaInputs(
        since=agenda.SinceLastTime(found.asked, found.answered), questions=found.items
    )
    sections = {s.key: s for s in agenda.build(inputs)}
    assert "Open with +1s? (+2)" in sections["questions"].lines[0]
    assert sections["since"].lines[:2] == ("• 4 prospect questions asked", "• 1 answered")


def test_agenda_questions_read_is_limited_and_more_counts_them_all(
    any_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(any_engine) as session:
        ids = [ask(session, f"Question {n}?", INSIDE + timedelta(minutes=n)) for n in range(8)]
        rows = loop.questions_in_window(session, TEAM, SINCE, UNTIL, limit=2)
        assert [q.id for q, _ in rows] == [ids[7], ids[6]]
        monkeypatch.setattr(agenda_sources, "QUESTIONS_SHOWN", 6)
        store.withdraw(session, TEAM, ids[0], "U0REP00001")
        found = questions_since(session, TEAM, SINCE, UNTIL)
        assert len(found.items) == 6 and found.live == 7 and found.asked == 7
        assert questions_since(session, OTHER_TEAM, SINCE, UNTIL).items == []
    inputs = agenda.AgendaInputs(questions=found.items, questions_total=found.live)
    (section,) = agenda.build(inputs)
    assert len(section.lines) == agenda.CAP and section.more == 7 - agenda.CAP


def test_question_lists_per_team(any_engine: Engine) -> None:
    from storage import questions_lists as question_lists

    with Session(any_engine, expire_on_commit=False) as session:
        old = ask(session, "Old, no +1s?", SINCE)
        wanted = ask(session, "Wanted?", INSIDE)
        done = ask(session, "Answered?", SINCE)
        stale = ask(session, "Before the window?", SINCE - timedelta(days=1))
        theirs = ask(session, "Theirs?", INSIDE, team=OTHER_TEAM)
        plus(session, wanted, 2, INSIDE)
        answer_at(session, done, INSIDE)
        queue = question_lists.unanswered_by_demand(session, TEAM, SINCE)
        assert [(q.id, n) for q, n in queue] == [(wanted, 2), (old, 0)]
        assert [q.id for q, _ in question_lists.unanswered_by_demand(session, TEAM, SINCE, 1)] == [
            wanted
        ]
        mine = question_lists.mine(session, TEAM, "U0REP00001")
        assert [q.id for q, _ in mine] == [wanted, done, old, stale]  # newest, then higher number
        assert [a.text if a else None for _, a in mine] == [None, "Yes.", None, None]
        assert question_lists.mine(session, OTHER_TEAM, "U0REP00001")[0][0].id == theirs
        assert question_lists.texts(session, TEAM, [old, theirs, 999]) == {old: "Old, no +1s?"}
        assert question_lists.texts(session, TEAM, []) == {}


def test_answered_in_a_window_reads_the_partial_answered_index(engine: Engine) -> None:
    """SQLite: the index holds answered questions only (a capture adds no entry to it), and
    the windowed count of answers still reads it."""
    from sqlalchemy import func, select, text

    from storage.models import Question

    since, until = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC)
    with Session(engine) as session:
        answered = ask(session, "Do you support SSO?", since)
        ask(session, "Is there an EU region?", since)
        answer_at(session, answered, since + timedelta(hours=2))
        assert loop.questions_answered(session, TEAM, since, until) == 1
    stmt = select(func.count(Question.id)).where(
        Question.team_id == TEAM, Question.answered_at >= since, Question.answered_at < until
    )
    sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = " ".join(str(row[3]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        index_sql = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_question_team_answered'")
        ).scalar()
    assert "ix_question_team_answered" in plan, plan
    assert str(index_sql).endswith("WHERE answered_at IS NOT NULL"), index_sql
