"""The Ministry's XML envelopes and the health-certificate JSON, read and ingested."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mpi.cli import main
from mpi.intake.certificates import read_certificates
from mpi.intake.detect import detect_format
from mpi.intake.envelopes import read_envelope
from mpi.intake.items import IntakeFormatError
from tests.envelope_fixtures import certificates, checkup_file, claims_file, envelope, hoso, table
from tests.test_cli import read_csv


def test_claim_envelope_maps_xml1_to_source_records() -> None:
    content, persons = claims_file(6)
    items = list(read_envelope(io.BytesIO(content)))
    assert len(items) == 9
    good = [i for i in items if i.values is not None]
    assert len(good) == 6
    first = good[0].values
    assert first is not None
    assert (first["source"], first["source_record_id"], good[0].visit_key) == (
        "01001",
        "BN000000",
        "LK000000",
    )
    assert first["full_name"] == first["full_name"].upper() and first["national_id"] == persons[0].national_id
    assert good[1].values and good[1].values["birth_date"].endswith("00000000")  # year only
    assert good[2].values and good[2].values["insurance_number"].count(";") == 1  # two cards


def test_broken_hoso_are_reported_with_position_and_reason() -> None:
    content, _ = claims_file(6)
    broken = [i for i in read_envelope(io.BytesIO(content)) if i.values is None]
    assert [i.position for i in broken] == ["HOSO 7", "HOSO 8", "HOSO 9"]
    assert "not valid Base64" in (broken[0].problem or "")
    assert "not well-formed XML" in (broken[1].problem or "")
    assert "required field missing: HO_TEN" in (broken[2].problem or "")


def test_checkup_envelope_takes_visit_key_and_facility_from_xml2() -> None:
    content, persons = checkup_file(4)
    items = list(read_envelope(io.BytesIO(content)))
    assert [i.values["source"] for i in items if i.values] == ["79123"] * 4
    assert [i.values["source_record_id"] for i in items if i.values] == [f"KSK{n:05d}" for n in range(4)]
    assert items[0].values and items[0].values["national_id"] == persons[0].national_id


def test_the_envelope_is_read_as_a_stream() -> None:
    # Items come out before the parser reaches the end: a file cut off after two HOSO still yields them.
    content, _ = claims_file(3)
    cut = content[: content.index(b"<HOSO>", content.index(b"</HOSO>") + 1) + 20]
    items = list(read_envelope(io.BytesIO(cut)))
    assert [i.position for i in items[:1]] == ["HOSO 1"] and items[0].values is not None
    assert items[-1].values is None and "breaks off" in (items[-1].problem or "")


def test_certificates_use_the_opposite_sex_coding() -> None:
    objects, persons = certificates(3)
    items = list(read_certificates(io.StringIO(json.dumps(objects))))
    sexes = [i.values["sex"] for i in items if i.values]
    assert sexes == [p.sex for p in persons]
    assert all(i.values and i.values["province_code"] == "" for i in items)  # "93931" is not a province code
    lines = "\n".join(json.dumps(o) for o in objects) + "\n{not json}\n"
    streamed = list(read_certificates(io.StringIO(lines)))
    assert [i.position for i in streamed] == ["line 1", "line 2", "line 3", "line 4"]
    assert streamed[-1].values is None


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (b"source,source_record_id,full_name\n", "csv"),
        (b"\xef\xbb\xbf<GIAMDINHHS/>", "giamdinhhs"),
        (b"<KHAMSUCKHOE></KHAMSUCKHOE>", "khamsuckhoe"),
        (b'[{"SO": "1"}]', "gksk"),
    ],
)
def test_the_format_is_chosen_from_the_content(tmp_path: Path, content: bytes, fmt: str) -> None:
    path = tmp_path / "file"
    path.write_bytes(content)
    assert detect_format(path) == fmt


def test_other_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_bytes(b"<OTHER/>")
    with pytest.raises(IntakeFormatError, match="expected GIAMDINHHS or KHAMSUCKHOE"):
        detect_format(path)


def test_ingest_claims_checkups_and_certificates(tmp_path: Path, db_url: str, capsys) -> None:
    claims = tmp_path / "claims.xml"
    claims.write_bytes(claims_file(6)[0])
    assert main(["ingest", str(claims), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "ingest (giamdinhhs): 9 rows read" in out and "3 rejected" in out
    assert (
        "HOSO 7: record: NOIDUNGFILE" not in out
        and "HOSO 7: record: XML1: NOIDUNGFILE is not valid Base64" in out
    )

    checkups = tmp_path / "checkups.xml"
    checkups.write_bytes(checkup_file(4)[0])
    assert main(["ingest", str(checkups), "--db", db_url]) == 0
    assert "ingest (khamsuckhoe): 4 rows read" in capsys.readouterr().out

    certs = tmp_path / "certificates.json"
    certs.write_text(json.dumps(certificates(3)[0], ensure_ascii=False), encoding="utf-8")
    assert main(["ingest", str(certs), "--db", db_url]) == 0
    assert "ingest (gksk): 3 rows read" in capsys.readouterr().out

    assert main(["export", str(tmp_path / "out.csv"), "--db", db_url]) == 0
    rows = read_csv(tmp_path / "out.csv")
    assert len(rows) == 6 + 4 + 3
    assert {r["source"] for r in rows} == {"01001", "79123", "34001"}


def test_an_envelope_with_no_identity_table_is_reported(tmp_path: Path, sqlite_url: str, capsys) -> None:
    path = tmp_path / "no_xml1.xml"
    path.write_bytes(envelope("GIAMDINHHS", [hoso(("XML2", table("CHI_TIET_THUOC", {"MA_LK": "1"})))]))
    assert main(["ingest", str(path), "--db", sqlite_url]) == 0
    assert "HOSO 1: record: no XML1 table" in capsys.readouterr().out
