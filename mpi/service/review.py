"""The review workflow: the queue, the side-by-side view, resolutions and their exact undo, and the
direct reviewer actions (link, unlink, merge, split) with person history.

Every action is one transaction, takes the version (etag) the reviewer saw, and writes an audit event
(actor, time, action, ids, reason; no patient data). Optimistic concurrency: a task or person whose
version moved on fails with StaleVersion (ABORTED); a task already resolved with WrongState
(FAILED_PRECONDITION). Rows are locked for the transaction (SELECT … FOR UPDATE on PostgreSQL; SQLite
writers are serialized), so two reviewers can never both win.

Undo works from the resolution's own record of what it did (`ReviewTask.resolution`): each moved link
is superseded by a copy of the one it replaced, a created person is retired, keep-apart decisions are
revoked, a merged person comes back, and the task reopens. Links are never deleted or edited, so the
history shows the resolution and its undo.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from matching import FieldProblem, score_pair
from matching.normalize import dict_to_normalized
from mpi.errors import InvalidInput, NotFound, StaleVersion, WrongState
from mpi.service.match import MatchService, new_person
from mpi.service.survivorship import recompute_golden
from mpi.store import repository as repo
from mpi.store.models import AuditEvent, KeepApart, Link, Person, ReviewTask, SourceRecordRow

ACTIONS = ("link", "keep_apart", "merge", "split")
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class RecordKey:
    source: str
    source_record_id: str


@dataclass(frozen=True, slots=True)
class SideBySide:
    field: str
    record_value: str
    candidate_value: str
    record_normalized: str
    candidate_normalized: str
    level: str
    weight: float
    differs: bool


@dataclass(frozen=True, slots=True)
class CandidateView:
    person: Person
    match_weight: float
    best_record: RecordKey | None
    fields: tuple[SideBySide, ...]


@dataclass(frozen=True, slots=True)
class TaskView:
    task: ReviewTask
    record: SourceRecordRow | None
    record_key: RecordKey | None
    candidates: tuple[CandidateView, ...]
    person: Person | None


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    at: datetime
    actor: str
    action: str
    reason: str
    record: RecordKey | None = None
    model_version: str = ""
    link_kind: str = ""
    match_weight: float | None = None
    other_person_id: str = ""


# Which raw fields a reviewer compares, in order, with the comparison they feed.
_SIDE_BY_SIDE = (
    ("full_name", "name", ("family_name", "given_name")),
    ("birth_date", "birth_date", ("birth_date",)),
    ("sex", "sex", ("sex",)),
    ("national_id", "national_id", ("national_id",)),
    ("legacy_id", "legacy_ids", ("legacy_id",)),
    ("insurance_number", "bhxh_numbers", ("insurance_number",)),
    ("phone", "phone", ("contact",)),
    ("address", "address", ("contact",)),
    ("province_code", "province_code", ("contact",)),
    ("commune_code", "commune_code", ()),
)


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise InvalidInput([FieldProblem("reason", "is required: say why, for the audit trail")])


def _encode_token(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _decode_token(token: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(token.encode()))
        assert isinstance(values, list) and len(values) == 3
        return values
    except Exception as error:
        raise InvalidInput([FieldProblem("page_token", "is not a token this service gave out")]) from error


class ReviewService:
    def __init__(self, matcher: MatchService) -> None:
        self.matcher = matcher
        self.db = matcher.db

    # --- the queue ------------------------------------------------------------------------------
    def list_tasks(
        self,
        *,
        type: str | None = None,
        status: str = "open",
        source: str | None = None,
        province_code: str | None = None,
        page_size: int = 50,
        page_token: str = "",
    ) -> tuple[list[ReviewTask], str]:
        size = min(max(page_size or 50, 1), MAX_PAGE)
        query = select(ReviewTask).where(ReviewTask.status == status)
        if type:
            query = query.where(ReviewTask.type == type)
        if source:
            query = query.where(ReviewTask.source == source)
        if province_code:
            query = query.where(ReviewTask.province_code == province_code)
        if page_token:
            priority, created, task_id = _decode_token(page_token)
            at = datetime.fromisoformat(created)
            query = query.where(
                or_(
                    ReviewTask.priority > priority,
                    and_(ReviewTask.priority == priority, ReviewTask.created_at > at),
                    and_(
                        ReviewTask.priority == priority, ReviewTask.created_at == at, ReviewTask.id > task_id
                    ),
                )
            )
        query = query.order_by(ReviewTask.priority, ReviewTask.created_at, ReviewTask.id).limit(size + 1)
        with self.db.read() as session:
            tasks = list(session.scalars(query))
        token = ""
        if len(tasks) > size:
            last = tasks[size - 1]
            token = _encode_token([last.priority, last.created_at.isoformat(), last.id])
        return tasks[:size], token

    def get_task(self, task_id: str) -> TaskView:
        with self.db.read() as session:
            task = self._task(session, task_id)
            record = session.get(SourceRecordRow, task.record_id) if task.record_id else None
            candidates = []
            for person_id in task.candidate_person_ids:
                person = session.get(Person, person_id)
                if person is not None:
                    candidates.append(self._candidate_view(session, record, person))
            person = session.get(Person, task.person_id) if task.person_id else None
            key = RecordKey(record.source, record.source_record_id) if record else None
            return TaskView(task, record, key, tuple(candidates), person)

    def _candidate_view(
        self, session: Session, record: SourceRecordRow | None, person: Person
    ) -> CandidateView:
        rows = [
            row
            for row, _ in repo.current_records(session, person.id)
            if record is None or row.id != record.id
        ]
        if record is None or not rows:
            return CandidateView(person, 0.0, None, ())
        model = self.matcher.model_at(session)
        mine = dict_to_normalized(record.normalized)
        scored = [(score_pair(model, mine, dict_to_normalized(r.normalized)), r) for r in rows]
        score, best = max(scored, key=lambda pair: pair[0].match_weight)
        weights: dict[str, tuple[str, float]] = {}
        for f in score.fields:
            level, weight = weights.get(f.field, ("", 0.0))
            weights[f.field] = (level if f.level == "tf_adjustment" else f.level, weight + f.weight)
        fields = []
        for raw_field, normalized_field, comparisons in _SIDE_BY_SIDE:
            a, b = record.raw.get(raw_field, ""), best.raw.get(raw_field, "")
            na, nb = (
                _show(record.normalized.get(normalized_field)),
                _show(best.normalized.get(normalized_field)),
            )
            levels = [weights[c] for c in comparisons if c in weights]
            fields.append(
                SideBySide(
                    raw_field,
                    a,
                    b,
                    na,
                    nb,
                    " / ".join(lv for lv, _ in levels),
                    sum(w for _, w in levels),
                    bool(na and nb and na != nb),
                )
            )
        return CandidateView(
            person, score.match_weight, RecordKey(best.source, best.source_record_id), tuple(fields)
        )

    # --- resolutions ------------------------------------------------------------------------------
    def resolve(
        self,
        task_id: str,
        *,
        version: int,
        action: str,
        actor: str,
        reason: str,
        person_id: str = "",
        merge_person_id: str = "",
        records: Sequence[RecordKey] = (),
    ) -> tuple[ReviewTask, str | None]:
        _require_reason(reason)
        if action not in ACTIONS:
            raise InvalidInput([FieldProblem("action", f"must be one of {', '.join(ACTIONS)}")])

        def unit(session: Session) -> tuple[ReviewTask, str | None]:
            now = self.matcher.clock()
            task = self._task(session, task_id, lock=True)
            self._check_version("task", task.version, version)
            if task.status != "open":
                raise WrongState(f"the task is {task.status}, not open")
            result: str | None
            if action == "link":
                resolution, result = self._resolve_link(session, task, person_id, actor, reason, now)
            elif action == "keep_apart":
                resolution, result = self._resolve_keep_apart(session, task, actor, reason, now)
            elif action == "merge":
                resolution = self._merge(session, person_id, merge_person_id, None, None, actor, reason, now)
                result = person_id
            else:
                resolution = self._split(session, person_id, None, records, actor, reason, now)
                result = resolution["new_person_id"]
            task.status, task.resolution, task.version = "resolved", resolution, task.version + 1
            task.resolved_at, task.resolved_by = now, actor
            repo.audit(
                session,
                at=now,
                actor=actor,
                action=f"review.resolved.{action}",
                entity_type="review_task",
                entity_id=task.id,
                reason=reason,
                details={"person_id": result},
            )
            return task, result

        return self.db.run_write(unit)

    def _resolve_link(
        self, session: Session, task: ReviewTask, person_id: str, actor: str, reason: str, now: datetime
    ) -> tuple[dict[str, Any], str]:
        if task.record_id is None:
            raise WrongState("this task has no record to link: merge or keep apart the persons")
        record = self._locked_record(session, task.record_id)
        moves = self._move_record(
            session, record, self._active_person(session, person_id), actor, reason, now
        )
        return {"action": "link", "moves": moves}, person_id

    def _resolve_keep_apart(
        self, session: Session, task: ReviewTask, actor: str, reason: str, now: datetime
    ) -> tuple[dict[str, Any], str | None]:
        kept: list[int] = []
        others = [p for p in task.candidate_person_ids if p != task.person_id]
        if task.person_id is not None:  # about persons: they stay apart
            for other in others:
                kept.append(
                    self._keep_apart(session, None, None, task.person_id, other, task.id, actor, reason, now)
                )
            return {"action": "keep_apart", "keep_apart_ids": kept}, task.person_id
        if task.record_id is None:
            raise WrongState("this task has neither a record nor a person")
        record = self._locked_record(session, task.record_id)
        if repo.current_link(session, record.id) is not None:
            raise WrongState("the record is already linked; unlink or split instead")
        person = self._new_person(session, record, now)
        moves = self._move_record(session, record, person, actor, reason, now, decision="new_person")
        for other in others:
            kept.append(
                self._keep_apart(session, record.id, record.version, other, None, task.id, actor, reason, now)
            )
        return {
            "action": "keep_apart",
            "moves": moves,
            "created_person_id": person.id,
            "keep_apart_ids": kept,
        }, person.id

    def undo(self, task_id: str, *, version: int, actor: str, reason: str) -> ReviewTask:
        _require_reason(reason)

        def unit(session: Session) -> ReviewTask:
            now = self.matcher.clock()
            task = self._task(session, task_id, lock=True)
            self._check_version("task", task.version, version)
            if task.status != "resolved" or not task.resolution:
                raise WrongState(f"the task is {task.status}: there is no resolution to undo")
            self._undo_resolution(session, task.resolution, actor, reason, now)
            task.status, task.resolution, task.version = "open", None, task.version + 1
            task.resolved_at = task.resolved_by = None
            repo.audit(
                session,
                at=now,
                actor=actor,
                action="review.undone",
                entity_type="review_task",
                entity_id=task.id,
                reason=reason,
            )
            return task

        return self.db.run_write(unit)

    # --- direct actions -------------------------------------------------------------------------
    def link_record(
        self, key: RecordKey, person_id: str, *, person_version: int, actor: str, reason: str
    ) -> Link:
        _require_reason(reason)

        def unit(session: Session) -> Link:
            now = self.matcher.clock()
            record = self._record_by_key(session, key)
            person = self._active_person(session, person_id, version=person_version or None)
            self._move_record(session, record, person, actor, reason, now)
            self._close_tasks_of(session, record.id, actor, now, "the record was linked by a reviewer")
            link = repo.current_link(session, record.id)
            assert link is not None
            return link

        return self.db.run_write(unit)

    def unlink_record(self, key: RecordKey, *, actor: str, reason: str) -> str:
        """The record leaves its person for a new one of its own, kept apart from the old one."""
        _require_reason(reason)

        def unit(session: Session) -> str:
            now = self.matcher.clock()
            record = self._record_by_key(session, key)
            link = repo.current_link(session, record.id)
            if link is None:
                raise WrongState("the record is not linked to anyone")
            old = link.person_id
            person = self._new_person(session, record, now)
            self._move_record(session, record, person, actor, reason, now, decision="new_person")
            self._keep_apart(session, record.id, record.version, old, None, None, actor, reason, now)
            return person.id

        return self.db.run_write(unit)

    def merge_persons(
        self,
        survivor_id: str,
        merged_id: str,
        *,
        survivor_version: int,
        merged_version: int,
        actor: str,
        reason: str,
    ) -> Person:
        _require_reason(reason)

        def unit(session: Session) -> Person:
            now = self.matcher.clock()
            self._merge(
                session,
                survivor_id,
                merged_id,
                survivor_version or None,
                merged_version or None,
                actor,
                reason,
                now,
            )
            person = session.get(Person, survivor_id)
            assert person is not None
            return person

        return self.db.run_write(unit)

    def split_person(
        self, person_id: str, records: Sequence[RecordKey], *, version: int, actor: str, reason: str
    ) -> Person:
        _require_reason(reason)

        def unit(session: Session) -> Person:
            now = self.matcher.clock()
            done = self._split(session, person_id, version or None, records, actor, reason, now)
            person = session.get(Person, done["new_person_id"])
            assert person is not None
            return person

        return self.db.run_write(unit)

    def person_history(self, person_id: str) -> list[HistoryEvent]:
        with self.db.read() as session:
            if session.get(Person, person_id) is None:
                raise NotFound("no person with that id")
            events: list[HistoryEvent] = []
            links = session.execute(
                select(Link, SourceRecordRow.source, SourceRecordRow.source_record_id)
                .join(SourceRecordRow, SourceRecordRow.id == Link.record_id)
                .where(Link.person_id == person_id)
            )
            for link, source, sid in links:
                key = RecordKey(source, sid)
                events.append(
                    HistoryEvent(
                        link.valid_from,
                        link.actor,
                        "link.created",
                        link.reason,
                        key,
                        link.model_version,
                        link.kind,
                        link.match_weight,
                    )
                )
                if link.valid_to is not None:
                    events.append(
                        HistoryEvent(
                            link.valid_to,
                            "",
                            "link.superseded",
                            "",
                            key,
                            link.model_version,
                            link.kind,
                            link.match_weight,
                        )
                    )
            audits = session.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity_type == "person", AuditEvent.entity_id == person_id
                )
            )
            for event in audits:
                other = str(event.details.get("other_person_id", "")) if event.details else ""
                events.append(
                    HistoryEvent(event.at, event.actor, event.action, event.reason, other_person_id=other)
                )
            return sorted(events, key=lambda e: (e.at, e.action != "link.superseded"))

    # --- the moves every action is made of ---------------------------------------------------------
    def _move_record(
        self,
        session: Session,
        record: SourceRecordRow,
        person: Person,
        actor: str,
        reason: str,
        now: datetime,
        *,
        decision: str = "linked",
    ) -> list[list[Any]]:
        """Link the record to the person manually; returns [[record_id, old_link_id, new_link_id]]."""
        old = repo.current_link(session, record.id)
        if old is not None:
            repo.close_link(session, old, now)
        link = Link(
            record_id=record.id,
            person_id=person.id,
            kind="manual",
            decision=decision,
            match_weight=old.match_weight if old else None,
            explanation=old.explanation if old else {},
            model_version=old.model_version if old else "reviewer",
            reason=reason,
            actor=actor,
            valid_from=now,
        )
        session.add(link)
        session.flush()
        repo.audit(
            session,
            at=now,
            actor=actor,
            action="link.manual",
            entity_type="record",
            entity_id=str(record.id),
            reason=reason,
            details={"person_id": person.id, "from_person_id": old.person_id if old else None},
        )
        self._touch(session, person.id, now, actor, reason, "person.record_added")
        if old is not None and old.person_id != person.id:
            self._touch(session, old.person_id, now, actor, reason, "person.record_removed")
        return [[record.id, old.id if old else None, link.id]]

    def _touch(
        self, session: Session, person_id: str, now: datetime, actor: str, reason: str, action: str
    ) -> None:
        person = session.get(Person, person_id)
        if person is None:
            return
        linked = repo.live_link_count(session, person_id)
        if linked == 0 and person.status == "active":
            person.status = "retired"
        elif linked > 0 and person.status == "retired":
            person.status = "active"
        if not recompute_golden(session, person, now):  # which already counts a change of version
            person.version += 1
            person.updated_at = now
        repo.audit_person(
            session,
            at=now,
            actor=actor,
            action=action,
            person_id=person_id,
            reason=reason,
        )

    def _merge(
        self,
        session: Session,
        survivor_id: str,
        merged_id: str,
        survivor_version: int | None,
        merged_version: int | None,
        actor: str,
        reason: str,
        now: datetime,
    ) -> dict[str, Any]:
        if not survivor_id or not merged_id or survivor_id == merged_id:
            raise InvalidInput([FieldProblem("merge_person_id", "name two different persons to merge")])
        survivor = self._active_person(session, survivor_id, version=survivor_version)
        merged = self._active_person(session, merged_id, version=merged_version)
        if survivor.national_id and merged.national_id and survivor.national_id != merged.national_id:
            raise WrongState("the two persons carry different national IDs: they are two humans")
        moved_nid = None
        if merged.national_id and not survivor.national_id:
            moved_nid, merged.national_id = merged.national_id, None
            session.flush()
            survivor.national_id = moved_nid
        moves = []
        for record, _ in repo.current_records(session, merged.id):
            moves += self._move_record(session, record, survivor, actor, reason, now)
        merged.status, merged.merged_into = "merged", survivor.id
        registry = merged.registry_backed
        survivor.registry_backed = survivor.registry_backed or registry
        session.flush()
        repo.audit_person(
            session,
            at=now,
            actor=actor,
            action="person.merged",
            person_id=survivor.id,
            reason=reason,
            details={"other_person_id": merged.id, "records": len(moves)},
        )
        repo.audit_person(
            session,
            at=now,
            actor=actor,
            action="person.merged_into",
            person_id=merged.id,
            reason=reason,
            details={"other_person_id": survivor.id, "national_id_moved": moved_nid},
        )
        return {
            "action": "merge",
            "survivor": survivor.id,
            "merged": merged.id,
            "moves": moves,
            "national_id_moved": moved_nid,
            "registry_backed_moved": registry,
        }

    def _split(
        self,
        session: Session,
        person_id: str,
        version: int | None,
        records: Sequence[RecordKey],
        actor: str,
        reason: str,
        now: datetime,
    ) -> dict[str, Any]:
        if not records:
            raise InvalidInput([FieldProblem("records", "name the records to split off")])
        person = self._active_person(session, person_id, version=version)
        rows = [self._record_by_key(session, key) for key in records]
        for row in rows:
            link = repo.current_link(session, row.id)
            if link is None or link.person_id != person.id:
                raise WrongState(f"record {row.source}/{row.source_record_id} is not linked to that person")
        if len(rows) == repo.live_link_count(session, person.id):
            raise WrongState("splitting off every record leaves nothing: unlink or merge instead")
        new_person = self._revive_merged(session, person, rows, now) or self._new_person(
            session, rows[0], now
        )
        moves = []
        for row in rows:
            moves += self._move_record(session, row, new_person, actor, reason, now)
        kept = [self._keep_apart(session, None, None, person.id, new_person.id, None, actor, reason, now)]
        repo.audit_person(
            session,
            at=now,
            actor=actor,
            action="person.split",
            person_id=person.id,
            reason=reason,
            details={"other_person_id": new_person.id, "records": len(moves)},
        )
        return {
            "action": "split",
            "person_id": person.id,
            "new_person_id": new_person.id,
            "moves": moves,
            "created_person_id": new_person.id,
            "keep_apart_ids": kept,
        }

    def _revive_merged(
        self, session: Session, person: Person, rows: list[SourceRecordRow], now: datetime
    ) -> Person | None:
        """Splitting off exactly the records a merge brought in gives them back their old person (and the
        national ID it brought), so that merge-then-split returns every record to where it was."""
        previous: set[str] = set()
        for row in rows:
            closed = session.scalars(
                select(Link)
                .where(Link.record_id == row.id, Link.valid_to.is_not(None))
                .order_by(Link.valid_to.desc(), Link.id.desc())
                .limit(1)
            ).one_or_none()
            previous.add(closed.person_id if closed else "")
        if len(previous) != 1:
            return None
        merged = session.get(Person, previous.pop())
        if merged is None or merged.status != "merged" or merged.merged_into != person.id:
            return None
        moved = {r.id for r, _ in repo.current_records(session, person.id)} & {row.id for row in rows}
        if len(moved) != len(rows):
            return None
        event = session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity_type == "person",
                AuditEvent.entity_id == merged.id,
                AuditEvent.action == "person.merged_into",
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).one_or_none()
        national_id = (event.details or {}).get("national_id_moved") if event else None
        merged.status, merged.merged_into, merged.updated_at = "active", None, now
        if national_id and person.national_id == national_id:
            person.national_id = None
            session.flush()
            merged.national_id = national_id
        return merged

    def _undo_resolution(
        self, session: Session, resolution: dict[str, Any], actor: str, reason: str, now: datetime
    ) -> None:
        for record_id, old_link_id, new_link_id in reversed(resolution.get("moves", [])):
            new = session.get(Link, new_link_id)
            if new is None or new.valid_to is not None:
                raise WrongState("a record moved since: undo the later change first")
            repo.close_link(session, new, now)
            old = session.get(Link, old_link_id) if old_link_id else None
            if old is not None:
                session.add(
                    Link(
                        record_id=record_id,
                        person_id=old.person_id,
                        kind=old.kind,
                        decision=old.decision,
                        match_weight=old.match_weight,
                        explanation=old.explanation,
                        model_version=old.model_version,
                        reason=f"undo: {reason}",
                        actor=actor,
                        valid_from=now,
                    )
                )
            session.flush()
            for person_id in {new.person_id, old.person_id if old else None} - {None}:
                self._touch(session, person_id, now, actor, f"undo: {reason}", "person.undo")  # type: ignore[arg-type]
        for keep_id in resolution.get("keep_apart_ids", []):
            keep = session.get(KeepApart, keep_id)
            if keep is not None:
                keep.revoked_at = now
        if resolution.get("action") == "merge":
            merged = session.get(Person, resolution["merged"])
            survivor = session.get(Person, resolution["survivor"])
            assert merged is not None and survivor is not None
            merged.status, merged.merged_into = "active", None
            if resolution.get("national_id_moved"):
                survivor.national_id = None
                session.flush()
                merged.national_id = resolution["national_id_moved"]
            if resolution.get("registry_backed_moved") and not any(
                r.source == "@registry" for r, _ in repo.current_records(session, survivor.id)
            ):
                survivor.registry_backed = False
            recompute_golden(session, merged, now)
            recompute_golden(session, survivor, now)
        created = resolution.get("created_person_id")
        if created:
            person = session.get(Person, created)
            if person is not None and repo.live_link_count(session, created) == 0:
                person.status = "retired"

    # --- lookups --------------------------------------------------------------------------------
    def _task(self, session: Session, task_id: str, *, lock: bool = False) -> ReviewTask:
        query = select(ReviewTask).where(ReviewTask.id == task_id)
        task = session.scalars(
            query.with_for_update() if lock and not self.db.is_sqlite else query
        ).one_or_none()
        if task is None:
            raise NotFound("no review task with that id")
        return task

    def _active_person(self, session: Session, person_id: str, *, version: int | None = None) -> Person:
        if not person_id:
            raise InvalidInput([FieldProblem("person_id", "is required for this action")])
        query = select(Person).where(Person.id == person_id)
        person = session.scalars(query if self.db.is_sqlite else query.with_for_update()).one_or_none()
        if person is None:
            raise NotFound("no person with that id")
        if version is not None:
            self._check_version("person", person.version, version)
        if person.status == "merged":
            raise WrongState(f"the person was merged into {person.merged_into}")
        return person

    def _record_by_key(self, session: Session, key: RecordKey) -> SourceRecordRow:
        row = repo.find_record(session, key.source, key.source_record_id)
        if row is None:
            raise NotFound("no record with that source and source_record_id")
        return row

    def _locked_record(self, session: Session, record_id: int) -> SourceRecordRow:
        row = session.get(SourceRecordRow, record_id)
        assert row is not None
        self.db.lock_keys(session, (f"record:{row.source}:{row.source_record_id}",))
        return row

    @staticmethod
    def _check_version(what: str, current: int, seen: int) -> None:
        if seen != current:
            raise StaleVersion(
                f"the {what} changed since you saw it (version {seen}, now {current}): reload it"
            )

    def _new_person(self, session: Session, record: SourceRecordRow, now: datetime) -> Person:
        # version 0: the move that links its first record counts as its first change
        return new_person(session, dict_to_normalized(record.normalized), now, version=0)

    def _keep_apart(
        self,
        session: Session,
        record_id: int | None,
        record_version: int | None,
        person_id: str,
        other_person_id: str | None,
        task_id: str | None,
        actor: str,
        reason: str,
        now: datetime,
    ) -> int:
        keep = KeepApart(
            record_id=record_id,
            record_version=record_version,
            person_id=person_id,
            other_person_id=other_person_id,
            task_id=task_id,
            actor=actor,
            reason=reason,
            created_at=now,
        )
        session.add(keep)
        session.flush()
        return keep.id

    def _close_tasks_of(
        self, session: Session, record_id: int, actor: str, now: datetime, reason: str
    ) -> None:
        for task_id in repo.supersede_open_tasks(session, record_id, now):
            repo.audit(
                session,
                at=now,
                actor=actor,
                action="review.superseded",
                entity_type="review_task",
                entity_id=task_id,
                reason=reason,
            )


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value if v not in (None, False, True))
    return str(value)
