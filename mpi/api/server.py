"""The gRPC server: create_server() wires the store, the model and the servicers; serve() runs it until
SIGTERM/SIGINT and then drains (health NOT_SERVING first, in-flight RPCs get the grace period)."""

from __future__ import annotations

import logging
import signal
import threading
from concurrent import futures
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from matching import Model
from mpi.api.servicer import MasterPatientIndexServicer
from mpi.config import Config
from mpi.service.match import MatchService
from mpi.service.model_registry import ModelRegistry
from mpi.service.queries import QueryService
from mpi.service.review import ReviewService
from mpi.store.database import Database
from mpi.v1 import mpi_pb2, mpi_pb2_grpc

log = logging.getLogger("mpi.server")
SERVICE_NAME = mpi_pb2.DESCRIPTOR.services_by_name["MasterPatientIndexService"].full_name
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


@dataclass
class RunningServer:
    server: grpc.Server
    port: int
    health: health.HealthServicer
    db: Database

    def stop(self, grace: float | None = None) -> None:
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()
        self.db.dispose()


def create_server(config: Config, *, db: Database | None = None, model: Model | None = None) -> RunningServer:
    """Build and bind (not start) the server; port 0 picks a free one, returned in `port`."""
    db = db or Database(config.database_url)
    db.migrate()
    matcher = MatchService(db, model or ModelRegistry(db).active)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="mpi-rpc"),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    mpi_pb2_grpc.add_MasterPatientIndexServiceServicer_to_server(
        MasterPatientIndexServicer(matcher, QueryService(db), ReviewService(matcher)), server
    )
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME),
        server,
    )
    port = server.add_insecure_port(f"{config.host}:{config.port}")
    if port == 0:
        raise SystemExit(f"could not bind {config.host}:{config.port}")
    return RunningServer(server, port, health_servicer, db)


def serve(config: Config) -> None:
    running = create_server(config)
    running.server.start()
    log.info("serving", extra={"address": f"{config.host}:{running.port}", "database": _safe_url(config)})
    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        log.info(
            "draining", extra={"signal": signal.Signals(signum).name, "grace_seconds": config.grace_seconds}
        )
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    stop.wait()
    running.stop(config.grace_seconds)
    log.info("stopped")


def _safe_url(config: Config) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(config.database_url).render_as_string(hide_password=True)
