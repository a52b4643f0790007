"""Batch use cases over files: ingest source records, import a registry extract.

Every row goes through exactly the path of the Match RPC (MatchService.match / RegistryService.import_row:
one transaction each, in file order), so a record scores the same whichever way it arrives. A row with
bad input is reported with its position (line, HOSO) and reasons and skipped; the others go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from matching import FieldProblem
from matching.record import dict_to_source_record
from mpi.errors import InvalidInput, MpiError
from mpi.intake.items import IntakeItem
from mpi.service.match import MatchService
from mpi.service.registry import RegistryService


@dataclass(frozen=True, slots=True)
class Rejection:
    position: str  # "line 5", "HOSO 3", …
    problems: tuple[FieldProblem, ...]

    def describe(self) -> str:
        return f"{self.position}: " + "; ".join(f"{p.field}: {p.reason}" for p in self.problems)


@dataclass
class BatchSummary:
    rows_read: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time by phase, where a path tells

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def rejection_reasons(self) -> Counter[str]:
        return Counter(f"{p.field}: {p.reason}" for r in self.rejections for p in r.problems)


def _run(
    items: Iterable[IntakeItem], step: Callable[[dict[str, str]], str], tick: Callable[[], None]
) -> BatchSummary:
    summary = BatchSummary()
    for item in items:
        summary.rows_read += 1
        try:
            if item.values is None:
                raise InvalidInput([FieldProblem("record", item.problem or "unreadable")])
            summary.outcomes[step(item.values)] += 1
        except InvalidInput as error:
            summary.rejections.append(Rejection(item.position, error.violations))
        except MpiError as error:
            summary.rejections.append(Rejection(item.position, (FieldProblem("record", str(error)),)))
        tick()
    return summary


def ingest_rows(
    matcher: MatchService, rows: Iterable[IntakeItem], *, actor: str, tick: Callable[[], None] = lambda: None
) -> BatchSummary:
    """Outcome keys: linked, new_person, review, unchanged."""

    def step(values: dict[str, str]) -> str:
        outcome = matcher.match(dict_to_source_record(values), actor=actor)
        return "unchanged" if outcome.record_change == "unchanged" else outcome.decision

    return _run(rows, step, tick)


def import_registry_rows(
    registry: RegistryService,
    rows: Iterable[IntakeItem],
    *,
    actor: str,
    tick: Callable[[], None] = lambda: None,
) -> BatchSummary:
    """Outcome keys: created, attached, updated, unchanged."""
    return _run(rows, lambda values: str(registry.import_row(values, actor=actor).action), tick)
