"""Bulk initial load: a file of records into an empty index, decided exactly as Match would decide them
one by one in file order, in a fraction of the time.

Reading and normalizing run in worker processes (every core). Candidates come from an in-memory index of
the blocking keys with the same per-key cap as the store's query (mpi.store.repository.candidate_rows);
they depend on the file alone, so every candidate pair is compared in worker processes too, as many as
the memory holds (bulk_pairs). Then each record is decided in file order by matching.decide_scored with
the same model and scoring code, its CCCD corroborated by the same rule, and everything is written in
one transaction of Core bulk inserts: all or nothing. Every link, person and review task is audited as
Match audits it.

Only an empty index (no source records yet) can be bulk-loaded: the in-memory index knows only the file.
A record id repeated in the file with the same values counts as unchanged; with other values it is
rejected (ingest it with `mpi ingest` after the load, which keeps its versions).
"""

from __future__ import annotations

import gc
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from matching import CandidateProfile, FieldProblem, MatchDecision, Model, Outcome, PairScore
from matching.decide import decide_scored, scored_as
from matching.identifiers import cccd_contradictions
from matching.normalize import normalized_to_dict
from matching.record import dict_to_source_record
from matching.score import RecordScorer
from mpi.errors import InvalidInput, MpiError
from mpi.intake.items import IntakeItem
from mpi.service.batch import BatchSummary, Rejection
from mpi.service.bulk_pairs import compared_pairs
from mpi.service.clock import Clock, utc_now
from mpi.service.evidence import decision_to_evidence
from mpi.service.forked import in_order
from mpi.service.match import (
    CANDIDATES_PER_KEY,
    PreparedRecord,
    corroborated_cccd,
    link_row,
    person_values,
    prepare_record,
    review_task_row,
)
from mpi.service.survivorship import golden_values
from mpi.store import repository as repo
from mpi.store.database import Database

CHUNK = 2_000  # records per worker task: large enough to amortize the hand-over, small enough to stream


class IndexNotEmpty(MpiError):
    pass


@dataclass
class _Person:
    id: str
    national_id: str | None = None
    records: list[int] = field(default_factory=list)  # ordinals of its records in the load
    claims: dict[str, set[str]] = field(default_factory=dict)  # self-consistent CCCD → senders


def _prepare_chunk(
    args: tuple[list[IntakeItem], date],
) -> list[tuple[str, PreparedRecord | tuple[FieldProblem, ...]]]:
    items, today = args
    out: list[tuple[str, PreparedRecord | tuple[FieldProblem, ...]]] = []
    for item in items:
        if item.values is None:
            out.append((item.position, (FieldProblem("record", item.problem or "unreadable"),)))
            continue
        try:
            out.append((item.position, prepare_record(dict_to_source_record(item.values), today)))
        except InvalidInput as error:
            out.append((item.position, tuple(error.violations)))
    return out


