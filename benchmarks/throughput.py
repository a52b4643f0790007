"""Speed at index size: bulk load, Match over gRPC against a trivial RPC, and Splink, in one run.

    .venv/bin/python -m benchmarks.throughput [--persons 100000] [--requests 2000] [--processes 2]
                                              [--skip-splink] [--skip-server] [--out benchmarks/results]
                                              [--postgres CONNINFO]

1. A synthetic population of `--persons` persons (1.6 records each). The records but the first
   3 × `--requests` are the index: written to CSV and loaded by `mpi ingest --bulk` in its own process
   (wall time and peak memory). The held-out records arrive later, as checkups do: about half of them
   belong to a person already in the index.
2. `mpi serve --processes P` on that store, its file read once beforehand (a long-running server's store
   sits in the page cache; a cold copy of the million-person store gave twice the p50); separate client
   processes send the held-out records: unary Match from 1 and 4 clients, MatchStream from 4 × P clients
   (one connection each, so the kernel spreads them over the processes). The floor is gRPC itself: the
   standard health Check on the same server, a trivial unary RPC, measured the same way in the same run;
   Match is reported as a ratio of it. Server peak memory is the VmHWM of each server process.
3. Splink 5 (optional extra) on the same index records, in its own process, with the blocking rules
   quality.SCALE_BLOCKING (m trained by EM on quality.SCALE_EM): training, then batch dedupe
   (predict + cluster at 0.99: wall time and peak memory), then its fastest way to match one new record
   against the table (`predict_between` after `compute_tf_table`), timed per record for 100 held-out
   records.

The store is SQLite unless --postgres names a PostgreSQL server: then a database of its own there,
dropped at the end.

Writes throughput.json and throughput.png to --out.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from benchmarks.postgres import database_of_its_own
from benchmarks.quality import SCALE_BLOCKING, SCALE_EM, splink_frame, splink_linker
from benchmarks.synthetic import Population, make_population
from matching import RECORD_FIELDS
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc

SPLINK_SINGLE_RECORDS = 100
STREAMS_PER_PROCESS = 4
SEED = 303  # the population's; benchmarks.match_in_process rebuilds it to find the held-out records


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
        "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
    }


# --- the index, by the bulk path ----------------------------------------------------------------------
def bulk_load(records: list[dict[str, str]], folder: Path, url: str) -> dict[str, Any]:
    path = folder / "index.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=RECORD_FIELDS)
        writer.writeheader()
        writer.writerows(records)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mpi.cli", "ingest", str(path), "--bulk", "--db", url],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    return {
        "records": len(records),
        "seconds": seconds,
        "records_per_second": len(records) / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "summary": done.stdout.strip().splitlines()[0],
        # "  took read 1.0 s, decide 2.0 s, write 3.0 s" (mpi.cli): where the time went
        "phase_seconds": {
            phase: float(seconds)
            for line in done.stdout.splitlines()
            if line.strip().startswith("took ")
            for phase, seconds in re.findall(r"(\w+) ([\d.]+) s\b", line)
        },
    }


# --- the server and its clients -----------------------------------------------------------------------
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


def _streamer(address: str, records: list[dict[str, str]], queue: Any) -> None:
    with grpc.insecure_channel(address) as channel:
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
        stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
        answered = sum(
            1 for _ in stub.MatchStream(pb.MatchRequest(record=pb.SourceRecord(**r)) for r in records)
        )
    queue.put([answered])


def _drive(
    target: Any, address: str, shares: list[list[dict[str, str]]], *extra: str
) -> tuple[float, list[Any]]:
    """Run one client process per share at once; (seconds, what each put in the queue)."""
    queue: Any = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=target, args=(address, *extra, s, queue)) for s in shares]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    seconds = time.perf_counter() - started
    for p in procs:
        p.join()
    return seconds, results


def unary(address: str, kind: str, records: list[dict[str, str]], clients: int) -> dict[str, float]:
    seconds, results = _drive(_client, address, [records[i::clients] for i in range(clients)], kind)
    latencies = [lat for result in results for lat in result]
    return {
        "clients": clients,
        "calls": len(latencies),
        "per_second": len(latencies) / seconds,
        **percentiles(latencies),
    }


def stream(address: str, records: list[dict[str, str]], clients: int) -> dict[str, float]:
    seconds, results = _drive(_streamer, address, [records[i::clients] for i in range(clients)])
    answered = sum(r[0] for r in results)
    return {"clients": clients, "records": answered, "per_second": answered / seconds}


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _server_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(c) for c in children] or [parent]


def read_into_page_cache(store: Path) -> float:
    """Read the store's files once, as a server that has run for a while has them; seconds taken."""
    started = time.perf_counter()
    for path in (store, Path(f"{store}-wal")):
        if path.exists():
            with path.open("rb") as handle:
                while handle.read(1 << 24):
                    pass
    return time.perf_counter() - started


