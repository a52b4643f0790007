"""`mpi serve` as a real process: it serves, answers health checks, and drains on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc


def _wait_for_address(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    """The address of the next "serving" line. A server silent past `timeout` is killed, which ends the
    pipe: a wait on readline alone would hang the suite instead of failing it."""
    assert proc.stderr is not None
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        for line in proc.stderr:
            entry = json.loads(line)
            if entry.get("message") == "serving":
                return entry["address"]
    finally:
        watchdog.cancel()
    raise AssertionError(f"the server did not report its address within {timeout} s")


def test_serve_then_sigterm_drains_and_exits_cleanly(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MPI_DATABASE_URL": f"sqlite:///{tmp_path / 'mpi.sqlite3'}",
        "MPI_GRACE_SECONDS": "5",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "mpi.cli", "serve", "--port", "0", "--no-auth"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = _wait_for_address(proc)
        with grpc.insecure_channel(address) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            assert (
                health.Check(health_pb2.HealthCheckRequest()).status == health_pb2.HealthCheckResponse.SERVING
            )
            stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
            reply = stub.Match(
                pb.MatchRequest(
                    record=pb.SourceRecord(source="01001", source_record_id="1", full_name="Lê Văn Tám")
                )
            )
            assert reply.decision == pb.DECISION_NEW_PERSON
        proc.send_signal(signal.SIGTERM)
        # Read stderr while waiting: a server blocked on a full pipe would look like one that hangs.
        _, rest = proc.communicate(timeout=20)
        assert proc.returncode == 0
        messages = [json.loads(line)["message"] for line in rest.splitlines() if line.startswith("{")]
        assert "draining" in messages and messages[-1] == "stopped"
        assert "Lê Văn Tám" not in rest and "Le Van Tam" not in rest
    finally:
        if proc.poll() is None:
            proc.kill()


def test_processes_share_the_port_and_one_store(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MPI_DATABASE_URL": f"sqlite:///{tmp_path / 'mpi.sqlite3'}",
        "MPI_GRACE_SECONDS": "5",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "mpi.cli", "serve", "--port", "0", "--no-auth", "--processes", "2"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        addresses = {_wait_for_address(proc), _wait_for_address(proc)}  # one "serving" per process
        assert len(addresses) == 1
        address = addresses.pop()
        decisions = []
        for i in range(8):  # a channel each: new connections, spread by the kernel over the processes
            with grpc.insecure_channel(address) as channel:
                stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
                record = pb.SourceRecord(
                    source=f"0100{i % 2}",
                    source_record_id=str(i),
                    full_name="Lê Văn Tám",
                    birth_date="1990-04-30",
                    sex="male",
                    national_id="001090012345",
                )
                decisions.append(stub.Match(pb.MatchRequest(record=record)))
        assert len({d.person_id for d in decisions}) == 1  # one human, one person, whichever process
        assert [d.decision for d in decisions].count(pb.DECISION_NEW_PERSON) == 1
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=30)
        assert proc.returncode == 0
        entries = [json.loads(line) for line in rest.splitlines() if line.startswith("{")]
        assert [e["message"] for e in entries].count("stopped") == 2
        # each forked process writes its own request log
        assert sum(e["message"] == "rpc" and e["method"] == "Match" for e in entries) == 8
    finally:
        if proc.poll() is None:
            proc.kill()
