"""Group commit (mpi.service.combine): calls that arrive together share a batch; errors stay their own."""

from __future__ import annotations

import threading
import time

import pytest

from mpi.service.combine import Combiner


def _queue_behind_a_slow_first_call(combiner: Combiner[int, int], held: threading.Event, n: int) -> dict:
    """Call 0 holds its transaction (until `held` is set by its run) while calls 1..n queue behind it."""
    results: dict[int, object] = {}

    def call(i: int) -> None:
        try:
            results[i] = combiner.submit(i)
        except ValueError as error:
            results[i] = error

    first = threading.Thread(target=call, args=(0,))
    first.start()
    assert held.wait(5)
    others = [threading.Thread(target=call, args=(i,)) for i in range(1, n + 1)]
    for t in others:
        t.start()
    deadline = time.monotonic() + 5
    while len(combiner._queue) < n and time.monotonic() < deadline:
        time.sleep(0.001)
    return {"results": results, "threads": [first, *others]}


def _finish(state: dict, release: threading.Event) -> dict[int, object]:
    release.set()
    for t in state["threads"]:
        t.join(5)
    return state["results"]


def test_calls_arriving_while_a_batch_runs_go_together_in_the_next_one() -> None:
    batches: list[list[int]] = []
    held, release = threading.Event(), threading.Event()

    def run_batch(items: list[int]) -> list[int]:
        batches.append(list(items))
        return [i * 10 for i in items]

    def run_one(item: int) -> int:
        batches.append([item])
        if item == 0:
            held.set()
            release.wait(5)
        return item * 10

    combiner: Combiner[int, int] = Combiner(run_batch, run_one)
    results = _finish(_queue_behind_a_slow_first_call(combiner, held, 5), release)
    assert results == {i: i * 10 for i in range(6)}
    assert batches[0] == [0]
    assert sorted(batches[1]) == [1, 2, 3, 4, 5] and len(batches) == 2  # one shared transaction


def test_a_failing_call_fails_alone_and_the_others_are_stored() -> None:
    stored: list[int] = []
    held, release = threading.Event(), threading.Event()

    def run_batch(items: list[int]) -> list[int]:
        if 3 in items:
            raise ValueError("record 3 is bad")  # the whole transaction rolls back
        stored.extend(items)
        return items

    def run_one(item: int) -> int:
        if item == 0:
            held.set()
            release.wait(5)
        if item == 3:
            raise ValueError("record 3 is bad")
        stored.append(item)
        return item

    combiner: Combiner[int, int] = Combiner(run_batch, run_one)
    results = _finish(_queue_behind_a_slow_first_call(combiner, held, 5), release)
    assert isinstance(results[3], ValueError)
    assert {i: results[i] for i in (0, 1, 2, 4, 5)} == {0: 0, 1: 1, 2: 2, 4: 4, 5: 5}
    assert sorted(stored) == [0, 1, 2, 4, 5]


@pytest.mark.parametrize("callers", [1, 8])
def test_every_call_gets_its_own_result(callers: int) -> None:
    combiner: Combiner[int, int] = Combiner(lambda items: [-i for i in items], lambda i: -i, max_batch=3)
    results: dict[int, int] = {}

    def call(start: int) -> None:
        for i in range(start, start + 50):
            results[i] = combiner.submit(i)

    threads = [threading.Thread(target=call, args=(k * 100,)) for k in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == {i: -i for k in range(callers) for i in range(k * 100, k * 100 + 50)}
    assert not combiner._leading and not combiner._queue
