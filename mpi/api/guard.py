"""Requests that are not valid protobuf: INVALID_ARGUMENT, not the INTERNAL grpcio answers by default.

grpcio turns a deserializer's exception into INTERNAL ("Exception deserializing request"), which would
read as our fault. This interceptor wraps the deserializer so that undecodable bytes become a marker,
and the handler answers INVALID_ARGUMENT for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc

MESSAGE = "the request is not a valid protobuf message for this method"


class _Undecodable:
    pass


def _tolerant(deserialize: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserialize is None:
        return None

    def read(data: bytes) -> Any:
        try:
            return deserialize(data)
        except Exception:
            return _Undecodable()

    return read


class DecodeGuard(grpc.ServerInterceptor):
    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(details)
        if handler is None:
            return None
        if handler.unary_unary is not None:
            inner = handler.unary_unary

            def unary(request: Any, context: grpc.ServicerContext) -> Any:
                if isinstance(request, _Undecodable):
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, MESSAGE)
                return inner(request, context)

            return grpc.unary_unary_rpc_method_handler(
                unary, _tolerant(handler.request_deserializer), handler.response_serializer
            )
        if handler.stream_stream is not None:
            inner_stream = handler.stream_stream

            def checked(requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:
                for request in requests:
                    if isinstance(request, _Undecodable):
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, MESSAGE)
                    yield request

            def stream(requests: Iterator[Any], context: grpc.ServicerContext) -> Any:
                return inner_stream(checked(requests, context), context)

            return grpc.stream_stream_rpc_method_handler(
                stream, _tolerant(handler.request_deserializer), handler.response_serializer
            )
        return handler
