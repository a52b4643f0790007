"""The one place where service errors become gRPC statuses (google.rpc.Status with details)."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from mpi.errors import InvalidInput, MpiError

DOMAIN = "mpi.v1"


def error_to_status(error: MpiError, *, field_prefix: str = "") -> grpc.Status:
    code: grpc.StatusCode = getattr(grpc.StatusCode, error.code)
    details = [_pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=DOMAIN))]
    if isinstance(error, InvalidInput):
        details.append(
            _pack(
                error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(
                            field=f"{field_prefix}{v.field}", description=v.reason
                        )
                        for v in error.violations
                    ]
                )
            )
        )
    status = status_pb2.Status(code=code.value[0], message=str(error), details=details)
    return rpc_status.to_status(status)


def internal_status(request_id: str) -> grpc.Status:
    message = f"internal error (request {request_id}); the record was not stored"
    return rpc_status.to_status(status_pb2.Status(code=grpc.StatusCode.INTERNAL.value[0], message=message))


def _pack(message: object) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)  # type: ignore[arg-type]
    return packed