def serve_and_measure(url: str, held_out: list[dict[str, str]], n: int, processes: int) -> dict[str, Any]:
    env = {**os.environ, "MPI_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "mpi.cli", "serve", "--port", "0", "--no-auth", "--processes", str(processes)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    serving = (json.loads(line) for line in server.stderr if line.startswith("{"))
    address = next(e["address"] for e in serving if e.get("message") == "serving")
    for _ in range(processes - 1):
        next(e for e in serving if e.get("message") == "serving")
    threading.Thread(target=lambda: all(True for _ in serving), daemon=True).start()
    results: dict[str, Any] = {"processes": processes}
    try:
        results["echo_1"] = unary(address, "echo", held_out[:n], 1)
        results["echo_4"] = unary(address, "echo", held_out[:n], 4)
        results["match_1"] = unary(address, "match", held_out[:n], 1)
        results["match_4"] = unary(address, "match", held_out[n : 2 * n], 4)
        # The kernel spreads connections over the processes by a hash: with one stream per process, half
        # the runs put both on one process (measured 390 against 720 records/s at 20,000 persons).
        # Four per process make that rare.
        results["stream"] = stream(address, held_out[2 * n : 3 * n], STREAMS_PER_PROCESS * processes)
        results["match_vs_echo_1"] = results["match_1"]["per_second"] / results["echo_1"]["per_second"]
        results["match_vs_echo_4"] = results["match_4"]["per_second"] / results["echo_4"]["per_second"]
        results["server_peak_rss_mb"] = [_peak_rss_mb(pid) for pid in _server_pids(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return results


# --- Splink, in a process of its own ------------------------------------------------------------------
def _splink(index: Population, new_records: Population, queue: Any) -> None:
    started = time.perf_counter()
    frame = splink_frame(index)
    linker = splink_linker(frame, SCALE_BLOCKING, SCALE_EM)
    out: dict[str, Any] = {"train_seconds": time.perf_counter() - started}
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.99)
    out["dedupe_clusters"] = len(set(clusters.as_pandas_dataframe()["cluster_id"]))
    out["dedupe_seconds"] = time.perf_counter() - started
    out["dedupe_with_training_seconds"] = out["dedupe_seconds"] + out["train_seconds"]
    out["peak_rss_mb_after_dedupe"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # One new record against the table: Splink's incremental path, term frequencies computed once.
    db_api = linker._db_api
    existing = db_api.register(frame)
    for column in ("given", "family"):
        linker.table_management.compute_tf_table(column)
    latencies = []
    for row in splink_frame(new_records).to_dict("records"):
        started = time.perf_counter()
        new = db_api.register(type(frame)([row]))
        linker.inference.predict_between(existing, new, threshold_match_probability=0.2).as_pandas_dataframe()
        latencies.append(time.perf_counter() - started)
    out["predict_between"] = {"records": len(latencies), "table_rows": len(frame), **percentiles(latencies)}
    queue.put(out)


def splink(index: Population, new_records: Population) -> dict[str, Any]:
    queue: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_splink, args=(index, new_records, queue))
    proc.start()
    while True:
        try:
            result: dict[str, Any] = queue.get(timeout=5)
            break
        except Empty:
            if not proc.is_alive():  # killed (out of memory) or failed: say so, keep the rest
                return {"error": f"the Splink process ended without a result (exit code {proc.exitcode})"}
    proc.join()
    return result


# --- the plot -----------------------------------------------------------------------------------------
def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    server = results["server"]
    fig, (rate, latency) = plt.subplots(1, 2, figsize=(12, 4.5))
    names = [
        "echo, 1 client",
        "Match, 1 client",
        "echo, 4 clients",
        "Match, 4 clients",
        f"MatchStream, {server['stream']['clients']} streams",
    ]
    values = [server[k]["per_second"] for k in ("echo_1", "match_1", "echo_4", "match_4", "stream")]
    rate.bar(names, values, color=["#bbb", "#1f77b4", "#bbb", "#1f77b4", "#2ca02c"])
    rate.set(ylabel="calls or records per second", title=f"gRPC on loopback, {server['processes']} processes")
    rate.tick_params(axis="x", labelrotation=20)
    bars = {"mpi Match": server["match_1"]}
    if "predict_between" in results.get("splink", {}):
        bars["Splink predict_between"] = results["splink"]["predict_between"]
    for i, (name, figures) in enumerate(bars.items()):
        latency.bar([f"{name}\np50", f"{name}\np99"], [figures["p50_ms"], figures["p99_ms"]], color=f"C{i}")
    latency.set(
        yscale="log",
        ylabel="ms per record (log)",
        title=f"one new record against {results['index']['records']:,} records",
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--skip-server", action="store_true", help="the bulk load and Splink only (no plot)")
    parser.add_argument(
        "--index-db",
        type=Path,
        help="serve this store, loaded by an earlier run with the same --persons (its bulk figures are in "
        "that run's JSON); the held-out records are sent again under new record ids, as second checkups",
    )
    parser.add_argument(
        "--postgres",
        metavar="CONNINFO",
        help="load and serve a database of its own on this PostgreSQL server, dropped at the end, instead "
        "of a SQLite store (e.g. 'host=127.0.0.1 user=postgres dbname=test')",
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    if args.postgres and args.index_db:
        parser.error("--postgres loads a database of its own: it does not take --index-db")
    folder = Path(tempfile.mkdtemp())
    if args.postgres:
        with database_of_its_own(args.postgres, "mpi_throughput_") as url:
            run(args, folder, url)
    else:
        run(args, folder, f"sqlite:///{folder}/throughput.sqlite3")


def run(args: argparse.Namespace, folder: Path, url: str) -> None:
    population = make_population(args.persons, seed=SEED)
    n = args.requests
    held_out, index = population.records[: 3 * n], population.records[3 * n :]
    results: dict[str, Any] = {
        "command": f"python -m benchmarks.throughput --persons {args.persons} --requests {n} "
        f"--processes {args.processes}",
        "store": url.split(":", 1)[0].split("+", 1)[0],
        "cpus": os.cpu_count(),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
    }
    if args.index_db is None:
        results["index"] = bulk_load(index, folder, url)
    else:
        url = f"sqlite:///{args.index_db.resolve()}"
        held_out = [r | {"source_record_id": r["source_record_id"] + "-again"} for r in held_out]
        results["index"] = {"records": len(index), "store": str(args.index_db), "loaded_by": "an earlier run"}
        results["command"] += f" --index-db {args.index_db}"
    print(json.dumps(results["index"]), flush=True)
    results["command"] += " --skip-splink" * args.skip_splink + " --skip-server" * args.skip_server
    results["command"] += " --postgres CONNINFO" * bool(args.postgres)
    if not args.skip_server:
        if url.startswith("sqlite:///"):
            results["store_read_seconds"] = read_into_page_cache(Path(url.removeprefix("sqlite:///")))
        results["server"] = serve_and_measure(url, held_out, n, args.processes)
        print(json.dumps(results["server"]), flush=True)
    if not args.skip_splink:
        try:
            results["splink"] = splink(
                Population(population.persons, index, population.truth[3 * n :]),
                Population(population.persons, held_out[:SPLINK_SINGLE_RECORDS], []),
            )
            if "seconds" in results["index"] and "dedupe_seconds" in results["splink"]:  # both ran here
                results["bulk_vs_splink_dedupe"] = (
                    results["index"]["seconds"] / results["splink"]["dedupe_seconds"]
                )
        except ImportError as error:
            results["splink"] = {"error": f"not installed: {error}"}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "throughput.json").write_text(json.dumps(results, indent=1))
    if "server" in results:
        plot(results, args.out / "throughput.png")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
