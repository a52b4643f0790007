"""MasterPatientIndexService: thin handlers from RPCs to use cases.

Every RPC logs one line (method, status, latency, request id, actor) and nothing of the record's
values. Service errors become statuses in mpi/api/status.py; anything unexpected becomes INTERNAL with
the request id and no stack trace for the client.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc

from matching import FieldProblem
from mpi.api import convert
from mpi.api.arrivals import arriving_batches
from mpi.api.auth import Authenticator
from mpi.api.metrics import Metrics
from mpi.api.status import error_to_status, internal_status
from mpi.errors import InvalidInput, MpiError
from mpi.service.match import MatchService
from mpi.service.queries import QueryService
from mpi.service.review import RecordKey, ReviewService
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc

log = logging.getLogger("mpi.rpc")
R = TypeVar("R")
ACTOR_HEADER = "x-mpi-actor"
# A stream longer than this is cut with RESOURCE_EXHAUSTED: split big batches into several streams.
MAX_STREAM_RECORDS = 1_000_000
# The records of a stream already arrived, up to this many, are matched in one transaction (one commit,
# one turn of the writer lock); each still gets its own response, in order.
STREAM_BATCH = 64


def _claimed_actor(context: grpc.ServicerContext) -> str:
    metadata = dict(context.invocation_metadata() or ())
    return str(metadata.get(ACTOR_HEADER, "") or "anonymous")[:128]


def _check_deadline(context: grpc.ServicerContext) -> None:
    remaining = context.time_remaining()
    if remaining is not None and remaining <= 0:
        context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline passed before the work started")


def _require(value: Any, field: str) -> None:
    if not value:
        raise InvalidInput([FieldProblem(field, "is required")], message="the request is incomplete")


class MasterPatientIndexServicer(mpi_pb2_grpc.MasterPatientIndexServiceServicer):
    def __init__(
        self,
        matcher: MatchService,
        queries: QueryService,
        review: ReviewService,
        authenticator: Authenticator,
        metrics: Metrics | None = None,
    ) -> None:
        self.matcher = matcher
        self.queries = queries
        self.review = review
        self.authenticator = authenticator
        self.metrics = metrics

    def _actor(self, context: grpc.ServicerContext) -> str:
        """The token's name when authentication is on (what a caller claims is not trusted then)."""
        return self.authenticator.actor(context.invocation_metadata() or (), _claimed_actor(context))

    def _unary(
        self, method: str, context: grpc.ServicerContext, work: Callable[[], R], field_prefix: str = ""
    ) -> R:
        request_id = uuid.uuid4().hex[:16]
        started = time.perf_counter()
        code = grpc.StatusCode.OK
        try:
            _check_deadline(context)
            return work()
        except MpiError as error:
            status = error_to_status(error, field_prefix=field_prefix)
            code = status.code
            context.abort_with_status(status)
        except Exception:
            if context.code() not in (None, grpc.StatusCode.OK):  # abort() above raises through here
                code = context.code()
                raise
            code = grpc.StatusCode.INTERNAL
            log.exception("rpc failed", extra={"method": method, "request_id": request_id})
            context.abort_with_status(internal_status(request_id))
        finally:
            seconds = time.perf_counter() - started
            if self.metrics is not None:
                self.metrics.rpc(method, code.name, seconds)
            log.info(
                "rpc",
                extra={
                    "method": method,
                    "status": code.name,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 3),
                    "request_id": request_id,
                    "actor": self._actor(context),
                },
            )
        raise AssertionError("unreachable: abort raises")

    def Match(self, request: pb.MatchRequest, context: grpc.ServicerContext) -> pb.MatchResponse:
        def work() -> pb.MatchResponse:
            outcome = self.matcher.match(convert.proto_to_record(request.record), actor=self._actor(context))
            if self.metrics is not None:
                self.metrics.match(outcome)
            return convert.outcome_to_proto(outcome)

        return self._unary("Match", context, work, field_prefix="record.")

    def MatchStream(
        self, request_iterator: Iterator[pb.MatchRequest], context: grpc.ServicerContext
    ) -> Iterator[pb.MatchResponse]:
        request_id = uuid.uuid4().hex[:16]
        started = time.perf_counter()
        actor = self._actor(context)
        count = 0
        code = grpc.StatusCode.OK
        try:
            for batch in arriving_batches(request_iterator, STREAM_BATCH):
                if count + len(batch) > MAX_STREAM_RECORDS:
                    code = grpc.StatusCode.RESOURCE_EXHAUSTED
                    context.abort(code, f"a stream carries at most {MAX_STREAM_RECORDS} records")
                _check_deadline(context)
                prepared, invalid = [], None
                for request in batch:
                    try:
                        prepared.append(self.matcher.prepare(convert.proto_to_record(request.record)))
                    except InvalidInput as error:
                        invalid = error_to_status(error, field_prefix=f"records[{count + len(prepared)}].")
                        break
                try:
                    outcomes = self.matcher.match_batch(prepared, actor=actor) if prepared else []
                except MpiError as error:
                    status = error_to_status(error)
                    code = status.code
                    context.abort_with_status(status)
                for outcome in outcomes:
                    count += 1
                    if self.metrics is not None:
                        self.metrics.match(outcome)
                    yield convert.outcome_to_proto(outcome)
                if invalid is not None:  # the records before it are stored and answered
                    code = invalid.code
                    context.abort_with_status(invalid)
        except Exception:
            if code is not grpc.StatusCode.OK or context.code() not in (None, grpc.StatusCode.OK):
                raise
            code = grpc.StatusCode.INTERNAL
            log.exception("rpc failed", extra={"method": "MatchStream", "request_id": request_id})
            context.abort_with_status(internal_status(request_id))
        finally:
            if self.metrics is not None:
                self.metrics.rpc("MatchStream", code.name, time.perf_counter() - started)
            log.info(
                "rpc",
                extra={
                    "method": "MatchStream",
                    "status": code.name,
                    "records": count,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 3),
                    "request_id": request_id,
                    "actor": actor,
                },
            )

    def GetPerson(self, request: pb.GetPersonRequest, context: grpc.ServicerContext) -> pb.GetPersonResponse:
        def work() -> pb.GetPersonResponse:
            _require(request.person_id, "person_id")
            return pb.GetPersonResponse(
                person=convert.person_to_proto(
                    self.queries.get_person(request.person_id, actor=self._actor(context))
                )
            )

        return self._unary("GetPerson", context, work)

    def GetRecord(self, request: pb.GetRecordRequest, context: grpc.ServicerContext) -> pb.GetRecordResponse:
        def work() -> pb.GetRecordResponse:
            _require(request.source, "source")
            _require(request.source_record_id, "source_record_id")
            view = self.queries.get_record(
                request.source, request.source_record_id, actor=self._actor(context)
            )
            return convert.record_view_to_proto(view)

        return self._unary("GetRecord", context, work)

    # --- review ---------------------------------------------------------------------------------------
    def ListReviewTasks(
        self, request: pb.ListReviewTasksRequest, context: grpc.ServicerContext
    ) -> pb.ListReviewTasksResponse:
        def work() -> pb.ListReviewTasksResponse:
            tasks, token = self.review.list_tasks(
                type=convert.TASK_TYPE_NAMES.get(request.type),
                status=convert.TASK_STATUS_NAMES.get(request.status, "open"),
                source=request.source or None,
                province_code=request.province_code or None,
                page_size=request.page_size,
                page_token=request.page_token,
            )
            return pb.ListReviewTasksResponse(
                tasks=[convert.task_summary(t) for t in tasks], next_page_token=token
            )

        return self._unary("ListReviewTasks", context, work)

    def GetReviewTask(
        self, request: pb.GetReviewTaskRequest, context: grpc.ServicerContext
    ) -> pb.GetReviewTaskResponse:
        def work() -> pb.GetReviewTaskResponse:
            _require(request.task_id, "task_id")
            return pb.GetReviewTaskResponse(
                task=convert.task_view_to_proto(self.review.get_task(request.task_id))
            )

        return self._unary("GetReviewTask", context, work)

    def ResolveReviewTask(
        self, request: pb.ResolveReviewTaskRequest, context: grpc.ServicerContext
    ) -> pb.ResolveReviewTaskResponse:
        def work() -> pb.ResolveReviewTaskResponse:
            _require(request.task_id, "task_id")
            action = convert.ACTION_NAMES.get(request.action)
            _require(action, "action")
            task, person_id = self.review.resolve(
                request.task_id,
                version=request.version,
                action=action or "",
                actor=self._actor(context),
                reason=request.reason,
                person_id=request.person_id,
                merge_person_id=request.merge_person_id,
                records=[RecordKey(r.source, r.source_record_id) for r in request.records],
            )
            return pb.ResolveReviewTaskResponse(task=convert.task_summary(task), person_id=person_id or "")

        return self._unary("ResolveReviewTask", context, work)

    def UndoResolution(
        self, request: pb.UndoResolutionRequest, context: grpc.ServicerContext
    ) -> pb.UndoResolutionResponse:
        def work() -> pb.UndoResolutionResponse:
            _require(request.task_id, "task_id")
            task = self.review.undo(
                request.task_id, version=request.version, actor=self._actor(context), reason=request.reason
            )
            return pb.UndoResolutionResponse(task=convert.task_summary(task))

        return self._unary("UndoResolution", context, work)

    def LinkRecord(
        self, request: pb.LinkRecordRequest, context: grpc.ServicerContext
    ) -> pb.LinkRecordResponse:
        def work() -> pb.LinkRecordResponse:
            _require(request.record.source and request.record.source_record_id, "record")
            link = self.review.link_record(
                RecordKey(request.record.source, request.record.source_record_id),
                request.person_id,
                person_version=request.person_version,
                actor=self._actor(context),
                reason=request.reason,
            )
            return pb.LinkRecordResponse(
                link=pb.Link(
                    person_id=link.person_id,
                    kind=convert.LINK_KINDS[link.kind],
                    reason=link.reason,
                    model_version=link.model_version,
                    valid_from=convert.timestamp(link.valid_from),
                )
            )

        return self._unary("LinkRecord", context, work)

    def UnlinkRecord(
        self, request: pb.UnlinkRecordRequest, context: grpc.ServicerContext
    ) -> pb.UnlinkRecordResponse:
        def work() -> pb.UnlinkRecordResponse:
            _require(request.record.source and request.record.source_record_id, "record")
            person_id = self.review.unlink_record(
                RecordKey(request.record.source, request.record.source_record_id),
                actor=self._actor(context),
                reason=request.reason,
            )
            return pb.UnlinkRecordResponse(person_id=person_id)

        return self._unary("UnlinkRecord", context, work)

    def MergePersons(
        self, request: pb.MergePersonsRequest, context: grpc.ServicerContext
    ) -> pb.MergePersonsResponse:
        def work() -> pb.MergePersonsResponse:
            self.review.merge_persons(
                request.survivor_person_id,
                request.merged_person_id,
                survivor_version=request.survivor_version,
                merged_version=request.merged_version,
                actor=self._actor(context),
                reason=request.reason,
            )
            person = self.queries.get_person(request.survivor_person_id)
            return pb.MergePersonsResponse(person=convert.person_to_proto(person))

        return self._unary("MergePersons", context, work)

    def SplitPerson(
        self, request: pb.SplitPersonRequest, context: grpc.ServicerContext
    ) -> pb.SplitPersonResponse:
        def work() -> pb.SplitPersonResponse:
            new = self.review.split_person(
                request.person_id,
                [RecordKey(r.source, r.source_record_id) for r in request.records],
                version=request.version,
                actor=self._actor(context),
                reason=request.reason,
            )
            return pb.SplitPersonResponse(new_person=convert.person_to_proto(self.queries.get_person(new.id)))

        return self._unary("SplitPerson", context, work)

    def GetPersonHistory(
        self, request: pb.GetPersonHistoryRequest, context: grpc.ServicerContext
    ) -> pb.GetPersonHistoryResponse:
        def work() -> pb.GetPersonHistoryResponse:
            _require(request.person_id, "person_id")
            return convert.history_to_proto(self.review.person_history(request.person_id))

        return self._unary("GetPersonHistory", context, work)
