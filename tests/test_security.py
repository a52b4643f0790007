"""Authentication and roles, TLS and mutual TLS, read auditing, and logs without personal data."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import trustme
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import select

from mpi.api.auth import new_token, token_line
from mpi.api.server import ConfigError, RunningServer, create_server
from mpi.config import Config
from mpi.logs import JsonFormatter
from mpi.store.database import Database
from mpi.store.models import AuditEvent
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc

TOKENS = {role: new_token() for role in ("ingest", "read", "review", "admin")}


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    lines = ["# name roles sha256"] + [token_line(f"{role}-client", [role], t) for role, t in TOKENS.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def secured(sqlite_url: str, tokens_file: Path) -> Iterator[tuple[RunningServer, grpc.Channel]]:
    running = create_server(Config(database_url=sqlite_url, port=0, auth_tokens_file=str(tokens_file)))
    running.server.start()
    with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
        yield running, channel
    running.stop(grace=1)


def bearer(role: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {TOKENS[role]}")]


RECORD = pb.SourceRecord(
    source="01001",
    source_record_id="S1",
    full_name="Nguyễn Thị Bích Ngọc",
    birth_date="1988-08-08",
    sex="2",
    national_id="001188012345",
    phone="0912888999",
    address="12 Lê Lợi, Hà Nội",
)


def test_tokens_and_roles(secured, sqlite_url: str) -> None:
    _, channel = secured
    stub = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel)
    for metadata in ([], [("authorization", "Bearer not-a-token")], [("authorization", TOKENS["admin"])]):
        with pytest.raises(grpc.RpcError) as denied:
            stub.Match(pb.MatchRequest(record=RECORD), metadata=metadata)
        assert denied.value.code() == grpc.StatusCode.UNAUTHENTICATED
    reply = stub.Match(
        pb.MatchRequest(record=RECORD), metadata=[*bearer("ingest"), ("x-mpi-actor", "someone-else")]
    )
    with pytest.raises(grpc.RpcError) as wrong_role:
        stub.GetPerson(pb.GetPersonRequest(person_id=reply.person_id), metadata=bearer("ingest"))
    assert wrong_role.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as stream_denied:
        list(stub.MatchStream(iter([pb.MatchRequest(record=RECORD)]), metadata=bearer("read")))
    assert stream_denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as review_denied:
        stub.ListReviewTasks(pb.ListReviewTasksRequest(), metadata=bearer("read"))
    assert review_denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert stub.GetPerson(
        pb.GetPersonRequest(person_id=reply.person_id), metadata=bearer("read")
    ).person.person_id
    assert stub.ListReviewTasks(pb.ListReviewTasksRequest(), metadata=bearer("review")) is not None
    assert stub.GetRecord(
        pb.GetRecordRequest(source="01001", source_record_id="S1"), metadata=bearer("admin")
    )
    # Health and reflection need no token.
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert health.status == health_pb2.HealthCheckResponse.SERVING

    # The audit trail names the token, not what the caller claims; reads are audited.
    db = Database(sqlite_url)
    with db.read() as session:
        events = session.scalars(select(AuditEvent)).all()
    assert {e.actor for e in events if e.action == "link.created"} == {"ingest-client"}
    assert {(e.actor, e.action) for e in events} >= {
        ("read-client", "person.read"),
        ("admin-client", "record.read"),
    }
    db.dispose()


def test_no_tokens_means_no_start_unless_auth_is_off(sqlite_url: str, tmp_path: Path, caplog) -> None:
    with pytest.raises(ConfigError, match="no bearer tokens configured"):
        create_server(Config(database_url=sqlite_url, port=0))
    bad = tmp_path / "bad-tokens"
    bad.write_text("alice ingest deadbeef\n")
    with pytest.raises(ConfigError, match="bad-tokens:1"):
        create_server(Config(database_url=sqlite_url, port=0, auth_tokens_file=str(bad)))
    with caplog.at_level(logging.WARNING):
        running = create_server(Config(database_url=sqlite_url, port=0, no_auth=True))
    running.stop(grace=0)
    assert any("AUTHENTICATION IS OFF" in r.getMessage() for r in caplog.records)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_server(sqlite_url: str, tmp_path: Path, ca: trustme.CA, *, mutual: bool) -> RunningServer:
    cert = ca.issue_cert("localhost", "127.0.0.1")
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    key.write_bytes(cert.private_key_pem.bytes())
    client_ca = None
    if mutual:
        client_ca = tmp_path / "client-ca.pem"
        client_ca.write_bytes(ca.cert_pem.bytes())
    config = Config(
        database_url=sqlite_url,
        port=0,
        no_auth=True,
        tls_cert=str(chain),
        tls_key=str(key),
        client_ca=str(client_ca) if client_ca else None,
    )
    running = create_server(config)
    running.server.start()
    return running


def _health(port: int, credentials: grpc.ChannelCredentials) -> int:
    options = (("grpc.ssl_target_name_override", "localhost"),)
    with grpc.secure_channel(f"127.0.0.1:{port}", credentials, options=options) as channel:
        return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5).status


def test_tls(sqlite_url: str, tmp_path: Path, ca: trustme.CA) -> None:
    running = _tls_server(sqlite_url, tmp_path, ca, mutual=False)
    try:
        trusted = grpc.ssl_channel_credentials(root_certificates=ca.cert_pem.bytes())
        assert _health(running.port, trusted) == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.RpcError):  # a client that does not trust the CA
            _health(
                running.port, grpc.ssl_channel_credentials(root_certificates=trustme.CA().cert_pem.bytes())
            )
    finally:
        running.stop(grace=0)


def test_mutual_tls(sqlite_url: str, tmp_path: Path, ca: trustme.CA) -> None:
    running = _tls_server(sqlite_url, tmp_path, ca, mutual=True)
    try:
        without = grpc.ssl_channel_credentials(root_certificates=ca.cert_pem.bytes())
        with pytest.raises(grpc.RpcError):
            _health(running.port, without)
        client = ca.issue_cert("his-gateway-01001")
        with_cert = grpc.ssl_channel_credentials(
            root_certificates=ca.cert_pem.bytes(),
            private_key=client.private_key_pem.bytes(),
            certificate_chain=b"".join(blob.bytes() for blob in client.cert_chain_pems),
        )
        assert _health(running.port, with_cert) == health_pb2.HealthCheckResponse.SERVING
    finally:
        running.stop(grace=0)


def test_no_personal_data_in_any_log(stub, server, caplog) -> None:
    """Every RPC driven with known values; every captured log line searched for them."""
    secrets_ = [
        "Nguyễn Thị Bích Ngọc",
        "NGUYEN THI BICH NGOC",
        "001188012345",
        "0912888999",
        "1988-08-08",
        "Lê Lợi",
        "Le Loi",
    ]
    caplog.set_level(logging.DEBUG)
    reply = stub.Match(pb.MatchRequest(record=RECORD))
    variant = pb.SourceRecord()
    variant.CopyFrom(RECORD)
    variant.source_record_id, variant.full_name, variant.national_id = "S2", "NGUYEN THI BICH NGOC", ""
    list(stub.MatchStream(iter([pb.MatchRequest(record=variant)])))
    stub.GetPerson(pb.GetPersonRequest(person_id=reply.person_id))
    stub.GetRecord(pb.GetRecordRequest(source="01001", source_record_id="S1"))
    stub.GetPersonHistory(pb.GetPersonHistoryRequest(person_id=reply.person_id))
    stub.ListReviewTasks(pb.ListReviewTasksRequest())
    bad = pb.SourceRecord()
    bad.CopyFrom(RECORD)
    bad.source_record_id, bad.birth_date = "S3", "31/02/1988"
    with pytest.raises(grpc.RpcError):
        stub.Match(pb.MatchRequest(record=bad))
    for call in (
        lambda: stub.GetReviewTask(pb.GetReviewTaskRequest(task_id="nope")),
        lambda: stub.UnlinkRecord(
            pb.UnlinkRecordRequest(
                record=pb.RecordKey(source="01001", source_record_id="S1"), reason="0912888999 is not his"
            )
        ),
    ):
        with contextlib.suppress(grpc.RpcError):
            call()
    formatter = JsonFormatter()
    text = "\n".join(formatter.format(r) for r in caplog.records)
    assert (
        '"method": "Match"' in text and '"method": "MatchStream"' in text and '"method": "GetPerson"' in text
    )
    for secret in secrets_:
        assert secret not in text, secret
    assert all(json.loads(line) for line in text.splitlines())
