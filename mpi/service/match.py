"""The Match use case: one source record in, one decision out, in one transaction.

normalize → lock its keys → store the record (a new version only when its values changed) → candidate
persons by blocking keys → score and decide (matching/) → persist the link, the new person or the review
task → audit. A re-send with identical values changes nothing and returns the current state; a manual
decision on a record is never overturned by matching.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from matching import (
    InvalidRecord,
    MatchDecision,
    Model,
    NormalizedRecord,
    Outcome,
    SourceRecord,
    blocking_keys,
    decide,
    normalize_record,
)
from matching.identifiers import cccd_contradictions
from matching.normalize import dict_to_normalized, normalized_to_dict
from mpi.errors import InvalidInput
from mpi.service.clock import Clock, utc_now
from mpi.service.combine import Combiner
from mpi.service.evidence import decision_to_evidence, evidence_candidates, evidence_fields
from mpi.service.outcome import MatchOutcome, RecordChange
from mpi.service.survivorship import golden_values
from mpi.store import repository as repo
from mpi.store.database import Database
from mpi.store.models import Link, Person, RecordVersion, SourceRecordRow

# The most records one blocking key may bring in: a key shared by more ("nguyen van anh", or "nguyen van"
# born in 1985, at national scale) is too common to tell anyone apart and is left out; the record's other
# keys still find its candidates. At 100,000 persons, 200 brought 64 candidates a match, 50 brings 33.
CANDIDATES_PER_KEY = 50
# Calls sharing one write transaction at most, so that one transaction stays short: 16 unary calls, or
# up to 16 streams' batches of at most 64 records.
COMBINED_CALLS = 16
REVIEW_PRIORITY = {"national_id_conflict": 1, "ambiguous": 2, "possible_match": 3}


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """A record read and keyed outside the transaction (pure work, no locks held)."""

    normalized: NormalizedRecord
    keys: tuple[str, ...]
    raw: dict[str, str]
    content_hash: str


@dataclass(frozen=True, slots=True)
class Provisional:
    """A new record's decision reached outside the write lock, and what it was reached from."""

    rows: repo.CandidateRows
    model: tuple[str, int]  # version and prior step (Model.for_index)
    decision: MatchDecision


def _new_record_candidates(session: Session, p: PreparedRecord) -> repo.CandidateRows:
    # The record is not stored yet: each block it would join is one record smaller, hence cap − 1.
    return repo.candidate_rows(
        session, p.keys, exclude_record_id=None, cap=CANDIDATES_PER_KEY - 1, cccd=p.normalized.cccd
    )


