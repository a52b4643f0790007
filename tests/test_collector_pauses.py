"""The server keeps the cyclic collector's full passes short (mpi.api.server.keep_full_collections_short)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from mpi.api.server import _freeze_survivors, keep_full_collections_short


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture
def frozen_survivors() -> Iterator[None]:
    keep_full_collections_short()
    try:
        yield
    finally:  # the rest of the suite runs with the collector as Python sets it
        gc.callbacks.remove(_freeze_survivors)
        gc.unfreeze()


def test_a_full_pass_leaves_its_survivors_out_of_the_next_ones(frozen_survivors: None) -> None:
    survivors = [[i] for i in range(1000)]  # a cache filling while the server runs
    frozen = gc.get_freeze_count()
    gc.collect()
    assert gc.get_freeze_count() >= frozen + len(survivors)


def test_cycles_dropped_after_a_freeze_are_still_collected(frozen_survivors: None) -> None:
    gc.collect()
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    del a, b
    gc.collect()
    assert alive() is None
