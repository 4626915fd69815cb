"""The knowledge gaps' reads (SQLite and PostgreSQL): which questions count as unanswered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.gaps import report
from storage import gaps, loop
from storage import questions as store
from storage import questions_ratings as rated
from storage import questions_review as reviews
from storage import questions_votes as votes
from storage.clock import utcnow
from tests.conftest import TEAM


def test_unanswered_are_open_or_missed_questions_never_closed_ones(any_engine: Engine) -> None:
    """Open questions, and answered ones whose answer a rep said misses; a question merged,
    resolved or withdrawn after a “Not quite” is nobody's gap."""
    with Session(any_engine, expire_on_commit=False) as s:
        ask = lambda n, text: store.capture(s, TEAM, f"k{n}", f"U{n}", text)[0].id or 0  # noqa: E731
        still_open = ask(1, "Okta single sign-on?")
        answered = ask(2, "Okta groups?")
        merged = ask(3, "Okta login for contractors?")
        withdrawn = ask(4, "Okta MFA?")
        resolved = ask(5, "Okta SCIM?")
        a, _ = store.answer(s, TEAM, answered, "M1", "Yes.", None, "v1")
        for question in (answered, merged, withdrawn, resolved):
            assert rated.rate(s, TEAM, a.id or 0, question, "U9", "not_quite")
        votes.merge(s, TEAM, merged, still_open)
        store.withdraw(s, TEAM, withdrawn, "U4")
        votes.fold(s, TEAM, resolved, answered, "resolved")
        s.commit()
        now = utcnow() + timedelta(seconds=1)
        found = gaps.unanswered(s, TEAM, now - timedelta(days=30), now)
        (gap,) = report.compute(s, TEAM, 90, now)
        counts = loop.question_counts(s, TEAM, now - timedelta(days=30), now)
        missed = rated.answers_missed(s, TEAM, now - timedelta(days=30), now)
        stale = reviews.stale_count(s, TEAM, now + timedelta(days=100))
    assert sorted(i for i, *_ in found) == [still_open, answered]
    assert gap.questions == 2 and sorted(gap.question_ids) == [still_open, answered]
    assert counts.get("resolved") == 1 and missed == 1 and stale == 1  # one answer missed