@dataclass(frozen=True, slots=True)
class _Submitted:
    """A record of a Match call or stream batch, decided provisionally, waiting for its write
    transaction."""

    prepared: PreparedRecord
    provisional: Provisional | None
    actor: str


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A stored record as a decision needs it."""

    id: int
    source: str
    normalized: NormalizedRecord
    address: str | None = None  # as the sender wrote it (the person's golden address)


def prepare_record(record: SourceRecord, today: date, *, source: str | None = None) -> PreparedRecord:
    """Normalize and key one record (pure work: the bulk path runs it in worker processes)."""
    try:
        normalized = normalize_record(record, today=today)
    except InvalidRecord as exc:
        raise InvalidInput(exc.problems) from exc
    raw = record.to_dict()
    if source is not None:
        raw["source"] = source
    return PreparedRecord(normalized, blocking_keys(normalized), raw, repo.content_hash(raw))


def lock_names(p: PreparedRecord) -> tuple[str, ...]:
    """What a writer of this record locks (Database.lock_keys): its identity and its blocking keys."""
    return (f"record:{p.raw['source']}:{p.raw['source_record_id']}", *p.keys)


def cccd_claims(records: list[Any]) -> dict[str, set[str]]:
    """CCCD → the senders whose records (rows with source and normalized) carry it, self-consistently."""
    claims: dict[str, set[str]] = {}
    for row in records:
        rec = dict_to_normalized(row.normalized)
        if rec.cccd is not None and not cccd_contradictions(rec.cccd, rec.birth_date, rec.sex):
            claims.setdefault(rec.cccd, set()).add(row.source)
    return claims


def corroborated_cccd(claims: dict[str, set[str]]) -> str | None:
    """The CCCD a person's records corroborate: the only one they claim (self-consistently), carried by
    records of at least two senders."""
    if len(claims) != 1:
        return None
    ((cccd, senders),) = claims.items()
    return cccd if len(senders) >= 2 else None


class MatchService:
    """`model` is a Model, or a callable giving the active one (mpi.service.model_registry)."""

    def __init__(self, db: Database, model: Model | Callable[[], Model], clock: Clock = utc_now) -> None:
        self.db = db
        self._model = model if callable(model) else (lambda: model)
        self.clock = clock
        self._combiner: Combiner[list[_Submitted], list[MatchOutcome]] = Combiner(
            self._write_calls, lambda call: self._write_calls([call])[0], max_batch=COMBINED_CALLS
        )

    @property
    def model(self) -> Model:
        return self._model()

    def model_at(self, session: Session) -> Model:
        """The active model with its prior sized for the index as it stands (Model.for_index)."""
        return self.model.for_index(repo.index_size(session))

    def prepare(self, record: SourceRecord, *, source: str | None = None) -> PreparedRecord:
        """Read the record; InvalidInput naming every unreadable field. `source` overrides the stored
        source name (the registry's reserved one)."""
        return prepare_record(record, self.clock().date(), source=source)

    def match(self, record: SourceRecord, *, actor: str) -> MatchOutcome:
        return self.match_batch([self.prepare(record)], actor=actor, unary=True)[0]

    def match_batch(
        self, batch: list[PreparedRecord], *, actor: str, unary: bool = False
    ) -> list[MatchOutcome]:
        """Records matched in order in one transaction: each sees the ones before it.

        When another writer holds or awaits the lock (on PostgreSQL: while a write transaction of this
        process is under way), the work that needs none comes first, except on SQLite for a `unary`
        call (Match) while a thread of this process is the one writing: each new record is decided in
        a read transaction (which on SQLite waits for no writer). Inside the write transaction that
        decision stands if the record's candidates read exactly the same (a decision is a function of
        them and the model), else it is taken again there; either way the result is the one a serial
        run would give. With the lock free, all of it runs in the write transaction. Concurrent calls
        in this process (unary Match calls, streams) share the write transaction
        (mpi.service.combine), each call's records together and in order."""
        if not batch:
            return []
        # With no other writer about, deciding first would only read the candidates twice.
        done, outcomes = self.db.write_if_free(
            lambda session: self._match_all(session, [_Submitted(p, None, actor) for p in batch])
        )
        if done:
            assert outcomes is not None
            return outcomes
        if not self._decides_first(unary):
            provisional: list[Provisional | None] = [None] * len(batch)
        else:
            with self.db.read() as session:
                provisional = [self._provisional(session, p) for p in batch]
        return self._combiner.submit(
            [_Submitted(p, guess, actor) for p, guess in zip(batch, provisional, strict=True)]
        )

    def _decides_first(self, unary: bool) -> bool:
        """Whether a call that found the writer's turn taken decides its records before taking it."""
        if not self.db.is_sqlite:
            # PostgreSQL has no single writer: what deciding first can overlap is this process's own
            # write transaction under way. With none, it would only read the candidates twice.
            return self._combiner.busy()
        # A unary call while a thread of this process writes: deciding first would take the same
        # interpreter from that writer and read the candidates twice; waiting, the call goes in the
        # next shared transaction with the calls that came meanwhile, one commit for them all. A
        # stream's batch still decides first: its records fill the gaps the writer leaves whenever
        # SQLite runs without the GIL (deciding them later cost streams 10-15 %).
        return not (unary and self.db.writing_here())

    def _write_calls(self, calls: list[list[_Submitted]]) -> list[list[MatchOutcome]]:
        flat = [c for call in calls for c in call]
        outcomes = iter(self.db.run_write(lambda session: self._match_all(session, flat)))
        return [[next(outcomes) for _ in call] for call in calls]

    def _match_all(self, session: Session, records: list[_Submitted]) -> list[MatchOutcome]:
        """Records in order in the caller's write transaction, every record's keys locked first, in one
        order for all writers: two transactions sharing keys then wait for each other, where taking
        them record by record let each hold a key the other waited for (a deadlock PostgreSQL finds
        only after deadlock_timeout, a second, and undoes one of them)."""
        self.db.lock_keys(session, [key for r in records for key in lock_names(r.prepared)])
        return [
            self.match_prepared(session, r.prepared, actor=r.actor, provisional=r.provisional, locked=True)
            for r in records
        ]

    def _provisional(self, session: Session, p: PreparedRecord) -> Provisional | None:
        state, size = repo.arrival(session, p.raw["source"], p.raw["source_record_id"])
        if state is not None:
            return None  # a re-send or a new version: decided under the lock
        rows = _new_record_candidates(session, p)
        model = self.model.for_index(size)
        return Provisional(
            rows,
            (model.version, model.prior_steps),
            decide(model, p.normalized, repo.candidate_profiles(rows)),
        )

    def match_prepared(
        self,
        session: Session,
        p: PreparedRecord,
        *,
        actor: str,
        provisional: Provisional | None = None,
        locked: bool = False,
    ) -> MatchOutcome:
        """The whole use case inside the caller's transaction (the batch paths share it), the record's
        keys locked unless the caller has `locked` them."""
        source, sid = p.raw["source"], p.raw["source_record_id"]
        if not locked:
            self.db.lock_keys(session, lock_names(p))
        now = self.clock()
        state, size = repo.arrival(session, source, sid)
        link: Link | None = None
        superseded: list[str] = []
        model = self.model.for_index(size)  # one version for the whole transaction
        if state is None:
            change, version = RecordChange.NEW, 1
            rows = _new_record_candidates(session, p)
            if (
                provisional is not None
                and provisional.rows == rows
                and provisional.model == (model.version, model.prior_steps)
            ):
                decision = provisional.decision
            else:
                decision = decide(model, p.normalized, repo.candidate_profiles(rows))
            record_id = repo.insert_record(
                session,
                raw=p.raw,
                normalized=normalized_to_dict(p.normalized),
                content_hash=p.content_hash,
                keys=p.keys,
                now=now,
            )
        else:
            row = repo.find_record(session, source, sid)
            assert row is not None
            if state.content_hash == p.content_hash:
                return self.current_state(session, row, RecordChange.UNCHANGED)
            change = RecordChange.UPDATED
            row = store_record(session, row, p, now)
            record_id, version = row.id, row.version
            link = repo.current_link(session, row.id)
            if link is not None and link.kind != "auto":
                repo.audit(
                    session,
                    at=now,
                    actor=actor,
                    action="record.updated",
                    entity_type="record",
                    entity_id=str(row.id),
                    reason="new version; the manual link is kept",
                    details={"version": row.version},
                )
                return self.current_state(session, row, change)
            superseded = repo.supersede_open_tasks(session, row.id, now)
            decision = self.decide(session, p.normalized, p.keys, record_id, model, version)
        record = RecordRef(record_id, source, p.normalized, p.raw.get("address") or None)
        applied = self.apply_decision(session, record, decision, link, now, actor, superseded, model)
        return MatchOutcome(
            source=source,
            source_record_id=sid,
            record_change=change,
            record_version=version,
            candidates_considered=decision.considered,
            **applied,
        )

    def decide(
        self,
        session: Session,
        normalized: NormalizedRecord,
        keys: tuple[str, ...],
        record_id: int | None,
        model: Model,
        record_version: int | None = None,
    ) -> MatchDecision:
        """A stored record's candidates by blocking, minus the persons a reviewer kept it apart from,
        unless the record changed since the reviewer saw it: new evidence reopens the question, and
        says so. The model's prior is sized for the index here (a no-op for a model sized already)."""
        model = model.for_index(repo.index_size(session))
        candidates = repo.candidate_profiles(
            repo.candidate_rows(
                session, keys, exclude_record_id=record_id, cap=CANDIDATES_PER_KEY, cccd=normalized.cccd
            )
        )
        kept = repo.kept_apart_from_record(session, record_id) if record_id is not None else {}
        if not kept:
            return decide(model, normalized, candidates)
        newer = {
            p
            for p, seen in kept.items()
            if record_version is not None and seen is not None and record_version > seen
        }
        decision = decide(
            model, normalized, [c for c in candidates if c.person_id not in kept or c.person_id in newer]
        )
        reopened = newer & {p.person_id for p in decision.ranked}
        if reopened:
            note = (
                "; a reviewer had kept this record apart from a candidate, but the record has changed since"
            )
            decision = replace(decision, reason=decision.reason + note)
        return decision

    def apply_decision(
        self,
        session: Session,
        record: RecordRef,
        decision: MatchDecision,
        old_link: Link | None,
        now: datetime,
        actor: str,
        superseded_tasks: list[str],
        model: Model,
    ) -> dict[str, Any]:
        """Persist the decision: a review task, or a link to a new or an existing person. Returns what
        the caller's MatchOutcome says about it."""
        evidence = decision_to_evidence(decision, model.version)
        # A new version of a person's only record that matches no one else stays that person: its id
        # is what senders and the health book already hold.
        kept_person = (
            old_link.person_id
            if old_link is not None
            and decision.outcome is Outcome.NEW_PERSON
            and repo.live_link_count(session, old_link.person_id) == 1
            else None
        )
        if old_link is not None:
            repo.close_link(session, old_link, now)
            session.flush()  # the closed link makes room for the new current one
            if kept_person is None:
                self._retire_if_empty(session, old_link.person_id, now, actor)
        details = {"model_version": model.version, "superseded_tasks": superseded_tasks}
        said = {
            "reason": decision.reason,
            "model_version": model.version,
            "match_weight": evidence["match_weight"],
            "prior_weight": evidence["prior_weight"],
            "explanation": evidence_fields(evidence),
            "candidates": evidence_candidates(evidence),
        }
        if decision.outcome is Outcome.REVIEW:
            task_id = repo.new_id()
            repo.insert_review_task(
                session,
                review_task_row(
                    task_id,
                    record.id,
                    decision,
                    evidence,
                    record.source,
                    record.normalized.province_code,
                    now,
                ),
            )
            repo.audit(
                session,
                at=now,
                actor=actor,
                action="review.opened",
                entity_type="review_task",
                entity_id=task_id,
                reason=decision.reason,
                details={**details, "record_id": record.id, "type": str(decision.review_type)},
            )
            return {**said, "decision": "review", "review_task_id": task_id}
        national_id: str | None = None
        if kept_person is not None:
            person_id, kind = kept_person, "new_person"
        elif decision.outcome is Outcome.NEW_PERSON:
            person_id, kind = repo.new_id(), "new_person"
            repo.insert_person(
                session, {"id": person_id, **person_values(record.normalized, record.address, now)}
            )
            repo.audit_person(
                session,
                at=now,
                actor=actor,
                action="person.created",
                person_id=person_id,
                reason=decision.reason,
                details={**details, "record_id": record.id},
            )
        else:
            assert decision.person_id is not None and decision.best is not None
            person_id, kind = decision.person_id, "linked"
        repo.insert_link(session, link_row(record.id, person_id, kind, decision, evidence, actor, now))
        repo.audit(
            session,
            at=now,
            actor=actor,
            action="link.created",
            entity_type="record",
            entity_id=str(record.id),
            reason=decision.reason,
            details={**details, "person_id": person_id, "decision": kind},
        )
        # A new person with one record has one sender: nothing to corroborate, nothing to recompute.
        if kind == "linked" or kept_person is not None:
            national_id = self._refresh_person(session, person_id, record.normalized.cccd, now, actor)
        return {
            **said,
            "decision": kind,
            "person_id": person_id,
            "national_id": national_id,
            "link_kind": "auto",
        }

    def _refresh_person(
        self, session: Session, person_id: str, cccd: str | None, now: datetime, actor: str
    ) -> str | None:
        """After a link to `person_id` by a record carrying `cccd` (or none): the person's golden values
        recomputed from its records (mpi.service.survivorship) and, if it has no national ID yet, its
        CCCD corroborated, in one read and at most one write. Its national ID.

        A person without a registry row learns a CCCD once records from two different senders carry
        it, each consistent with its own birth year and sex, and no record of the person claims
        another. Two independent typos giving the same wrong number are not a practical risk; one is."""
        current, records = repo.person_with_records(session, person_id)
        values = golden_values(records, current)
        national_id = values.get("national_id", current["national_id"])
        if national_id is None and cccd is not None:
            corroborated = corroborated_cccd(cccd_claims(records))
            if corroborated is not None and not repo.holder_of(session, corroborated):
                values["national_id"] = national_id = corroborated
                repo.audit_person(
                    session,
                    at=now,
                    actor=actor,
                    action="person.national_id_set",
                    person_id=person_id,
                    reason="records from two senders carry the same consistent CCCD",
                )
        if any(current[k] != v for k, v in values.items()):
            repo.set_golden(session, person_id, {**current, **values}, now)
        return national_id

    def _retire_if_empty(self, session: Session, person_id: str, now: datetime, actor: str) -> None:
        person = session.get(Person, person_id)
        if person is None or person.registry_backed or repo.live_link_count(session, person_id) > 0:
            return
        person.status, person.version, person.updated_at = "retired", person.version + 1, now
        repo.audit_person(
            session,
            at=now,
            actor=actor,
            action="person.retired",
            person_id=person_id,
            reason="its last record was linked elsewhere",
        )

    def current_state(
        self,
        session: Session,
        row: SourceRecordRow,
        change: RecordChange,
    ) -> MatchOutcome:
        """The record's state as stored now: its current link, else its open review task."""
        session.flush()
        link = repo.current_link(session, row.id)
        common: dict[str, Any] = {
            "source": row.source,
            "source_record_id": row.source_record_id,
            "record_change": change,
            "record_version": row.version,
        }
        if link is not None:
            person = session.get(Person, link.person_id)
            return MatchOutcome(
                **common,
                decision=link.decision,
                reason=link.reason,
                model_version=link.model_version,
                person_id=link.person_id,
                national_id=person.national_id if person else None,
                link_kind=link.kind,
                match_weight=link.match_weight,
                prior_weight=link.explanation.get("prior_weight"),
                explanation=evidence_fields(link.explanation),
                candidates=evidence_candidates(link.explanation),
            )
        task = repo.open_review_task(session, row.id)
        if task is None:
            raise AssertionError("a stored record is either linked or under review")
        return MatchOutcome(
            **common,
            decision="review",
            reason=task.reason,
            model_version=task.evidence.get("model_version", ""),
            match_weight=task.evidence.get("match_weight"),
            prior_weight=task.evidence.get("prior_weight"),
            explanation=evidence_fields(task.evidence),
            candidates=evidence_candidates(task.evidence),
            review_task_id=task.id,
        )


def store_record(
    session: Session, row: SourceRecordRow | None, p: PreparedRecord, now: datetime
) -> SourceRecordRow:
    """Insert the record, or add a version of it, and refresh its blocking keys."""
    normalized = normalized_to_dict(p.normalized)
    if row is None:
        row = SourceRecordRow(
            source=p.raw["source"],
            source_record_id=p.raw["source_record_id"],
            version=1,
            content_hash=p.content_hash,
            raw=p.raw,
            normalized=normalized,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
    else:
        row.version += 1
        row.content_hash, row.raw, row.normalized, row.updated_at = p.content_hash, p.raw, normalized, now
    session.add(
        RecordVersion(
            record_id=row.id, version=row.version, content_hash=p.content_hash, raw=p.raw, created_at=now
        )
    )
    repo.replace_blocking_keys(session, row.id, p.keys)
    return row


def link_row(
    record_id: int,
    person_id: str,
    kind: str,
    decision: MatchDecision,
    evidence: dict[str, Any],
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """An automatic link's columns (Match and the bulk load write the same)."""
    best = decision.best
    return {
        "record_id": record_id,
        "person_id": person_id,
        "kind": "auto",
        "decision": kind,
        "match_weight": best.score.match_weight if best else None,
        "explanation": evidence,
        "model_version": evidence["model_version"],
        "reason": decision.reason,
        "actor": actor,
        "valid_from": now,
        "valid_to": None,
    }


def review_task_row(
    task_id: str,
    record_id: int,
    decision: MatchDecision,
    evidence: dict[str, Any],
    source: str,
    province_code: str | None,
    now: datetime,
) -> dict[str, Any]:
    """An open review task's columns (Match and the bulk load write the same)."""
    return {
        "id": task_id,
        "type": str(decision.review_type),
        "status": "open",
        "priority": REVIEW_PRIORITY[str(decision.review_type)],
        "record_id": record_id,
        "candidate_person_ids": [p.person_id for p in decision.ranked],
        "evidence": evidence,
        "reason": decision.reason,
        "created_at": now,
        "source": source,
        "province_code": province_code,
    }


def person_values(
    rec: NormalizedRecord, address: str | None, now: datetime, version: int = 1
) -> dict[str, Any]:
    """A new person's columns from its first record, without a national ID: one record's CCCD is a
    claim, not a fact (a serial digit mistyped keeps it self-consistent); see
    MatchService._refresh_person."""
    return {
        "national_id": None,
        "registry_backed": False,
        "full_name": rec.name.canonical,
        "birth_date": rec.birth_date.to_iso() if rec.birth_date else None,
        "sex": rec.sex.value if rec.sex else None,
        "phone": rec.phone.number if rec.phone else None,
        "address": address,
        "status": "active",
        "merged_into": None,
        "version": version,
        "created_at": now,
        "updated_at": now,
    }


def new_person(
    session: Session, rec: NormalizedRecord, now: datetime, *, address: str | None = None, version: int = 1
) -> Person:
    """The ORM form of a new person, for the review workflow's moves."""
    person = Person(id=repo.new_id(), **person_values(rec, address, now, version))
    session.add(person)
    session.flush()
    return person
