"""Group commit: threads that write at the same moment share one transaction.

A commit has a fixed cost (on SQLite: the WAL frames of every page the transaction touched,
and the database's one write lock), so when several acks of one process reach their write
together, the first to arrive writes all of them in one transaction and the others wait for
it, instead of queueing for the lock one by one. A thread alone writes at once: nothing waits
for company. One failed write does not fail the rest: the batch is written again one by one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Slot(Generic[T, R]):
    __slots__ = ("item", "done", "result", "error")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = False
        self.result: R | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[T, R]):
    """`submit(item)` returns what `write(batch)` returned for that item.

    `write` must write a whole batch in one transaction (all or nothing) and return one result
    per item, in order; it runs in the thread of whichever submitter leads the batch.
    """

    def __init__(self, write: Callable[[list[T]], list[R]]) -> None:
        self._write = write
        self._ready = threading.Condition()
        self._waiting: list[_Slot[T, R]] = []
        self._writing = False

    def submit(self, item: T) -> R:
        slot: _Slot[T, R] = _Slot(item)
        with self._ready:
            self._waiting.append(slot)
            while self._writing and not slot.done:
                self._ready.wait()
            batch: list[_Slot[T, R]] = []
            if not slot.done:  # no batch is being written, and this one is not written yet
                batch, self._waiting, self._writing = self._waiting, [], True
        if batch:
            try:
                self._write_batch(batch)
            finally:
                with self._ready:
                    for other in batch:
                        if not other.done:  # the leader was interrupted (BaseException)
                            other.error, other.done = RuntimeError("write abandoned"), True
                    self._writing = False
                    self._ready.notify_all()
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _write_batch(self, batch: list[_Slot[T, R]]) -> None:
        try:
            results = self._write([s.item for s in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error, batch[0].done = exc, True
                return
            for slot in batch:  # find the write that fails; the others still go in
                try:
                    (slot.result,) = self._write([slot.item])
                except Exception as single:  # noqa: BLE001 - handed to that item's thread
                    slot.error = single
                slot.done = True
            return
        for slot, result in zip(batch, results, strict=True):
            slot.result, slot.done = result, True
