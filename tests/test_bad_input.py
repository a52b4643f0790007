"""Arbitrary input thrown at Match and at the file intake: clear errors, never INTERNAL, never a crash,
nothing stored from a rejected record."""

from __future__ import annotations

import io
import json
import string

import grpc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from matching import RECORD_FIELDS
from mpi.intake.certificates import read_certificates
from mpi.intake.csv_rows import read_csv
from mpi.intake.envelopes import read_envelope
from mpi.intake.items import IntakeFormatError
from mpi.store.database import Database
from mpi.store.models import SourceRecordRow
from mpi.v1 import mpi_pb2 as pb

# Protobuf strings are UTF-8: every code point but the surrogates; control characters included.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
HUGE = st.builds(lambda c, n: c * n, st.sampled_from("aẫ0 \x00"), st.integers(200, 5000))
VALUE = st.one_of(TEXT, HUGE, st.sampled_from(["", "1990", "001090012345", "0912345678", "Nam", "01"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.fixed_dictionaries({f: VALUE for f in RECORD_FIELDS if f not in ("source", "source_record_id")}),
    st.sampled_from(["01001", "", "bad source!", "x" * 70]),
    st.text(string.printable, max_size=8),
)
def test_match_never_fails_internally(stub, server_db_url, fields, source, rid) -> None:
    request = pb.MatchRequest(record=pb.SourceRecord(source=source, source_record_id=rid, **fields))
    db = Database(server_db_url)
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(SourceRecordRow))
    try:
        reply = stub.Match(request)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(SourceRecordRow)) == before
    else:
        assert reply.decision != pb.DECISION_UNSPECIFIED
    db.dispose()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_csv_intake_never_crashes(content: str) -> None:
    try:
        data = read_csv(
            io.StringIO("source,source_record_id,full_name\n" + content),
            known=RECORD_FIELDS,
            required=("source", "source_record_id", "full_name"),
        )
        for item in data.rows:
            assert item.values is not None or item.problem
    except IntakeFormatError:
        pass


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=400) | st.builds(lambda t: f"<GIAMDINHHS><HOSO>{t}</HOSO></GIAMDINHHS>".encode(), TEXT)
)
def test_xml_intake_never_crashes(content: bytes) -> None:
    try:
        for item in read_envelope(io.BytesIO(content)):
            assert item.values is not None or item.problem
    except IntakeFormatError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300) | st.builds(json.dumps, st.dictionaries(TEXT, VALUE, max_size=6)))
def test_certificate_intake_never_crashes(content: str) -> None:
    try:
        for item in read_certificates(io.StringIO(content)):
            assert item.values is not None or item.problem
    except IntakeFormatError:
        pass
