"""Prometheus metrics, served over HTTP on their own port (`--metrics-port`, MPI_METRICS_PORT).

    mpi_rpc_requests_total{method,code}        RPCs by method and status code
    mpi_rpc_latency_seconds{method}            latency histogram (a stream counts once, start to end)
    mpi_match_decisions_total{decision}        linked / new_person / review, and unchanged re-sends
    mpi_match_candidates                       candidate persons considered per match (histogram)
    mpi_review_queue_size{type}                open review tasks by type (read from the store on scrape)

Labels carry method names, codes and decision kinds only: never anything from a record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from mpi.store.database import Database
from mpi.store.models import ReviewTask


class _ReviewQueue(Collector):
    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("mpi_review_queue_size", "Open review tasks by type", labels=["type"])
        with self.db.read() as session:
            rows = session.execute(
                select(ReviewTask.type, func.count())
                .where(ReviewTask.status == "open")
                .group_by(ReviewTask.type)
            ).all()
        for task_type, count in rows:
            gauge.add_metric([task_type], count)
        yield gauge


class Metrics:
    def __init__(self, db: Database) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mpi_rpc_requests", "RPCs by method and status code", ["method", "code"], registry=self.registry
        )
        self.latency = Histogram(
            "mpi_rpc_latency_seconds",
            "RPC latency",
            ["method"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
        )
        self.decisions = Counter(
            "mpi_match_decisions", "Match decisions", ["decision"], registry=self.registry
        )
        self.candidates = Histogram(
            "mpi_match_candidates",
            "Candidate persons considered per match",
            registry=self.registry,
            buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100, 200),
        )
        self.registry.register(_ReviewQueue(db))

    def rpc(self, method: str, code: str, seconds: float) -> None:
        self.requests.labels(method, code).inc()
        self.latency.labels(method).observe(seconds)

    def match(self, outcome: Any) -> None:
        kind = "unchanged" if outcome.record_change == "unchanged" else outcome.decision
        self.decisions.labels(kind).inc()
        if outcome.record_change != "unchanged":
            self.candidates.observe(outcome.candidates_considered)

    def serve(self, host: str, port: int) -> int:
        """Start the HTTP endpoint; returns the bound port (0 picks a free one)."""
        httpd, _ = start_http_server(port, addr=host, registry=self.registry)
        return int(httpd.server_port)
