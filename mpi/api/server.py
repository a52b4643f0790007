"""The gRPC server: create_server() wires the store, the model and the servicers; serve() runs it until
SIGTERM/SIGINT and then drains (health NOT_SERVING first, in-flight RPCs get the grace period)."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from matching import Model
from mpi.api.auth import Authenticator, AuthInterceptor, TokenFileError, load_tokens
from mpi.api.guard import DecodeGuard
from mpi.api.metrics import Metrics
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
    metrics_port: int | None = None

    def stop(self, grace: float | None = None) -> None:
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()
        self.db.dispose()


class ConfigError(Exception):
    """The server cannot start as configured (no tokens and auth not turned off, a TLS file missing)."""


def authenticator_for(config: Config) -> Authenticator:
    if config.no_auth:
        log.warning(
            "AUTHENTICATION IS OFF: anyone who can reach this port can read and change patient data. "
            "For local development only."
        )
        return Authenticator(None)
    if not config.auth_tokens_file:
        raise ConfigError(
            "no bearer tokens configured: set MPI_AUTH_TOKENS_FILE (see `mpi token create`), "
            "or pass --no-auth for local development"
        )
    try:
        return Authenticator(load_tokens(Path(config.auth_tokens_file)))
    except (OSError, TokenFileError) as error:
        raise ConfigError(str(error)) from error


def _bind(server: grpc.Server, config: Config) -> int:
    address = f"{config.host}:{config.port}"
    if not config.tls_cert and not config.tls_key:
        return server.add_insecure_port(address)
    if not (config.tls_cert and config.tls_key):
        raise ConfigError("TLS needs both --tls-cert and --tls-key")
    try:
        chain, key = Path(config.tls_cert).read_bytes(), Path(config.tls_key).read_bytes()
        client_ca = Path(config.client_ca).read_bytes() if config.client_ca else None
    except OSError as error:
        raise ConfigError(f"cannot read a TLS file: {error}") from error
    credentials = grpc.ssl_server_credentials(
        [(key, chain)], root_certificates=client_ca, require_client_auth=client_ca is not None
    )
    return server.add_secure_port(address, credentials)


def create_server(config: Config, *, db: Database | None = None, model: Model | None = None) -> RunningServer:
    """Build and bind (not start) the server; port 0 picks a free one, returned in `port`."""
    authenticator = authenticator_for(config)
    db = db or Database(config.database_url, background_checkpoints=True)
    db.migrate()
    metrics = Metrics(db)
    matcher = MatchService(db, model or ModelRegistry(db).active)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="mpi-rpc"),
        interceptors=[AuthInterceptor(authenticator), DecodeGuard()],
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 1),  # the processes of _serve_processes share the port
        ],
    )
    mpi_pb2_grpc.add_MasterPatientIndexServiceServicer_to_server(
        MasterPatientIndexServicer(matcher, QueryService(db), ReviewService(matcher), authenticator, metrics),
        server,
    )
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME),
        server,
    )
    port = _bind(server, config)
    if port == 0:
        raise ConfigError(f"could not bind {config.host}:{config.port}")
    metrics_port = (
        metrics.serve(config.host, config.metrics_port) if config.metrics_port is not None else None
    )
    return RunningServer(server, port, health_servicer, db, metrics_port)


def keep_full_collections_short() -> None:
    """What start-up built (modules, the model, compiled statements) lives as long as the process, and
    so do the caches that fill while it serves (stored profiles, names, scores: hundreds of thousands
    of objects); none of it makes reference cycles. A full pass of the cyclic collector walks every
    object it tracks, here ~0.7 µs each: at 100,000 persons passes of 200-270 ms stalled a request
    every ~600 matches, and they grow with the caches. Start-up objects, and the survivors of every full
    pass, are moved out of the collector's sight (`gc.freeze`), so that a full pass walks only what
    arrived since the last one. The price: a reference cycle alive at that moment and dropped later is
    never collected — after 2,950 matches, four passes had frozen 24 such objects (2.6 kB)."""
    gc.freeze()
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


def serve(config: Config) -> None:
    if config.processes > 1:
        _serve_processes(config)
        return
    running = create_server(config)
    keep_full_collections_short()
    running.server.start()
    log.info(
        "serving",
        extra={
            "address": f"{config.host}:{running.port}",
            "database": _safe_url(config),
            "metrics_port": running.metrics_port,
        },
    )
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


def _serve_processes(config: Config) -> None:
    """gRPC Python's multiprocessing pattern: the port is reserved here with SO_REUSEPORT, then each
    forked process runs its own server on it and the kernel spreads connections among them. Nothing of
    gRPC runs in this process before the fork (the gRPC core does not survive one). Process i serves
    metrics on metrics_port + i."""
    db = Database(config.database_url)
    db.migrate()  # once, before anyone serves
    db.dispose()  # no connection crosses the fork
    with _reserved_port(config.host, config.port) as port:
        ctx = multiprocessing.get_context("fork")
        workers = [
            ctx.Process(
                target=serve,
                args=(
                    replace(
                        config,
                        port=port,
                        processes=1,
                        metrics_port=None if config.metrics_port is None else config.metrics_port + i,
                    ),
                ),
                name=f"mpi-serve-{i}",
            )
            for i in range(config.processes)
        ]
        for worker in workers:
            worker.start()

        def _forward(signum: int, _frame: object) -> None:
            for worker in workers:
                if worker.pid is not None and worker.is_alive():
                    os.kill(worker.pid, signum)

        signal.signal(signal.SIGTERM, _forward)
        signal.signal(signal.SIGINT, _forward)
        for worker in workers:
            worker.join()


@contextmanager
def _reserved_port(host: str, port: int) -> Iterator[int]:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        raise ConfigError(f"could not bind {host}:{port}: {error}") from error
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def _safe_url(config: Config) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(config.database_url).render_as_string(hide_password=True)
