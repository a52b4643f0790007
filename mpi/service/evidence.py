"""The stored form of a decision's evidence (on links and review tasks), and back.

    {"model_version": "first-2026.12", "prior_weight": -19.9, "match_weight": 12.1,
     "fields": [["full_name", "folded", 10.8], ...],
     "candidates": [["<person id>", 12.1, "<national id or null>"], ...]}

Person ids, levels and weights only: the evidence holds no personal data of its own.
"""

from __future__ import annotations

from typing import Any

from matching import FieldWeight, MatchDecision
from mpi.service.outcome import CandidateSummary


def decision_to_evidence(decision: MatchDecision, model_version: str) -> dict[str, Any]:
    best = decision.best
    return {
        "model_version": model_version,
        "prior_weight": best.score.prior_weight if best else None,
        "match_weight": best.score.match_weight if best else None,
        "fields": [[f.field, f.level, f.weight] for f in best.score.fields] if best else [],
        "candidates": [[p.person_id, p.score.match_weight, p.national_id] for p in decision.ranked],
    }


def evidence_fields(evidence: dict[str, Any]) -> tuple[FieldWeight, ...]:
    return tuple(FieldWeight(f, level, float(w)) for f, level, w in evidence.get("fields", []))


def evidence_candidates(evidence: dict[str, Any]) -> tuple[CandidateSummary, ...]:
    return tuple(CandidateSummary(p, float(w), nid) for p, w, nid in evidence.get("candidates", []))
