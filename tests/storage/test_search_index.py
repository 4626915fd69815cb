"""SQLite's search index takes new questions in batches, off the capture's write.

Every search indexes what is pending first; edits and deletes keep indexed rows in sync. FTS5's
own `integrity-check` compares the index with the question table after each step.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import questions as store
from storage import questions_search as search
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from tests.conftest import TEAM


class CaptureWriter:
    """The capture ack's write (handlers.questions._capture): one question per delivery key."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def capture(self, team: str, key: str, user: str, text: str) -> SimpleNamespace:
        with self.engine.begin() as conn:
            question_id, created = store.insert_question(conn, team, key, user, text)
        return SimpleNamespace(question_id=question_id, created=created)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def indexed(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT id FROM question_fts_docsize ORDER BY id"))]


def assert_index_matches(engine: Engine) -> None:
    """FTS5 raises 'database disk image is malformed' when the index and the rows disagree."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO question_fts(question_fts) VALUES ('integrity-check')"))


def found(engine: Engine, query: str) -> list[int]:
    with Session(engine) as session:
        return [q.id for q, _ in store.similar_questions(session, TEAM, query, limit=10)]


def test_capture_leaves_indexing_to_the_next_search(engine: Engine) -> None:
    writer = CaptureWriter(engine)
    first = writer.capture(TEAM, "trigger:1", "U1", "Do you support Okta single sign-on?")
    second = writer.capture(TEAM, "trigger:2", "U2", "Is there an Okta SCIM connector?")
    assert indexed(engine) == []
    assert found(engine, "okta") == [second.question_id, first.question_id]
    assert indexed(engine) == [first.question_id, second.question_id]
    assert search.index_pending(engine) == 0  # nothing left
    assert_index_matches(engine)


def test_edits_and_deletes_of_pending_and_indexed_rows_keep_the_index_true(
    engine: Engine,
) -> None:
    writer = CaptureWriter(engine)
    a = writer.capture(TEAM, "k:a", "U1", "Does the salesforce sync run hourly?").question_id
    assert found(engine, "salesforce") == [a]
    b = writer.capture(TEAM, "k:b", "U1", "Does the hubspot sync run hourly?").question_id
    c = writer.capture(TEAM, "k:c", "U1", "Can marketo leads be scored?").question_id
    with Session(engine) as session:
        store.edit(session, TEAM, a, "U1", "Does the dynamics sync run hourly?")  # indexed row
        store.edit(session, TEAM, b, "U1", "Does the pipedrive sync run hourly?")  # pending row
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM question WHERE id = :c"), {"c": c})  # pending, and highest
    assert found(engine, "salesforce") == []
    assert found(engine, "dynamics") == [a]
    assert found(engine, "pipedrive") == [b]
    assert found(engine, "hubspot marketo") == []
    assert_index_matches(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM question WHERE id = :b"), {"b": b})  # indexed, highest
    again = writer.capture(TEAM, "k:d", "U1", "Is zendesk supported?").question_id
    assert found(engine, "zendesk") == [again]
    assert found(engine, "pipedrive") == []
    assert_index_matches(engine)


def test_a_search_while_another_writer_holds_the_database_uses_what_is_indexed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = CaptureWriter(engine)
    old = writer.capture(TEAM, "k:1", "U1", "Do you support Okta?").question_id
    assert found(engine, "okta") == [old]
    new = writer.capture(TEAM, "k:2", "U1", "Okta groups synced?").question_id
    monkeypatch.setattr(search, "INDEX_WAIT_MS", 50)
    with engine.connect() as writer_conn:
        writer_conn.execute(text("UPDATE workspace SET team_id = team_id"))  # holds the lock
        assert found(engine, "okta") == [old]
        writer_conn.rollback()
    assert found(engine, "okta") == [new, old]
    with engine.connect() as conn:  # the pool's connection has its usual patience back
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_migration_0007_keeps_the_index_through_upgrade_and_downgrade(tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    upgrade(engine)
    downgrade(engine, "0006_question_indexes")  # back to the insert trigger: indexed at once
    with Session(engine) as session:
        first, _ = store.capture(session, TEAM, "k:1", "U1", "Do you support Okta?")
    assert indexed(engine) == [first.id]
    upgrade(engine)
    writer = CaptureWriter(engine)
    second = writer.capture(TEAM, "k:2", "U1", "Okta groups synced?").question_id
    assert indexed(engine) == [first.id]
    downgrade(engine, "0006_question_indexes")  # indexes what is pending first
    assert indexed(engine) == [first.id, second]
    assert_index_matches(engine)
    with Session(engine) as session:
        third, _ = store.capture(session, TEAM, "k:3", "U1", "Okta again?")
    assert indexed(engine) == [first.id, second, third.id]
    upgrade(engine)
    assert found(engine, "okta") == [third.id, second, first.id]
    assert_index_matches(engine)


def test_a_backlog_is_indexed_in_short_transactions(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a burst, the next search indexes everything, but INDEX_CHUNK rows a transaction:
    SQLite's write lock goes back to the acks between them."""
    monkeypatch.setattr(search, "INDEX_CHUNK", 2)
    writer = CaptureWriter(engine)
    ids = [writer.capture(TEAM, f"trigger:b{n}", "U1", f"Okta question {n}?").question_id
           for n in range(5)]  # fmt: skip
    commits: list[object] = []
    count_commit = commits.append
    event.listen(engine, "commit", count_commit)
    assert search.index_pending(engine) == 5
    event.remove(engine, "commit", count_commit)
    assert len(commits) == 3  # 2 + 2 + 1 rows
    assert indexed(engine) == ids
    assert_index_matches(engine)
