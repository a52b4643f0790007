"""The bulk load's candidate pairs, found and compared in worker processes.

In a bulk load a record's candidates by blocking are the earlier records of the file that share one of its
keys, from keys of fewer than CANDIDATES_PER_KEY records so far: they follow from the file alone, not from
any decision. So every pair can be compared (matching.score.pair_levels, the costly half of scoring) on
all cores before the decisions are replayed one by one in file order (mpi.service.bulk). The workers are
forked once the whole file is read and share its records; for each record they hand back its candidates'
ordinals and their comparison vectors packed one byte a comparison, cheap to pass between processes.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from matching import Model, NormalizedRecord
from matching.compare import MISSING
from matching.decide import scored_as
from matching.score import pair_levels
from mpi.service.forked import in_order

TASK = 2_000  # records per worker task
IN_FLIGHT = 2  # tasks a worker may have answered or in hand before deciding takes their answers

Compared = tuple[list[int], list[tuple[str, ...]]]  # candidate ordinals (ascending), their vectors


@dataclass
class LevelCodes:
    """A comparison vector as bytes, one byte a comparison: its level's place among the comparison's
    labels (its levels, "missing", and the "typo" a one-letter given name may be read as)."""

    labels: tuple[tuple[str, ...], ...]
    _codes: dict[tuple[str, ...], bytes] = field(default_factory=dict)
    _vectors: dict[bytes, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: Model) -> LevelCodes:
        return cls(tuple(tuple(dict.fromkeys((*c.levels, MISSING, "typo"))) for c in model.comparisons))

    def encode(self, levels: tuple[str, ...]) -> bytes:
        if (code := self._codes.get(levels)) is None:
            code = self._codes[levels] = bytes(
                labels.index(level) for labels, level in zip(self.labels, levels, strict=True)
            )
        return code

    def decode(self, code: bytes) -> tuple[str, ...]:
        if (levels := self._vectors.get(code)) is None:
            levels = self._vectors[code] = tuple(
                labels[c] for labels, c in zip(self.labels, code, strict=True)
            )
        return levels


@dataclass(frozen=True)
class _File:
    """What the workers read, inherited at the fork."""

    model: Model
    records: Sequence[NormalizedRecord]
    keys: Sequence[tuple[str, ...]]
    key_index: dict[str, list[int]]  # key → ordinals of the records carrying it, ascending
    cap: int


_file: _File | None = None


def candidate_ordinals(
    key_index: dict[str, list[int]], keys: tuple[str, ...], ordinal: int, cap: int
) -> list[int]:
    """The earlier records sharing a key that held fewer than `cap` records before this one (the store
    counts the record itself in its key's block: repository._candidate_query)."""
    found: set[int] = set()
    for key in keys:
        block = key_index[key]
        if (before := bisect_left(block, ordinal)) < cap:
            found.update(block[:before])
    return sorted(found)


def _compare(bounds: tuple[int, int]) -> list[tuple[list[int], bytes]]:
    assert _file is not None
    f, codes = _file, LevelCodes.of(_file.model)
    out = []
    for i in range(*bounds):
        ordinals = candidate_ordinals(f.key_index, f.keys[i], i, f.cap)
        record = scored_as(f.records[i])
        out.append(
            (ordinals, b"".join([codes.encode(pair_levels(f.model, record, f.records[j])) for j in ordinals]))
        )
    return out


def compared_pairs(
    model: Model,
    records: Sequence[NormalizedRecord],
    keys: Sequence[tuple[str, ...]],
    key_index: dict[str, list[int]],
    *,
    cap: int,
    workers: int,
) -> Iterator[Compared]:
    """Per record in file order: its candidates by blocking and their comparison vectors."""
    global _file
    workers = affordable_workers(workers, *_memory()) if workers > 1 else 0
    codes, width = LevelCodes.of(model), len(model.comparisons)
    tasks = [(start, min(start + TASK, len(records))) for start in range(0, len(records), TASK)]
    _file = _File(model, records, keys, key_index, cap)
    try:
        if workers == 0:  # here, in this process
            results: Iterator[list[tuple[list[int], bytes]]] = map(_compare, tasks)
            yield from _decoded(results, codes, width)
            return
        compared = in_order(_compare, tasks, workers=workers, window=IN_FLIGHT * workers)
        yield from _decoded(compared, codes, width)
    finally:
        _file = None


def affordable_workers(wanted: int, resident: int, available: int) -> int:
    """The comparing workers the machine's memory holds, up to `wanted`; none (compare in this process)
    when not even one does. A forked worker comes to copy much of this process's memory as it reads the
    records (reading an object writes its reference count), and this process grows by about half again
    while it decides: at a million persons it held 6.2 GB at the fork, the machine had 16 GB available
    then, and with two workers used 22 of its 24 GB at the peak."""
    if resident <= 0:
        return wanted
    return max(0, min(wanted, (available - resident // 2) // resident))


def _memory() -> tuple[int, int]:
    """This process's resident and the machine's available memory in bytes (0, 0 where unknown)."""
    try:
        with open("/proc/self/statm") as statm, open("/proc/meminfo") as meminfo:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            available = next(
                int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:")
            )
    except (OSError, StopIteration, ValueError):
        return 0, 0
    return resident, available


def _decoded(
    results: Iterator[list[tuple[list[int], bytes]]], codes: LevelCodes, width: int
) -> Iterator[Compared]:
    for task in results:
        for ordinals, packed in task:
            yield ordinals, [codes.decode(packed[k : k + width]) for k in range(0, len(packed), width)]
