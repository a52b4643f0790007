"""Group commit: concurrent callers in one process share one write transaction.

A write transaction costs a turn at the writer lock and a commit whatever it holds. When several Match
calls or stream batches arrive together (several clients, one server process), the first to find no
transaction under way leads: it takes every call queued by the time it starts and runs them, in arrival
order, in one transaction; the calls that arrive meanwhile wait and go in the next one, led by the first
of them. A single caller sees no difference: its call is a batch of one.

If the shared transaction fails, each call of it runs again alone, so that an error reaches only the
call it belongs to and the others are stored as if they had come one by one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Call(Generic[T, R]):
    item: T
    woken: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    done: bool = False
    result: R | None = None
    error: BaseException | None = None


class Combiner(Generic[T, R]):
    def __init__(
        self, run_batch: Callable[[list[T]], list[R]], run_one: Callable[[T], R], max_batch: int = 64
    ) -> None:
        self._run_batch, self._run_one, self._max_batch = run_batch, run_one, max_batch
        self._lock = threading.Lock()
        self._queue: list[_Call[T, R]] = []
        self._leading = False

    def busy(self) -> bool:
        """Whether a shared transaction is under way now (a moment's answer)."""
        return self._leading

    def submit(self, item: T) -> R:
        call: _Call[T, R] = _Call(item)
        with self._lock:
            self._queue.append(call)
            if not self._leading:
                self._leading = call.leads = True
        if not call.leads:
            call.woken.wait()
        if not call.done:  # it leads (from the start, or handed over by the previous leader)
            self._lead()
        if call.error is not None:
            raise call.error
        return call.result  # type: ignore[return-value]

    def _lead(self) -> None:
        with self._lock:
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
        try:
            self._run(batch)
        finally:
            for call in batch:  # the batch was interrupted (KeyboardInterrupt, SystemExit): no call of it
                if not call.done:  # may wake thinking it leads, and none may return nothing
                    call.error, call.done = RuntimeError("the shared write transaction was interrupted"), True
            with self._lock:
                if self._queue:
                    self._queue[0].leads = True
                    self._queue[0].woken.set()
                else:
                    self._leading = False
            for call in batch:
                call.woken.set()

    def _run(self, batch: list[_Call[T, R]]) -> None:
        if len(batch) > 1:
            try:
                results = self._run_batch([call.item for call in batch])
            except Exception:
                pass  # each call runs alone below and gets its own error
            else:
                for call, result in zip(batch, results, strict=True):
                    call.result, call.done = result, True
                return
        for call in batch:
            try:
                call.result = self._run_one(call.item)
            except BaseException as error:
                call.error = error  # raised in the caller's thread
            call.done = True
