"""The capture ack's write (storage.ack): once per delivery, with its follow-up, on both paths."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from freezegun import freeze_time
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from storage import intake, workspaces
from storage.ack import CaptureWriter, FollowUp
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import OutboxMessage, Question
from storage.questions import similar_questions
from tests.conftest import OTHER_TEAM, TEAM

FOLLOW_UP = FollowUp("lazy:after_command:abc", "bolt.lazy", "-", {"function": "f", "body": {}})


def count(engine: Engine, model: type) -> int:
    if model is OutboxMessage:
        intake.promote(engine)  # SQLite: the acks' follow-ups wait in storage.intake
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_delivery_is_stored_once_and_a_retry_finds_it(any_engine: Engine) -> None:
    writer = CaptureWriter(any_engine)
    first = writer.capture(TEAM, "trigger:1", "U1", "Is there an EU data center?", FOLLOW_UP)
    again = writer.capture(TEAM, "trigger:1", "U1", "Is there an EU data center?", FOLLOW_UP)
    other = writer.capture(OTHER_TEAM, "trigger:1", "U1", "Is there an EU data center?")
    assert (first.created, again.created, other.created) == (True, False, True)
    assert again.question_id == first.question_id != other.question_id
    assert count(any_engine, Question) == 2
    assert count(any_engine, OutboxMessage) == 1  # the follow-up too, once


@freeze_time("2026-11-20 09:30:00")
def test_rows_read_back_through_the_models_and_search(any_engine: Engine) -> None:
    """The raw SQLite path writes what SQLAlchemy reads: datetimes, JSON, the FTS index."""
    captured = CaptureWriter(any_engine).capture(
        TEAM, "trigger:2", "U1", "Do you support SCIM provisioning?", FOLLOW_UP
    )
    with Session(any_engine) as session:
        q = session.get(Question, captured.question_id)
        assert q is not None
        assert (q.status, q.version, q.asker_id) == ("open", 0, "U1")
        assert q.created_at == q.updated_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        intake.promote(any_engine)
        row = session.exec(select(OutboxMessage)).one()
        assert (row.status, row.attempts, row.payload) == ("pending", 0, FOLLOW_UP.payload)
        assert row.next_attempt_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        found = similar_questions(session, TEAM, "SCIM provisioning", limit=3)
        assert [s.id for s, _ in found] == [captured.question_id]


def test_the_triage_channel_comes_back_with_the_number(any_engine: Engine) -> None:
    writer = CaptureWriter(any_engine)
    assert writer.capture(TEAM, "trigger:3", "U1", "Any SOC 2 report?").triage_channel is None
    with Session(any_engine) as session:
        workspaces.update(session, TEAM, triage_channel="C0TRIAGE01")
    assert writer.capture(TEAM, "trigger:4", "U1", "Any ISO?").triage_channel == "C0TRIAGE01"


def test_a_failed_write_leaves_nothing_behind(engine: Engine) -> None:
    """The question and its follow-up commit together or not at all."""
    refuse = (
        "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox_intake "
        "BEGIN SELECT RAISE(ABORT, 'outbox_intake refused'); END"
    )
    with engine.begin() as conn:  # make the follow-up insert fail
        conn.execute(text(refuse))
    writer = CaptureWriter(engine)
    try:
        writer.capture(TEAM, "trigger:5", "U1", "Is there an API?", FOLLOW_UP)
    except Exception as exc:  # noqa: BLE001 - the error itself is not under test
        assert "outbox_intake refused" in str(exc)
    else:
        raise AssertionError("the write should have failed")
    assert count(engine, Question) == 0
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_outbox"))
    assert writer.capture(TEAM, "trigger:5", "U1", "Is there an API?", FOLLOW_UP).created
    assert count(engine, Question) == count(engine, OutboxMessage) == 1


def test_a_writer_in_another_process_is_waited_for_not_failed(engine: Engine) -> None:
    """SQLite: while another connection holds the write lock the capture waits (in short
    steps, storage.ack._BUSY_WAITS) and then succeeds; nothing is lost or doubled."""
    writer = CaptureWriter(engine)
    assert writer.sqlite
    other = engine.raw_connection()
    other.driver_connection.execute("BEGIN IMMEDIATE")  # holds SQLite's write lock
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(writer.capture(TEAM, "trigger:6", "U1", "Do you do SSO?"))
    )
    worker.start()
    worker.join(0.3)
    assert worker.is_alive() and not done  # still waiting for the lock
    other.driver_connection.rollback()
    other.close()
    worker.join(5)
    assert len(done) == 1 and count(engine, Question) == 1


def test_one_batch_of_captures_is_one_statement_with_its_own_results(engine: Engine) -> None:
    """SQLite: captures that came together go in as one statement; each gets its own number,
    a delivery seen twice in the batch is stored once, and only follow-ups that exist are
    recorded."""
    from storage.ack import _sqlite_datetime

    writer = CaptureWriter(engine)
    with Session(engine) as session:
        workspaces.update(session, OTHER_TEAM, triage_channel="C0OTHER001")
    now = _sqlite_datetime(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    later = _sqlite_datetime(datetime(2026, 11, 30, 10, 0, 0, 1, tzinfo=UTC))
    follow = ("lazy:k1", "bolt.lazy", "-", "{}")
    results = writer._write_batch([
        (TEAM, "trigger:b1", "U1", "SSO?", now, *follow),
        (OTHER_TEAM, "trigger:b1", "U2", "SSO?", now, None, None, None, None),
        (TEAM, "trigger:b1", "U1", "SSO?", later, *follow),  # Slack's retry, same batch
        (TEAM, "trigger:b2", "U1", "SCIM?", now, "lazy:k2", "bolt.lazy", "-", "{}"),
    ])  # fmt: skip
    first, other, retry, second = results
    assert (first.created, other.created, retry.created, second.created) == (
        True,
        True,
        False,
        True,
    )
    assert retry.question_id == first.question_id
    assert len({first.question_id, other.question_id, second.question_id}) == 3
    assert (first.triage_channel, other.triage_channel) == (None, "C0OTHER001")
    assert count(engine, Question) == 3
    intake.promote(engine)
    with Session(engine) as session:
        keys = session.exec(select(OutboxMessage.key).order_by(OutboxMessage.key)).all()
    assert keys == ["lazy:k1", "lazy:k2"]


def test_reading_the_numbers_back_looks_each_key_up_in_the_index(engine: Engine) -> None:
    from storage.ack import READ_BACK

    plan = engine.raw_connection().driver_connection.execute(
        "EXPLAIN QUERY PLAN " + READ_BACK.format("(?, ?), (?, ?)"), ("T", "a", "T", "b")
    )
    details = [row[3] for row in plan]
    assert not any(d.startswith("SCAN q") for d in details), details
    assert any(d.startswith("SEARCH q USING INDEX") for d in details), details


def test_migration_0008_adds_and_removes_the_intake_view(tmp_path: Any) -> None:
    from tests.storage.test_search_index import downgrade

    engine = make_engine(f"sqlite:///{tmp_path}/m.db")

    def intake_objects() -> list[str]:
        with engine.connect() as conn:
            sql = (
                "SELECT type FROM sqlite_master WHERE name LIKE 'question_intake%' "
                "OR name = 'outbox_intake' ORDER BY 1"
            )
            return [row[0] for row in conn.exec_driver_sql(sql)]

    upgrade(engine)
    assert intake_objects() == ["table", "trigger", "view"]
    CaptureWriter(engine).capture(TEAM, "trigger:d", "U1", "SCIM?", FOLLOW_UP)
    downgrade(engine, "0007_deferred_search_index")  # the follow-up waiting goes to the outbox
    assert intake_objects() == []
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage.key)).all() == [FOLLOW_UP.key]
    upgrade(engine)
    follow = FollowUp("lazy:after_command:m", "bolt.lazy", "-", {"function": "f", "body": {}})
    assert CaptureWriter(engine).capture(TEAM, "trigger:m", "U1", "SSO?", follow).created
    assert count(engine, Question) == count(engine, OutboxMessage) == 2
    engine.dispose()


def test_follow_ups_wait_in_the_intake_and_reach_the_outbox_once_oldest_first(
    engine: Engine,
) -> None:
    """SQLite: the ack appends its follow-up to storage.intake (no index to update); promote()
    moves a batch at a time into the outbox. A retried delivery adds nothing, even after its
    follow-up has left the intake."""
    writer = CaptureWriter(engine)
    total = intake.PROMOTE_BATCH + 3
    for n in range(total):
        follow = FollowUp(f"lazy:f:{n}", "bolt.lazy", "-", {"function": "f", "body": {"n": n}})
        writer.capture(TEAM, f"trigger:{n}", "U1", f"Question {n}?", follow)
    again = FollowUp("lazy:f:0", "bolt.lazy", "-", {})
    writer.capture(TEAM, "trigger:0", "U1", "Question 0?", again)

    def waiting() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM outbox_intake")).scalar() or 0)

    assert waiting() == total
    assert intake.promote(engine) == intake.PROMOTE_BATCH
    with Session(engine) as session:
        first = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert first is not None
    assert (first.key, first.payload) == ("lazy:f:0", {"function": "f", "body": {"n": 0}})
    assert (first.status, first.method, first.channel) == ("pending", "bolt.lazy", "-")
    assert intake.promote(engine) == 3
    assert intake.promote(engine) == 0 and waiting() == 0
    retry = FollowUp("lazy:f:9", "bolt.lazy", "-", {})  # even under another key
    writer.capture(TEAM, "trigger:1", "U1", "Question 1?", retry)
    assert waiting() == 0  # Slack's retry of a delivery already stored
    assert count(engine, OutboxMessage) == total


def test_installing_the_intake_again_keeps_the_follow_ups_waiting(engine: Engine) -> None:
    """create_all (tools, benchmarks) runs intake.install on a database that may already hold
    follow-ups not yet moved to the outbox: they must survive it."""
    from sqlmodel import SQLModel

    CaptureWriter(engine).capture(TEAM, "trigger:w", "U1", "SSO?", FOLLOW_UP)
    SQLModel.metadata.create_all(engine)  # the metadata hook: intake.install again
    assert count(engine, OutboxMessage) == 1
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage.key)).all() == [FOLLOW_UP.key]
