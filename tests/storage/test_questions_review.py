"""Answer freshness in storage: review dates, the due list, verify and retire exactly once,
and stale answers ranked after fresh ones (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import questions as store
from storage import questions_posts as posts
from storage import questions_review as reviews
from tests.conftest import TEAM

DAY0 = datetime(2026, 8, 12, 9, 30, tzinfo=UTC)


@pytest.fixture
def db(any_engine: Engine) -> Iterator[Session]:
    with Session(any_engine, expire_on_commit=False) as session:
        yield session


def answered(db: Session, text: str, days: int = 90, key: str = "") -> tuple[int, int]:
    q, _ = store.capture(db, TEAM, f"k:{text}", "U1", text)
    assert q.id is not None
    a, _ = store.answer(db, TEAM, q.id, "M1", f"answer to {text}", None, key or f"v:{text}", days)
    assert a.id is not None
    return q.id, a.id


def test_an_answer_is_verified_by_its_author_and_due_after_its_review_period(db: Session) -> None:
    with freeze_time(DAY0):
        _, short = answered(db, "Is there an API?", days=30)
        _, default = answered(db, "Do you do SSO?")
    a = reviews.get(db, TEAM, short)
    assert a is not None and a.verified_by == "M1" and a.verified_at == DAY0
    assert a.review_by == DAY0 + timedelta(days=30)
    b = reviews.get(db, TEAM, default)
    assert b is not None and b.review_by == DAY0 + timedelta(days=90)
    assert [x.id for x, _ in reviews.due(db, DAY0 + timedelta(days=29))] == []
    assert [x.id for x, _ in reviews.due(db, DAY0 + timedelta(days=30))] == [short]
    assert [x.id for x, _ in reviews.due(db, DAY0 + timedelta(days=91))] == [short, default]


def test_due_skips_reminded_retired_and_replaced_answers(db: Session) -> None:
    with freeze_time(DAY0):
        q1, reminded = answered(db, "one question here")
        _, retired = answered(db, "two question here")
        q3, old = answered(db, "three question here")
        new, _ = store.answer(db, TEAM, q3, "M1", "a better answer", None, "v:again")
    later = DAY0 + timedelta(days=100)
    a = reviews.get(db, TEAM, reminded)
    assert a is not None and a.review_by is not None
    reviews.mark_reminded(db, reminded, a.review_by, later)
    reviews.retire(db, TEAM, retired, "M1")
    db.commit()
    assert [x.id for x, _ in reviews.due(db, later)] == [new.id]
    assert old not in [x.id for x, _ in reviews.due(db, later)]


def test_verify_counts_once_for_the_review_date_it_was_shown(db: Session) -> None:
    with freeze_time(DAY0):
        _, answer_id = answered(db, "Is there an API?", days=30)
    a = reviews.get(db, TEAM, answer_id)
    assert a is not None and a.review_by is not None
    seen = a.review_by
    with freeze_time(DAY0 + timedelta(days=31)):
        reviews.mark_reminded(db, answer_id, seen, DAY0 + timedelta(days=31))
        assert reviews.verify(db, TEAM, answer_id, "M2", seen)
        db.commit()
        assert not reviews.verify(db, TEAM, answer_id, "M3", seen)  # a double click
        db.commit()
    db.expire_all()
    a = reviews.get(db, TEAM, answer_id)
    assert a is not None and a.verified_by == "M2"
    assert a.review_by == DAY0 + timedelta(days=61) and a.reminded_at is None
    assert not a.is_stale(DAY0 + timedelta(days=60))
    assert not reviews.verify(db, "T_OTHER", answer_id, "M2", a.review_by)


def test_retire_reopens_its_question_once_and_hides_the_answer(db: Session) -> None:
    question_id, answer_id = answered(db, "Do you support Okta single sign-on?")
    before = store.get(db, TEAM, question_id)
    assert before is not None
    version = before.version
    q = reviews.retire(db, TEAM, answer_id, "M2")
    db.commit()
    assert q is not None and q.status == "open" and q.version == version + 1
    assert reviews.retire(db, TEAM, answer_id, "M2") is None  # a double click
    db.commit()
    db.expire_all()
    assert store.latest_answer(db, question_id) is None
    assert store.similar_questions(db, TEAM, "okta sign-on", answered_only=True) == []
    ((found, answer),) = store.similar_questions(db, TEAM, "okta sign-on")
    assert found.id == question_id and answer is None  # suggested as open, never its answer


def test_retiring_an_older_answer_keeps_the_question_answered(db: Session) -> None:
    question_id, old = answered(db, "Is there an API?")
    store.answer(db, TEAM, question_id, "M1", "Yes, REST.", None, "v:new")
    q = reviews.retire(db, TEAM, old, "M2")
    db.commit()
    assert q is not None and q.status == "answered"
    latest = store.latest_answer(db, question_id)
    assert latest is not None and latest.text == "Yes, REST."


def test_retiring_an_update_leaves_no_answer_not_the_one_it_replaced(db: Session) -> None:
    """The answer an Update replaced never comes back: retiring the update sends the question
    back to triage, and nothing shows, suggests or reviews the old answer."""
    with freeze_time(DAY0):
        question_id, _ = answered(db, "Do you support Okta single sign-on?", days=30)
        new, _ = store.answer(db, TEAM, question_id, "M1", "Yes, via SAML.", None, "v:2", 30)
        assert new.id is not None
        q = reviews.retire(db, TEAM, new.id, "M2")
        db.commit()
    assert q is not None and q.status == "open"
    db.expire_all()
    assert store.latest_answer(db, question_id) is None
    assert store.similar_questions(db, TEAM, "okta sign-on", answered_only=True) == []
    ((found, answer),) = store.similar_questions(db, TEAM, "okta sign-on")
    assert found.id == question_id and answer is None
    later = DAY0 + timedelta(days=400)
    assert reviews.due(db, later) == [] and reviews.stale_count(db, TEAM, later) == 0


def test_stale_answers_rank_after_fresh_ones(db: Session) -> None:
    with freeze_time(DAY0):
        stale_q, _ = answered(db, "Okta single sign-on with SAML and SCIM?", days=30)
    with freeze_time(DAY0 + timedelta(days=40)):
        fresh_q, _ = answered(db, "Okta login?")
        found = store.similar_questions(db, TEAM, "okta single sign-on saml", answered_only=True)
    assert [q.id for q, _ in found] == [fresh_q, stale_q]
    assert found[1][1] is not None and found[1][1].is_stale(DAY0 + timedelta(days=40))


def test_migration_0014_dates_the_answers_given_before_it(tmp_path: object) -> None:
    """Answers stored before 0014 are verified by their author and due 90 days after; the
    date reads back exactly, so a Still true click on their first review DM matches."""
    from alembic import command
    from sqlalchemy import text

    from storage.db import make_engine
    from storage.migrate import alembic_config, upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012_home_and_leases")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO question (id, team_id, capture_key, asker_id, text, status, version, "
            "created_at, updated_at) VALUES (1, :t, 'k', 'U1', 'Is there an API?', 'answered', "
            "1, '2026-08-12 09:30:00.250000', '2026-08-12 09:30:00.250000')"
        ), {"t": TEAM})  # fmt: skip
        conn.execute(text(
            "INSERT INTO answer (id, team_id, question_id, answerer_id, text, delivery_key, "
            "created_at) VALUES (1, :t, 1, 'M1', 'Yes.', 'v', '2026-08-12 09:30:00.250000')"
        ), {"t": TEAM})  # fmt: skip
        conn.execute(text(
            "INSERT INTO outbox_message (team_id, key, method, channel, payload, status, "
            "attempts, next_attempt_at, result_ts, result_channel, created_at) VALUES (:t, "
            "'triage:1', 'chat.postMessage', 'C1', '{}', 'sent', 1, '2026-08-12 09:30:01', "
            "'1700000000.000100', 'C1', '2026-08-12 09:30:01')"
        ), {"t": TEAM})  # fmt: skip
    upgrade(engine)
    with Session(engine) as session:
        # The triage post sent before 0014 is found from a reply in its thread.
        assert posts.question_at(session, TEAM, "C1", "1700000000.000100") == 1
        a = reviews.get(session, TEAM, 1)
        assert a is not None and a.verified_by == "M1" and a.review_days == 90
        assert a.review_by == datetime(2026, 11, 10, 9, 30, 0, 250000, tzinfo=UTC)
        assert [x.id for x, _ in reviews.due(session, datetime(2026, 11, 11, tzinfo=UTC))] == [1]
        assert reviews.verify(session, TEAM, 1, "M2", a.review_by)
