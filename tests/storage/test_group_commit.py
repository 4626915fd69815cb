"""Group commit: writes that arrive together share one transaction, each caller gets its own
result or its own error."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import intake
from storage.ack import CaptureWriter, FollowUp
from storage.group_commit import GroupCommit
from storage.models import OutboxMessage, Question
from tests.conftest import TEAM


class Recorder:
    """A `write` that records its batches; the first one waits until `hold` is released."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.hold = threading.Event()

    def __call__(self, batch: list[int]) -> list[str]:
        if not self.batches:
            self.batches.append(batch)
            assert self.hold.wait(5)
        else:
            self.batches.append(batch)
        if any(item < 0 for item in batch):
            raise ValueError(f"bad item in {batch}")
        return [f"row {item}" for item in batch]


def queued(group: GroupCommit[int, str], n: int) -> None:
    """Wait until `n` submitters are queued behind the batch being written."""
    deadline = time.monotonic() + 5
    while len(group._waiting) < n:
        assert time.monotonic() < deadline, "submitters never queued"
        time.sleep(0.001)


def test_a_lone_write_goes_at_once() -> None:
    write = Recorder()
    write.hold.set()
    group = GroupCommit(write)
    assert group.submit(1) == "row 1"
    assert group.submit(2) == "row 2"
    assert write.batches == [[1], [2]]


def test_writes_that_arrive_during_a_write_go_together_and_each_gets_its_own_result() -> None:
    write = Recorder()
    group = GroupCommit(write)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(group.submit, 0)
        queued(group, 0)
        while not write.batches:  # the first write has started and is held
            time.sleep(0.001)
        rest = {i: pool.submit(group.submit, i) for i in range(1, 6)}
        queued(group, 5)
        write.hold.set()
        assert first.result(5) == "row 0"
        assert {i: f.result(5) for i, f in rest.items()} == {i: f"row {i}" for i in rest}
    assert write.batches[0] == [0]
    assert sorted(write.batches[1]) == [1, 2, 3, 4, 5]  # one transaction for the five
    assert len(write.batches) == 2


def test_a_failing_write_fails_only_its_own_caller() -> None:
    write = Recorder()
    group = GroupCommit(write)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(group.submit, 0)
        while not write.batches:
            time.sleep(0.001)
        good, bad, also_good = (pool.submit(group.submit, i) for i in (1, -1, 2))
        queued(group, 3)
        write.hold.set()
        assert first.result(5) == "row 0"
        assert good.result(5) == "row 1" and also_good.result(5) == "row 2"
        with pytest.raises(ValueError, match="bad item"):
            bad.result(5)
    together, *alone = write.batches[1:]
    assert sorted(together) == [-1, 1, 2]
    assert sorted(alone) == [[-1], [1], [2]]  # then each alone: two go in, one fails


FOLLOW = FollowUp("lazy:after_command:k", "bolt.lazy", "-", {"function": "f", "body": {}})


def test_concurrent_captures_and_their_retries_store_each_delivery_once(engine: Engine) -> None:
    """Sixteen threads, each delivery sent twice at once (a Slack retry racing the first):
    every capture gets its question's number, every question and follow-up is stored once."""
    writer = CaptureWriter(engine)
    assert writer.sqlite

    def capture(n: int) -> tuple[int, int, bool]:
        follow = FollowUp(f"lazy:after_command:{n}", FOLLOW.method, "-", FOLLOW.payload)
        got = writer.capture(TEAM, f"trigger:{n}", "U1", f"Question number {n}?", follow)
        return n, got.question_id, got.created

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(capture, [n for n in range(40) for _ in range(2)]))
    ids: dict[int, set[int]] = {}
    for n, question_id, _ in results:
        ids.setdefault(n, set()).add(question_id)
    assert all(len(found) == 1 for found in ids.values())
    assert sum(created for _, _, created in results) == 40
    with Session(engine) as session:
        stored = {q.id: q.text for q in session.exec(select(Question))}
        intake.promote(engine)
        keys = sorted(m.key for m in session.exec(select(OutboxMessage)))
    assert stored == {next(iter(ids[n])): f"Question number {n}?" for n in range(40)}
    assert keys == sorted(f"lazy:after_command:{n}" for n in range(40))
