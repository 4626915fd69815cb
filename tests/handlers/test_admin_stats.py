"""Deflection and misses in `/lockstep stats` and in the weekly digest's loop lines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.goals.digest import LoopStats, loop_lines
from bot.goals.digest_data import collect_loop_stats
from storage import questions as store
from storage import questions_ratings as rated
from storage import questions_votes as votes
from storage.clock import utcnow
from storage.models import Answer
from tests.conftest import TEAM
from tests.slack_signing import SlackHTTP


def _loop(engine: Engine) -> None:
    """Four new questions: #1 answered, #2 resolved with #1's answer, #3 missed by it."""
    with Session(engine, expire_on_commit=False) as session:
        ids = []
        for n, text in enumerate(("Okta SSO?", "SSO with Okta?", "SAML and SCIM?", "Pricing?")):
            q, _ = store.capture(session, TEAM, f"k{n}", f"U{n}", text)
            ids.append(q.id or 0)
        a, _ = store.answer(session, TEAM, ids[0], "M1", "Yes.", None, "v1")
        assert a.id is not None
        rated.rate(session, TEAM, a.id, ids[1], "U1", "answers")
        votes.fold(session, TEAM, ids[1], ids[0], "resolved")
        rated.rate(session, TEAM, a.id, ids[2], "U2", "not_quite")
        session.commit()
        row = session.get(Answer, a.id)
        assert row is not None
        row.review_by = utcnow() - timedelta(hours=1)
        session.add(row)
        session.commit()


def test_lockstep_stats_reports_deflection_misses_and_stale_answers(
    http: SlackHTTP, engine: Engine
) -> None:
    _loop(engine)
    status, body = http.command("/lockstep", "stats")
    assert status == 200
    text = body["text"]
    assert "Asked: 4 · answered: 1 · still open: 2" in text
    assert "(deflection): 1 of 4 (25%)" in text
    assert "“Not quite”: 1" in text and "review date: 1" in text


def test_the_digest_shows_deflection_and_misses(engine: Engine) -> None:
    _loop(engine)
    now = utcnow()
    with Session(engine) as session:
        stats = collect_loop_stats(session, TEAM, now - timedelta(days=7), now + timedelta(1))
    assert stats.deflected == (1, 4) and stats.answers_missed == 1
    lines = loop_lines(stats)
    assert ":recycle: Resolved by an existing answer: 1 of 4 new questions (25%)" in lines
    assert ":thinking_face: Answers marked “Not quite”: 1" in lines
    assert loop_lines(LoopStats(deflected=None, answers_missed=None)) == []
