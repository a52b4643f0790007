"""arriving_batches: order kept, never more than asked, never waiting for what has not arrived."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from itertools import count

import pytest

from mpi.api.arrivals import arriving_batches


def test_batches_hold_what_has_arrived_in_order_up_to_the_size() -> None:
    gate = threading.Event()

    def items() -> Iterator[int]:
        yield from range(10)  # all at once
        gate.wait(5)  # the rest only once the first batches were taken
        yield from range(10, 13)

    batches = []
    for batch in arriving_batches(items(), 4):
        batches.append(batch)
        if sum(map(len, batches)) == 10:
            gate.set()
    assert [i for b in batches for i in b] == list(range(13))
    assert all(1 <= len(b) <= 4 for b in batches)
    # The first ten never waited for the last three: no batch mixes the two groups.
    assert not any(9 in b and 10 in b for b in batches)


def test_a_broken_stream_raises_its_error_after_what_came_before() -> None:
    def items() -> Iterator[int]:
        yield 1
        raise RuntimeError("cancelled")

    seen = []
    with pytest.raises(RuntimeError, match="cancelled"):
        for batch in arriving_batches(items(), 8):
            seen += batch
    assert seen == [1]


def test_the_reader_stops_when_the_stream_is_abandoned() -> None:
    """An RPC that ends early (an abort) leaves no reader thread waiting to hand over its read-ahead."""
    before = {t for t in threading.enumerate() if t.name == "stream-reader"}
    batches = arriving_batches(count(), 4)
    first = next(batches)
    assert first == list(range(len(first)))  # the reader runs ahead of the consumer
    batches.close()
    readers = [t for t in threading.enumerate() if t.name == "stream-reader" and t not in before]
    for reader in readers:
        reader.join(timeout=5)
    assert readers and not any(r.is_alive() for r in readers)
