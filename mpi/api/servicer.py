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
from mpi.api.status import error_to_status, internal_status
from mpi.errors import InvalidInput, MpiError
from mpi.service.match import MatchService
from mpi.service.queries import QueryService
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc

log = logging.getLogger("mpi.rpc")
R = TypeVar("R")
ACTOR_HEADER = "x-mpi-actor"
# A stream longer than this is cut with RESOURCE_EXHAUSTED: split big batches into several streams.
MAX_STREAM_RECORDS = 1_000_000


def _actor(context: grpc.ServicerContext) -> str:
    metadata = dict(context.invocation_metadata() or ())
    value = str(metadata.get(ACTOR_HEADER, "") or "anonymous")
    return value[:128]


def _check_deadline(context: grpc.ServicerContext) -> None:
    remaining = context.time_remaining()
    if remaining is not None and remaining <= 0:
        context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline passed before the work started")


class MasterPatientIndexServicer(mpi_pb2_grpc.MasterPatientIndexServiceServicer):
    def __init__(self, matcher: MatchService, queries: QueryService) -> None:
        self.matcher = matcher
        self.queries = queries

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
            log.info(
                "rpc",
                extra={
                    "method": method,
                    "status": code.name,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 3),
                    "request_id": request_id,
                    "actor": _actor(context),
                },
            )
        raise AssertionError("unreachable: abort raises")

    def Match(self, request: pb.MatchRequest, context: grpc.ServicerContext) -> pb.MatchResponse:
        def work() -> pb.MatchResponse:
            outcome = self.matcher.match(convert.proto_to_record(request.record), actor=_actor(context))
            return convert.outcome_to_proto(outcome)

        return self._unary("Match", context, work, field_prefix="record.")

    def MatchStream(
        self, request_iterator: Iterator[pb.MatchRequest], context: grpc.ServicerContext
    ) -> Iterator[pb.MatchResponse]:
        request_id = uuid.uuid4().hex[:16]
        started = time.perf_counter()
        actor = _actor(context)
        count = 0
        code = grpc.StatusCode.OK
        try:
            for request in request_iterator:
                if count >= MAX_STREAM_RECORDS:
                    code = grpc.StatusCode.RESOURCE_EXHAUSTED
                    context.abort(code, f"a stream carries at most {MAX_STREAM_RECORDS} records")
                _check_deadline(context)
                try:
                    outcome = self.matcher.match(convert.proto_to_record(request.record), actor=actor)
                except InvalidInput as error:
                    status = error_to_status(error, field_prefix=f"records[{count}].")
                    code = status.code
                    context.abort_with_status(status)
                except MpiError as error:
                    status = error_to_status(error)
                    code = status.code
                    context.abort_with_status(status)
                count += 1
                yield convert.outcome_to_proto(outcome)
        except Exception:
            if code is not grpc.StatusCode.OK or context.code() not in (None, grpc.StatusCode.OK):
                raise
            code = grpc.StatusCode.INTERNAL
            log.exception("rpc failed", extra={"method": "MatchStream", "request_id": request_id})
            context.abort_with_status(internal_status(request_id))
        finally:
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
                person=convert.person_to_proto(self.queries.get_person(request.person_id))
            )

        return self._unary("GetPerson", context, work)

    def GetRecord(self, request: pb.GetRecordRequest, context: grpc.ServicerContext) -> pb.GetRecordResponse:
        def work() -> pb.GetRecordResponse:
            _require(request.source, "source")
            _require(request.source_record_id, "source_record_id")
            view = self.queries.get_record(request.source, request.source_record_id)
            return convert.record_view_to_proto(view)

        return self._unary("GetRecord", context, work)


def _require(value: Any, field: str) -> None:
    if not value:
        raise InvalidInput([FieldProblem(field, "is required")], message="the request is incomplete")
