"""The bulk load's worker processes: forked (they inherit what the load has read), their answers taken
in task order with at most `window` tasks handed out, so that answers do not pile up in memory.

A worker that dies without answering (the kernel's out-of-memory killer, at national sizes) fails the
load with WorkerDied. multiprocessing.Pool, used before, replaced such a worker and left the load
waiting forever for the lost task's answer.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from mpi.errors import MpiError

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(MpiError):
    reason = "WORKER_DIED"


def in_order(work: Callable[[T], R], tasks: Iterable[T], *, workers: int, window: int) -> Iterator[R]:
    """work(task) for each task on `workers` forked processes, the results in task order."""
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    pending: deque[Future[R]] = deque()
    try:
        for task in tasks:
            pending.append(pool.submit(work, task))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as error:
        raise WorkerDied(
            "a worker process of the bulk load ended without answering (killed by the system: out of "
            "memory?); nothing was written"
        ) from error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
