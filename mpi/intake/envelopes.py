"""The Ministry's XML envelopes: 4750 claim files (GIAMDINHHS) and the periodic-checkup feed (KHAMSUCKHOE).

Both wrap each visit in a HOSO whose FILEHOSO entries carry tables as Base64 of UTF-8 XML, LOAIHOSO
naming the table (shared/domain/vn_identity_facts.md §1.2, §1.6):

    <GIAMDINHHS> <THONGTINDONVI><MACSKCB>…</MACSKCB></THONGTINDONVI>
      <THONGTINHOSO> … <DANHSACHHOSO> <HOSO> <FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>base64…

The claim's XML1 (TONG_HOP) holds the patient: MA_LK (visit), MA_BN (the facility's patient key),
HO_TEN, SO_CCCD (a CCCD, CMND, passport or VNeID code), NGAY_SINH (yyyymmddHHMM, 0000 unknown),
GIOI_TINH (1/2/3), MA_THE_BHYT (`;` list), DIEN_THOAI, DIA_CHI, MATINH_CU_TRU, MAXA_CU_TRU, MA_CSKCB.
The checkup feed's XML1 (administrative information) holds the same identity fields; its XML2 holds the
visit key MA_LK and the facility MA_CSKCB.

The envelope is read with iterparse and each HOSO dropped once read, so memory stays flat however large
the file. A HOSO that cannot be read is reported with its position and skipped.
"""

from __future__ import annotations

import base64
import binascii
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

from mpi.intake.items import IntakeFormatError, IntakeItem

ENVELOPES = ("GIAMDINHHS", "KHAMSUCKHOE")
# XML1 tag → record field.
IDENTITY_FIELDS = {
    "HO_TEN": "full_name",
    "SO_CCCD": "national_id",
    "NGAY_SINH": "birth_date",
    "GIOI_TINH": "sex",
    "MA_THE_BHYT": "insurance_number",
    "DIEN_THOAI": "phone",
    "DIA_CHI": "address",
    "MATINH_CU_TRU": "province_code",
    "MAXA_CU_TRU": "commune_code",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def read_envelope(handle: BinaryIO) -> Iterator[IntakeItem]:
    """Source records of a GIAMDINHHS or KHAMSUCKHOE file, one per HOSO, in file order."""
    facility = ""
    position = 0
    events = ET.iterparse(handle, events=("start", "end"))
    try:
        _, root = next(events)
        if _local(root.tag) not in ENVELOPES:
            raise IntakeFormatError(f"the XML root is {_local(root.tag)}, not one of {', '.join(ENVELOPES)}")
        for event, element in events:
            name = _local(element.tag)
            if event == "end" and name == "MACSKCB" and not facility:
                facility = _text(element)
            elif event == "end" and name == "HOSO":
                position += 1
                yield _read_hoso(element, position, facility)
                root.clear()  # constant memory: the HOSO read is dropped
    except ET.ParseError as error:
        if position == 0 and not facility:
            raise IntakeFormatError(f"not well-formed XML: {error}") from error
        yield IntakeItem(f"HOSO {position + 1}", None, f"the envelope breaks off: {error}")


def _decode_table(file_element: ET.Element) -> tuple[str, ET.Element]:
    kind = _text(_find(file_element, "LOAIHOSO")).upper()
    content = _text(_find(file_element, "NOIDUNGFILE"))
    try:
        raw = base64.b64decode("".join(content.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"{kind or 'a table'}: NOIDUNGFILE is not valid Base64") from error
    try:
        return kind, ET.fromstring(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{kind}: the decoded table is not UTF-8") from error
    except ET.ParseError as error:
        raise ValueError(f"{kind}: the decoded table is not well-formed XML ({error})") from error


def _read_hoso(hoso: ET.Element, position: int, facility: str) -> IntakeItem:
    where = f"HOSO {position}"
    tables: dict[str, ET.Element] = {}
    try:
        for file_element in (e for e in hoso if _local(e.tag) == "FILEHOSO"):
            kind = _text(_find(file_element, "LOAIHOSO")).upper()
            if kind in ("XML1", "XML2"):  # the only tables with identity; the rest are not decoded
                tables[kind] = _decode_table(file_element)[1]
    except ValueError as error:
        return IntakeItem(where, None, str(error))
    identity = tables.get("XML1")
    if identity is None:
        return IntakeItem(where, None, "no XML1 table (the patient's identity)")
    visit = tables.get("XML2")
    values = {field: _text(_find(identity, tag)) for tag, field in IDENTITY_FIELDS.items()}
    visit_key = _text(_find(identity, "MA_LK")) or (_text(_find(visit, "MA_LK")) if visit is not None else "")
    source = _text(_find(identity, "MA_CSKCB")) or (
        _text(_find(visit, "MA_CSKCB")) if visit is not None else ""
    )
    values["source"] = source or facility
    # The claim's own patient key; the checkup feed has none, so its visit key stands for the record.
    values["source_record_id"] = _text(_find(identity, "MA_BN")) or visit_key
    missing = [
        name
        for name, value in (
            ("MA_BN or MA_LK", values["source_record_id"]),
            ("MA_CSKCB or MACSKCB", values["source"]),
            ("HO_TEN", values["full_name"]),
        )
        if not value
    ]
    if missing:
        return IntakeItem(
            where, None, f"XML1: required field missing: {', '.join(missing)}", visit_key or None
        )
    return IntakeItem(where, values, visit_key=visit_key or None)
