"""Importing a population-registry extract: registry-backed persons carrying their national ID.

Each row is authoritative. It attaches to the person already holding its CCCD, else to the one person
that matching links it to (a person built from checkup records before the registry arrived), else it
starts a registry-backed person. Disagreements are never silently absorbed: a holder whose records
disagree with the registry opens a `registry_mismatch` task, a doubtful match a
`possible_duplicate_persons` task. A re-import of a changed row updates the person (registry data wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from matching import FieldProblem, MatchDecision, Outcome, SourceRecord
from matching.identifiers import cccd_contradictions
from mpi.errors import InvalidInput
from mpi.service.evidence import decision_to_evidence
from mpi.service.match import MatchService, PreparedRecord, store_record
from mpi.store import repository as repo
from mpi.store.models import REGISTRY_SOURCE, Link, Person, ReviewTask

REGISTRY_FIELDS = ("national_id", "full_name", "birth_date", "sex", "province_code", "address", "phone")


class RegistryAction(StrEnum):
    CREATED = "created"  # a new registry-backed person
    ATTACHED = "attached"  # an existing person became registry-backed
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class RegistryOutcome:
    action: RegistryAction
    person_id: str
    review_task_id: str | None = None


class RegistryService:
    def __init__(self, matcher: MatchService) -> None:
        self.matcher = matcher
        self.db = matcher.db

    def prepare(self, values: dict[str, str]) -> PreparedRecord:
        nid = "".join((values.get("national_id") or "").split())
        record = SourceRecord(
            source="registry",
            source_record_id=nid or "-",
            full_name=values.get("full_name") or "",
            **{f: values.get(f) or "" for f in REGISTRY_FIELDS if f not in ("national_id", "full_name")},
            national_id=nid,
        )
        prepared = self.matcher.prepare(record, source=REGISTRY_SOURCE)
        cccd = prepared.normalized.cccd
        if cccd is None:
            raise InvalidInput([FieldProblem("national_id", "a registry row needs a 12-digit CCCD")])
        if contradicted := cccd_contradictions(cccd, prepared.normalized.birth_date, prepared.normalized.sex):
            raise InvalidInput([FieldProblem(f, "contradicts the row's CCCD") for f in contradicted])
        return prepared

    def import_row(self, values: dict[str, str], *, actor: str) -> RegistryOutcome:
        prepared = self.prepare(values)
        return self.db.run_write(lambda session: self.import_prepared(session, prepared, actor=actor))

    def import_prepared(self, session: Session, p: PreparedRecord, *, actor: str) -> RegistryOutcome:
        nid = p.normalized.cccd
        assert nid is not None
        self.db.lock_keys(session, (f"record:{REGISTRY_SOURCE}:{nid}", *p.keys))
        now = self.matcher.clock()
        row = repo.find_record(session, REGISTRY_SOURCE, nid)
        if row is not None:
            link = repo.current_link(session, row.id)
            assert link is not None, "registry rows are always linked"
            if row.content_hash == p.content_hash:
                return RegistryOutcome(RegistryAction.UNCHANGED, link.person_id)
            store_record(session, row, p, now)
            person = session.get(Person, link.person_id)
            assert person is not None
            self._take_registry_values(person, p, now)
            repo.audit_person(
                session,
                at=now,
                actor=actor,
                action="registry.updated",
                person_id=person.id,
                reason="registry row changed",
            )
            return RegistryOutcome(RegistryAction.UPDATED, person.id)

        row = store_record(session, None, p, now)
        holder = repo.person_by_national_id(session, nid)
        model = self.matcher.model
        decision = self.matcher.decide(session, p.normalized, p.keys, row.id, model)
        task_id = None
        if holder is not None:
            person, action = holder, RegistryAction.ATTACHED
            if decision.outcome is Outcome.REVIEW:
                task_id = self._open_task(
                    model.version,
                    session,
                    "registry_mismatch",
                    row.id,
                    decision,
                    now,
                    actor,
                    "the registry row disagrees with records of the person holding its CCCD",
                    person_id=holder.id,
                )
        elif (unidentified := self._unidentified_match(session, decision)) is not None:
            person, action = unidentified, RegistryAction.ATTACHED
        else:
            person, action = self._new_registry_person(session, p, now), RegistryAction.CREATED
            if decision.outcome is not Outcome.NEW_PERSON and decision.ranked:
                task_id = self._open_task(
                    model.version,
                    session,
                    "possible_duplicate_persons",
                    row.id,
                    decision,
                    now,
                    actor,
                    "a new registry person looks like an existing person",
                    person_id=person.id,
                )
        if action is not RegistryAction.CREATED:
            self._take_registry_values(person, p, now)
        best = decision.best
        session.add(
            Link(
                record_id=row.id,
                person_id=person.id,
                kind="registry",
                decision="new_person" if action is RegistryAction.CREATED else "linked",
                match_weight=best.score.match_weight if best and action is RegistryAction.ATTACHED else None,
                explanation=decision_to_evidence(decision, model.version),
                model_version=model.version,
                reason=f"population registry row ({action})",
                actor=actor,
                valid_from=now,
            )
        )
        repo.audit_person(
            session,
            at=now,
            actor=actor,
            action=f"registry.{action}",
            person_id=person.id,
            reason=decision.reason,
        )
        return RegistryOutcome(action, person.id, task_id)

    @staticmethod
    def _unidentified_match(session: Session, decision: MatchDecision) -> Person | None:
        """The person matching links the row to, if it has no national ID yet (else it is another human)."""
        if decision.outcome is not Outcome.LINK or decision.person_id is None:
            return None
        person = session.get(Person, decision.person_id)
        if person is None or person.national_id is not None or person.registry_backed:
            return None
        return person

    def _new_registry_person(self, session: Session, p: PreparedRecord, now: datetime) -> Person:
        person = Person(
            id=repo.new_id(),
            full_name="",
            version=0,
            created_at=now,
            updated_at=now,
        )
        self._take_registry_values(person, p, now)
        session.add(person)
        session.flush()  # the link below references it
        return person

    @staticmethod
    def _take_registry_values(person: Person, p: PreparedRecord, now: datetime) -> None:
        """Registry values win over anything the person had."""
        rec = p.normalized
        person.national_id = rec.cccd
        person.registry_backed = True
        person.full_name = rec.name.canonical
        person.birth_date = rec.birth_date.to_iso() if rec.birth_date else person.birth_date
        person.sex = rec.sex.value if rec.sex else person.sex
        person.status = "active"
        person.version = (person.version or 0) + 1
        person.updated_at = now

    def _open_task(
        self,
        model_version: str,
        session: Session,
        kind: str,
        record_id: int,
        decision: MatchDecision,
        now: datetime,
        actor: str,
        reason: str,
        person_id: str | None = None,
    ) -> str:
        task = ReviewTask(
            id=repo.new_id(),
            type=kind,
            status="open",
            priority=2,
            record_id=record_id,
            candidate_person_ids=[p.person_id for p in decision.ranked],
            evidence=decision_to_evidence(decision, model_version),
            reason=reason,
            created_at=now,
            source=REGISTRY_SOURCE,
            person_id=person_id,
        )
        session.add(task)
        repo.audit(
            session,
            at=now,
            actor=actor,
            action="review.opened",
            entity_type="review_task",
            entity_id=task.id,
            reason=reason,
            details={"type": kind, "record_id": record_id},
        )
        return task.id