def _chunks(items: Iterable[IntakeItem], today: date) -> Iterator[tuple[list[IntakeItem], date]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk, today


def prepared_records(
    items: Iterable[IntakeItem], today: date, workers: int
) -> Iterator[tuple[str, PreparedRecord | tuple[FieldProblem, ...]]]:
    """(position, prepared record or its problems) in file order, normalized by `workers` processes."""
    if workers <= 1:
        for chunk in _chunks(items, today):
            yield from _prepare_chunk(chunk)
        return
    for prepared in in_order(_prepare_chunk, _chunks(items, today), workers=workers, window=2 * workers):
        yield from prepared


class BulkLoad:
    """One load: decide every record in memory, then write it all."""

    def __init__(self, model: Model, now: datetime, actor: str) -> None:
        self.model, self.now, self.actor = model, now, actor
        self.records: list[PreparedRecord] = []
        # per record: itself as a candidate of later records (its person), None while under review
        self.profiles: list[CandidateProfile | None] = []
        self.persons: dict[str, _Person] = {}
        self.holders: dict[str, str] = {}  # national ID → person
        self.key_index: dict[str, list[int]] = {}
        self.seen: dict[tuple[str, str], str] = {}  # (source, record id) → content hash
        # What is written at the end, kept compact until then (a million records' rows as dicts held
        # gigabytes): the decision itself, whose scores are shared, and the audit's few values.
        self.links: list[tuple[int, str, str, MatchDecision]] = []  # record id, person, kind, decision
        self.tasks: list[tuple[int, str, MatchDecision, str, str | None]] = []  # + id, source, province
        self.audits: list[tuple[str, str, str, str, dict[str, Any] | None]] = []
        self.summary = BatchSummary()

    def add(self, position: str, prepared: PreparedRecord | tuple[FieldProblem, ...]) -> bool:
        """Take a prepared row into the load, to be decided; False for a row rejected or unchanged."""
        self.summary.rows_read += 1
        if isinstance(prepared, tuple):
            self.summary.rejections.append(Rejection(position, prepared))
            return False
        key = (prepared.raw["source"], prepared.raw["source_record_id"])
        if (earlier := self.seen.get(key)) is not None:
            if earlier == prepared.content_hash:
                self.summary.outcomes["unchanged"] += 1
            else:
                problem = FieldProblem(
                    "source_record_id", "repeated in the file with other values: ingest it after the load"
                )
                self.summary.rejections.append(Rejection(position, (problem,)))
            return False
        self.seen[key] = prepared.content_hash
        for k in prepared.keys:
            self.key_index.setdefault(k, []).append(len(self.records))
        self.records.append(prepared)
        return True

    def decide_all(self, workers: int, tick: Callable[[], None]) -> None:
        """Decide the records taken in file order, their pairs compared on `workers` processes."""
        pairs = compared_pairs(
            self.model,
            [p.normalized for p in self.records],
            [p.keys for p in self.records],
            self.key_index,
            cap=CANDIDATES_PER_KEY,
            workers=workers,
        )
        for ordinal, compared in enumerate(pairs):
            self._decide(ordinal, *compared)
            tick()

    def _scored(
        self, model: Model, ordinal: int, ordinals: list[int], vectors: list[tuple[str, ...]]
    ) -> list[tuple[PairScore, CandidateProfile]]:
        """The record's linked candidates, scored: those by blocking, compared by a worker, then the
        records of the person holding its CCCD that blocking did not bring."""
        scorer = RecordScorer(model, scored_as(self.records[ordinal].normalized))
        profiles = self.profiles
        out = [
            (scorer.score(levels), candidate)
            for j, levels in zip(ordinals, vectors, strict=True)
            if (candidate := profiles[j]) is not None
        ]
        cccd = self.records[ordinal].normalized.cccd
        if cccd is not None and (holder := self.holders.get(cccd)) is not None:
            blocked = set(ordinals)
            for j in self.persons[holder].records:
                if j not in blocked and (candidate := profiles[j]) is not None:
                    out.append((scorer.pair(candidate.profile), candidate))
        return out

    def _decide(self, ordinal: int, ordinals: list[int], vectors: list[tuple[str, ...]]) -> None:
        prepared = self.records[ordinal]
        record_id = ordinal + 1
        # the index before this record holds `ordinal` records, as Match would read it (repo.index_size)
        model = self.model.for_index(ordinal)
        decision = decide_scored(model, prepared.normalized, self._scored(model, ordinal, ordinals, vectors))
        details = {"model_version": self.model.version, "superseded_tasks": []}
        self.summary.outcomes[str(decision.outcome)] += 1
        if decision.outcome is Outcome.REVIEW:
            self.profiles.append(None)
            task_id = repo.new_id()
            self.tasks.append(
                (record_id, task_id, decision, prepared.raw["source"], prepared.normalized.province_code)
            )
            self._audit(
                "review.opened",
                "review_task",
                task_id,
                decision.reason,
                {**details, "record_id": record_id, "type": str(decision.review_type)},
            )
            return
        if decision.outcome is Outcome.NEW_PERSON:
            person = _Person(repo.new_id())
            self.persons[person.id] = person
            kind = "new_person"
            self._audit(
                "person.created", "person", person.id, decision.reason, {**details, "record_id": record_id}
            )
        else:
            assert decision.person_id is not None
            person, kind = self.persons[decision.person_id], "linked"
        self.profiles.append(CandidateProfile(person.id, person.national_id, prepared.normalized))
        person.records.append(ordinal)
        self.links.append((record_id, person.id, kind, decision))
        self._audit(
            "link.created",
            "record",
            str(record_id),
            decision.reason,
            {**details, "person_id": person.id, "decision": kind},
        )
        self._claim(person, prepared)

    def _claim(self, person: _Person, prepared: PreparedRecord) -> None:
        rec = prepared.normalized
        if rec.cccd is None or cccd_contradictions(rec.cccd, rec.birth_date, rec.sex):
            return
        person.claims.setdefault(rec.cccd, set()).add(prepared.raw["source"])
        if person.national_id is not None:
            return
        cccd = corroborated_cccd(person.claims)
        if cccd is not None and cccd not in self.holders:
            person.national_id = cccd
            self.holders[cccd] = person.id
            for j in person.records:
                self.profiles[j] = CandidateProfile(person.id, cccd, self.records[j].normalized)
            self._audit(
                "person.national_id_set",
                "person",
                person.id,
                "records from two senders carry the same consistent CCCD",
            )

    def _audit(
        self,
        action: str,
        entity_type: str,
        entity_id: str,
        reason: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.audits.append((action, entity_type, entity_id, reason, details))

    def link_rows(self) -> Iterator[dict[str, Any]]:
        for record_id, person_id, kind, decision in self.links:
            evidence = decision_to_evidence(decision, self.model.version)
            yield link_row(record_id, person_id, kind, decision, evidence, self.actor, self.now)

    def task_rows(self) -> Iterator[dict[str, Any]]:
        for record_id, task_id, decision, source, province_code in self.tasks:
            evidence = decision_to_evidence(decision, self.model.version)
            yield review_task_row(task_id, record_id, decision, evidence, source, province_code, self.now)

    def audit_rows(self) -> Iterator[dict[str, Any]]:
        for action, entity_type, entity_id, reason, details in self.audits:
            yield repo.audit_row(
                at=self.now,
                actor=self.actor,
                action=action,
                entity_type=entity_type,
                entity_id=entity_id,
                reason=reason,
                details=details,
            )

    def person_rows(self) -> Iterator[dict[str, Any]]:
        for person in self.persons.values():
            records = [
                repo.PersonRecord(
                    j + 1,
                    self.records[j].raw["source"],
                    normalized_to_dict(self.records[j].normalized),
                    self.records[j].raw,
                    self.now,
                )
                for j in person.records
            ]
            first = self.records[person.records[0]]
            values = person_values(first.normalized, first.raw.get("address") or None, self.now)
            values.update(golden_values(records, values))
            yield {**values, "id": person.id, "national_id": person.national_id}

    def record_rows(self) -> Iterator[repo.NewRecordRows]:
        for ordinal, p in enumerate(self.records):
            yield repo.new_record_rows(
                ordinal + 1,
                raw=p.raw,
                normalized=normalized_to_dict(p.normalized),
                content_hash=p.content_hash,
                keys=p.keys,
                now=self.now,
            )


def bulk_load(
    db: Database,
    model: Model,
    items: Iterable[IntakeItem],
    *,
    actor: str,
    clock: Clock = utc_now,
    workers: int | None = None,
    tick: Callable[[], None] = lambda: None,
) -> BatchSummary:
    """Load `items` into an empty index; outcome keys as ingest's: linked, new_person, review, unchanged."""
    with db.read() as session:
        if repo.has_records(session):
            raise IndexNotEmpty("bulk load needs an empty index (this one holds records): use mpi ingest")
    now = clock()
    load = BulkLoad(model, now, actor)
    # The load holds millions of live objects and makes no reference cycles: the cyclic collector would
    # only walk them again and again (a quarter of the time at 50,000 persons).
    collecting = gc.isenabled()
    gc.disable()
    try:
        workers = workers or multiprocessing.cpu_count()
        started = time.perf_counter()
        for position, prepared in prepared_records(items, now.date(), workers):
            if not load.add(position, prepared):
                tick()
        read = time.perf_counter()
        load.decide_all(workers, tick)
        decided = time.perf_counter()

        def write(session: Any) -> None:
            if repo.has_records(session):
                raise IndexNotEmpty("records arrived while the bulk load ran: nothing was written")
            repo.bulk_insert(
                session,
                persons=load.person_rows(),
                records=load.record_rows(),
                links=load.link_rows(),
                tasks=load.task_rows(),
                audits=load.audit_rows(),
            )

        db.run_write(write)
        load.summary.seconds = {
            "read": read - started,
            "decide": decided - read,
            "write": time.perf_counter() - decided,
        }
    finally:
        if collecting:
            gc.enable()
    return load.summary
