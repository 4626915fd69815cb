"""A status change that a merge beats keeps the merge: answer, edit, withdraw and retire check
the question's status under its row's lock, in the transaction that writes it.

Before, each read the question with a plain `live()` and wrote its status through the ORM: a
merge committing in between was overwritten (Q5 "answered" with duplicate_of=3; on retire,
a duplicate reopened). Found by review. The merge commits from another connection after the
change under test has read the question and before its first write."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import questions as store
from storage import questions_review as reviews
from storage import questions_votes as votes
from storage.models import Answer, Question
from tests.conftest import TEAM

ASKER, MARKETER = "U0ASKER001", "U0MARKET01"


def _writes(statement: str) -> bool:
    return statement.startswith(("INSERT", "UPDATE", "DELETE"))


@contextmanager
def merged_before(
    engine: Engine, dup_id: int, original_id: int, when: Callable[[str], bool] = _writes
) -> Iterator[None]:
    """Another marketer merges `dup_id` into `original_id` (own connection, committed) just
    before the first statement of this engine that `when` picks."""
    done: list[bool] = []

    def merge_now(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if done or not when(statement):
            return
        done.append(True)
        with Session(engine) as other:
            votes.merge(other, TEAM, dup_id, original_id)

    event.listen(engine, "before_cursor_execute", merge_now)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", merge_now)
    assert done, "the merge never ran"


def _two(engine: Engine) -> tuple[int, int]:
    with Session(engine, expire_on_commit=False) as s:
        original, _ = store.capture(s, TEAM, "trigger:1", "U0OTHER001", "Volume discounts?")
        dup, _ = store.capture(s, TEAM, "trigger:2", ASKER, "Discount for 500 seats?")
    return dup.id or 0, original.id or 0


def _after_merge(engine: Engine, dup_id: int, original_id: int) -> Question:
    with Session(engine) as s:
        q = s.get(Question, dup_id)
        assert q is not None
        s.expunge(q)
    assert q.status == "duplicate" and q.duplicate_of == original_id, (q.status, q.duplicate_of)
    return q


def test_an_answer_racing_a_merge_is_refused_and_the_merge_stays(any_engine: Engine) -> None:
    dup_id, original_id = _two(any_engine)
    with (
        merged_before(any_engine, dup_id, original_id),
        Session(any_engine) as s,
        pytest.raises(store.QuestionError) as err,
    ):
        store.answer(s, TEAM, dup_id, MARKETER, "Yes, from 100 seats.", None, "view:V1")
    assert err.value.code == "closed"
    q = _after_merge(any_engine, dup_id, original_id)
    assert q.answered_at is None
    with Session(any_engine) as s:
        assert list(s.exec(select(Answer))) == []


def test_a_withdrawal_racing_a_merge_is_refused_and_the_merge_stays(any_engine: Engine) -> None:
    dup_id, original_id = _two(any_engine)
    with (
        merged_before(any_engine, dup_id, original_id),
        Session(any_engine) as s,
        pytest.raises(store.QuestionError) as err,
    ):
        store.withdraw(s, TEAM, dup_id, ASKER)
    assert err.value.code == "closed"
    _after_merge(any_engine, dup_id, original_id)


def test_an_edit_racing_a_merge_is_refused(any_engine: Engine) -> None:
    dup_id, original_id = _two(any_engine)
    with (
        merged_before(any_engine, dup_id, original_id),
        Session(any_engine) as s,
        pytest.raises(store.QuestionError) as err,
    ):
        store.edit(s, TEAM, dup_id, ASKER, "Discount for 600 seats?")
    assert err.value.code == "closed"
    assert _after_merge(any_engine, dup_id, original_id).text == "Discount for 500 seats?"


def test_each_change_still_gets_one_version(any_engine: Engine) -> None:
    with Session(any_engine, expire_on_commit=False) as s:
        q, _ = store.capture(s, TEAM, "trigger:1", ASKER, "Is there an API?")
        a, _ = store.answer(s, TEAM, q.id or 0, MARKETER, "Yes.", None, "view:V1")
        assert s.get(Question, q.id).version == 1
        assert store.edit(s, TEAM, q.id or 0, ASKER, "Is there a REST API?").version == 2
        assert store.edit(s, TEAM, q.id or 0, ASKER, "Is there a REST API?").version == 2
        assert store.withdraw(s, TEAM, q.id or 0, ASKER).version == 3
        with pytest.raises(store.QuestionError):
            store.withdraw(s, TEAM, q.id or 0, "U0SOMEONE1")
        assert s.get(Question, q.id, populate_existing=True).version == 3


def test_retiring_an_answer_while_a_merge_commits_does_not_reopen_the_duplicate(
    any_engine: Engine,
) -> None:
    if any_engine.dialect.name == "sqlite":
        pytest.skip("SQLite: retire's first write holds the database lock, no merge gets in")
    dup_id, original_id = _two(any_engine)
    with Session(any_engine) as s:
        answer, _ = store.answer(s, TEAM, dup_id, MARKETER, "Yes, from 100 seats.", None, "v:1")
        answer_id = answer.id or 0

    def reads_or_writes_the_question(statement: str) -> bool:
        # after retire's answer update: just before it locks (fixed) or writes (before) the row
        return statement.startswith("UPDATE question ") or (
            "FROM question " in statement and "FOR UPDATE" in statement
        )

    with (
        merged_before(any_engine, dup_id, original_id, reads_or_writes_the_question),
        Session(any_engine) as s,
    ):
        reviews.retire(s, TEAM, answer_id, MARKETER)
        s.commit()
    _after_merge(any_engine, dup_id, original_id)
