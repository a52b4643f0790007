"""The Prometheus endpoint: RPCs by method and code, latency, decisions, candidates, the review queue."""

from __future__ import annotations

import urllib.request

import grpc
import pytest

from mpi.api.server import create_server
from mpi.config import Config
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc


def test_metrics_endpoint(sqlite_url: str) -> None:
    running = create_server(Config(database_url=sqlite_url, port=0, no_auth=True, metrics_port=0))
    running.server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
            record = pb.SourceRecord(
                source="01001", source_record_id="M1", full_name="Nguyễn Văn Nam", birth_date="1970"
            )
            stub.Match(pb.MatchRequest(record=record))
            stub.Match(pb.MatchRequest(record=record))
            near = pb.SourceRecord(
                source="ksk", source_record_id="M2", full_name="NGUYEN VAN NAM", birth_date="1970"
            )
            second = stub.Match(pb.MatchRequest(record=near))
            with pytest.raises(grpc.RpcError):
                stub.GetPerson(pb.GetPersonRequest(person_id="nobody"))
        assert running.metrics_port
        url = f"http://127.0.0.1:{running.metrics_port}/metrics"
        text = urllib.request.urlopen(url, timeout=5).read().decode()
    finally:
        running.stop(grace=0)
    assert 'mpi_rpc_requests_total{code="OK",method="Match"} 3.0' in text
    assert 'mpi_rpc_requests_total{code="NOT_FOUND",method="GetPerson"} 1.0' in text
    assert 'mpi_match_decisions_total{decision="new_person"} 1.0' in text
    assert 'mpi_match_decisions_total{decision="unchanged"} 1.0' in text
    assert 'mpi_rpc_latency_seconds_count{method="Match"} 3.0' in text
    assert "mpi_match_candidates_count 2.0" in text
    assert second.decision == pb.DECISION_REVIEW
    assert 'mpi_review_queue_size{type="possible_match"} 1.0' in text
    assert "Nguy" not in text and "NGUY" not in text
