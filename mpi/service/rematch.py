"""Re-matching: every automatic decision taken again under the active model, in batches.

Manual decisions (manual links, registry links) are never touched. For each other record: if the new
decision is the same person (or, for a record that started a person, still no one else), the link is
re-scored in place (a new link row with the new weight, explanation and model version, the old one
superseded); otherwise the record moves: to another person, to review, or to a new person — exactly as a
changed re-send would. The summary counts each kind of change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from matching import Model, Outcome
from matching.record import dict_to_source_record
from mpi.service.evidence import decision_to_evidence
from mpi.service.match import MatchService, RecordRef
from mpi.store import repository as repo
from mpi.store.models import REGISTRY_SOURCE, Link, SourceRecordRow

BATCH = 500


def _candidates(session: Session, after: int, limit: int) -> list[SourceRecordRow]:
    """Records with an automatic link or none (under review), in id order after `after`."""
    query = (
        select(SourceRecordRow)
        .outerjoin(Link, and_(Link.record_id == SourceRecordRow.id, Link.valid_to.is_(None)))
        .where(SourceRecordRow.source != REGISTRY_SOURCE, SourceRecordRow.id > after)
        .where(or_(Link.id.is_(None), Link.kind == "auto"))
        .order_by(SourceRecordRow.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def rematch_all(
    matcher: MatchService, *, actor: str, batch: int = BATCH, tick: Callable[[int], None] = lambda n: None
) -> Counter[str]:
    """Counts: unchanged, rescored, relinked, to_review, to_new_person, review_resolved."""
    summary: Counter[str] = Counter()
    model = matcher.model
    after = 0
    while True:

        def unit(session: Session, after: int = after) -> int:
            rows = _candidates(session, after, batch)
            for row in rows:
                summary[_rematch_one(matcher, session, row, model, actor)] += 1
            return rows[-1].id if rows else -1

        last = matcher.db.run_write(unit)
        if last < 0:
            return summary
        tick(batch)
        after = last


def _rematch_one(
    matcher: MatchService, session: Session, row: SourceRecordRow, model: Model, actor: str
) -> str:
    prepared = matcher.prepare(dict_to_source_record(row.raw))
    matcher.db.lock_keys(session, (f"record:{row.source}:{row.source_record_id}", *prepared.keys))
    now = matcher.clock()
    link = repo.current_link(session, row.id)
    if link is not None and link.kind != "auto":
        return "manual_kept"  # linked manually since it was selected
    decision = matcher.decide(session, prepared.normalized, prepared.keys, row.id, model, row.version)
    started_alone = (
        link is not None
        and link.decision == "new_person"
        and repo.live_link_count(session, link.person_id) == 1
    )
    same_person = link is not None and (
        (decision.outcome is Outcome.LINK and decision.person_id == link.person_id)
        or (decision.outcome is Outcome.NEW_PERSON and started_alone)
    )
    if same_person:
        assert link is not None
        if link.model_version == model.version:
            return "unchanged"
        repo.close_link(session, link, now)
        best = decision.best
        session.add(
            Link(
                record_id=row.id, person_id=link.person_id, kind="auto", decision=link.decision,
                match_weight=best.score.match_weight if best else None,
                explanation=decision_to_evidence(decision, model.version), model_version=model.version,
                reason=f"re-scored: {decision.reason}", actor=actor, valid_from=now,
            )
        )  # fmt: skip
        return "rescored"
    if link is None and decision.outcome is Outcome.REVIEW:
        task = repo.open_review_task(session, row.id)
        if task is not None and task.evidence.get("model_version") == model.version:
            return "unchanged"
    superseded = repo.supersede_open_tasks(session, row.id, now)
    matcher.apply_decision(
        session,
        RecordRef(row.id, row.source, prepared.normalized, row.raw.get("address") or None),
        decision,
        link,
        now,
        actor,
        superseded,
        model,
    )
    if link is None:
        return "review_resolved" if decision.outcome is not Outcome.REVIEW else "rescored"
    return {Outcome.LINK: "relinked", Outcome.REVIEW: "to_review", Outcome.NEW_PERSON: "to_new_person"}[
        decision.outcome
    ]
