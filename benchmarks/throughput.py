"""Match latency and throughput over gRPC on loopback, against a trivial RPC on the same server.

    .venv/bin/python -m benchmarks.throughput [--persons 20000] [--requests 2000] [--out benchmarks/results]

A store is pre-loaded with a synthetic population's registry rows (the registry import path), then
`mpi serve` runs as its own process and separate client processes send records of that population (new
records, so each is a real match): unary Match with 1 and 4 clients, and MatchStream with 1 client.
The floor is gRPC itself: the standard health Check on the same server, a trivial unary RPC, measured the
same way in the same run; Match is reported as a ratio of it. Server peak memory is its VmHWM.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from benchmarks.synthetic import make_population, registry_rows
from mpi.service.match import MatchService
from mpi.service.model_registry import shipped_model
from mpi.service.registry import RegistryService
from mpi.store.database import Database
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc


def _client(address: str, kind: str, records: list[dict[str, str]], queue: Any) -> None:
    latencies = []
    with grpc.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
        health.Check(health_pb2.HealthCheckRequest())  # connect before timing
        for record in records:
            started = time.perf_counter()
            if kind == "echo":
                health.Check(health_pb2.HealthCheckRequest())
            else:
                stub.Match(pb.MatchRequest(record=pb.SourceRecord(**record)))
            latencies.append(time.perf_counter() - started)
    queue.put(latencies)


def _unary(address: str, kind: str, records: list[dict[str, str]], clients: int) -> dict[str, float]:
    queue: Any = multiprocessing.Queue()
    shares = [records[i::clients] for i in range(clients)]
    procs = [multiprocessing.Process(target=_client, args=(address, kind, s, queue)) for s in shares]
    started = time.perf_counter()
    for p in procs:
        p.start()
    latencies = [lat for _ in procs for lat in queue.get()]
    for p in procs:
        p.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "clients": clients,
        "calls": len(latencies),
        "per_second": len(latencies) / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def _stream(address: str, records: list[dict[str, str]]) -> dict[str, float]:
    with grpc.insecure_channel(address) as channel:
        stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
        started = time.perf_counter()
        answered = sum(
            1 for _ in stub.MatchStream(pb.MatchRequest(record=pb.SourceRecord(**r)) for r in records)
        )
        seconds = time.perf_counter() - started
    return {"records": answered, "per_second": answered / seconds}


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    population = make_population(args.persons, seed=303)
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/throughput.sqlite3"
    db = Database(url)
    db.migrate()
    registry = RegistryService(MatchService(db, shipped_model()))
    started = time.perf_counter()
    for row in registry_rows(population.registry):
        registry.import_row(row, actor="benchmark")
    preload = {"registry_rows": len(population.registry), "seconds": time.perf_counter() - started}
    db.dispose()

    # The server as it is run: INFO logging (one line per RPC), default workers.
    env = {**os.environ, "MPI_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "mpi.cli", "serve", "--port", "0", "--no-auth"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    address = next(
        json.loads(line)["address"] for line in server.stderr if json.loads(line).get("message") == "serving"
    )
    drain = threading.Thread(target=lambda: all(True for _ in server.stderr), daemon=True)  # type: ignore[union-attr]
    drain.start()
    records = population.records
    n = min(args.requests, len(records) // 3)
    results: dict[str, Any] = {
        "command": f"python -m benchmarks.throughput --persons {args.persons} --requests {args.requests}",
        "preload": preload,
    }
    try:
        results["echo_1"] = _unary(address, "echo", records[:n], 1)
        results["echo_4"] = _unary(address, "echo", records[:n], 4)
        results["match_1"] = _unary(address, "match", records[:n], 1)
        results["match_4"] = _unary(address, "match", records[n : 2 * n], 4)
        results["stream_1"] = _stream(address, records[2 * n : 3 * n])
        results["match_vs_echo_1"] = results["match_1"]["per_second"] / results["echo_1"]["per_second"]
        results["match_vs_echo_4"] = results["match_4"]["per_second"] / results["echo_4"]["per_second"]
        results["server_peak_rss_mb"] = _peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "throughput.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
