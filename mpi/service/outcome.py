"""What a Match returns: the decision, the person, and the evidence, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from matching import FieldWeight


class RecordChange(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class CandidateSummary:
    person_id: str
    match_weight: float
    national_id: str | None


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    source: str
    source_record_id: str
    decision: str  # linked | new_person | review
    reason: str
    model_version: str
    record_change: RecordChange
    record_version: int
    person_id: str | None = None
    national_id: str | None = None
    link_kind: str | None = None  # auto | manual | registry
    match_weight: float | None = None
    prior_weight: float | None = None
    explanation: tuple[FieldWeight, ...] = ()
    candidates: tuple[CandidateSummary, ...] = ()
    review_task_id: str | None = None
    candidates_considered: int = 0  # persons scored for this call (0 when nothing was decided)
