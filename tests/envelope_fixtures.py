"""Synthetic 4750 claim envelopes (GIAMDINHHS), checkup-feed envelopes (KHAMSUCKHOE) and GKSK health
certificates, for the intake tests. Made from the synthetic population: no real patient data.

    python -m tests.envelope_fixtures OUT_DIR     # writes claims.xml, checkups.xml, certificates.json
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.synthetic import Person, make_persons
from matching.text import fold

FACILITY = "01001"


def table(root: str, fields: dict[str, str]) -> bytes:
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="utf-8"?><{root}>{body}</{root}>'.encode()


def hoso(*files: tuple[str, bytes | str]) -> str:
    """Each file: (LOAIHOSO, table bytes, Base64-encoded here; or a str put in NOIDUNGFILE as it is)."""
    parts = []
    for kind, content in files:
        encoded = content if isinstance(content, str) else base64.b64encode(content).decode()
        parts.append(f"<FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO><NOIDUNGFILE>{encoded}</NOIDUNGFILE></FILEHOSO>")
    return f"<HOSO>{''.join(parts)}</HOSO>"


def envelope(root: str, hosos: list[str], facility: str = FACILITY) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<{root} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<THONGTINDONVI><MACSKCB>{facility}</MACSKCB></THONGTINDONVI>"
        f"<THONGTINHOSO><NGAYLAP>20261201</NGAYLAP><SOLUONGHOSO>{len(hosos)}</SOLUONGHOSO>"
        f"<DANHSACHHOSO>{''.join(hosos)}</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></{root}>"
    ).encode()


def claim_identity(person: Person, index: int, *, year_only: bool = False, cards: int = 1) -> dict[str, str]:
    """XML1 (TONG_HOP) as clinics send it: upper case without diacritics, 4750 dates."""
    born = person.birth_date
    card_numbers = [f"{code}4{person.province_code}{index:010d}" for code in ("DN", "HT", "GD")[:cards]]
    return {
        "MA_LK": f"LK{index:06d}",
        "STT": "1",
        "MA_BN": f"BN{index:06d}",
        "HO_TEN": fold(person.full_name).upper(),
        "SO_CCCD": person.national_id if index % 2 == 0 else "",
        "NGAY_SINH": f"{born.year}00000000" if year_only else born.strftime("%Y%m%d") + "0000",
        "GIOI_TINH": "1" if person.sex == "male" else "2",
        "MA_THE_BHYT": ";".join(card_numbers),
        "DIEN_THOAI": person.phone,
        "DIA_CHI": person.address,
        "MATINH_CU_TRU": person.province_code,
        "MAXA_CU_TRU": "",
        "MA_CSKCB": FACILITY,
    }


def claims_file(count: int = 6) -> tuple[bytes, list[Person]]:
    """`count` good claims (one year-only, one with two cards) and three broken ones after them:
    bad Base64, invalid inner XML, and an XML1 without HO_TEN."""
    persons = make_persons(count, seed=77)
    good = [
        hoso(
            ("XML1", table("TONG_HOP", claim_identity(p, i, year_only=(i == 1), cards=2 if i == 2 else 1))),
            ("XML2", table("CHI_TIET_THUOC", {"MA_LK": f"LK{i:06d}", "MA_THUOC": "40.17"})),
        )
        for i, p in enumerate(persons)
    ]
    missing_name = claim_identity(persons[0], 900)
    del missing_name["HO_TEN"]
    broken = [
        hoso(("XML1", "@@not-base64@@")),
        hoso(("XML1", b"<TONG_HOP><MA_BN>1</MA_BN><HO_TEN>unclosed</TONG_HOP>")),
        hoso(("XML1", table("TONG_HOP", missing_name))),
    ]
    return envelope("GIAMDINHHS", good + broken), persons


def checkup_file(count: int = 4) -> tuple[bytes, list[Person]]:
    """The checkup feed: identity in XML1 (no MA_BN), the visit key and facility in XML2."""
    persons = make_persons(count, seed=78)
    hosos = []
    for i, p in enumerate(persons):
        identity = {
            "HO_TEN": p.full_name.upper(),
            "GIOI_TINH": "1" if p.sex == "male" else "2",
            "NGAY_SINH": p.birth_date.strftime("%Y%m%d"),
            "SO_CCCD": p.national_id,
            "DIA_CHI": p.address,
            "MATINH_CU_TRU": p.province_code,
            "DIEN_THOAI": p.phone,
        }
        visit = {"MA_LK": f"KSK{i:05d}", "MA_CSKCB": "79123", "NGAY_VAO": "202611150800"}
        hosos.append(
            hoso(("XML1", table("THONG_TIN_HANH_CHINH", identity)), ("XML2", table("THONG_TIN_KHAM", visit)))
        )
    return envelope("KHAMSUCKHOE", hosos, facility="79123"), persons


def certificates(count: int = 3) -> tuple[list[dict[str, str]], list[Person]]:
    persons = make_persons(count, seed=79)
    return [
        {
            "SO": f"{i + 1:05d}/GKSKLX/34001/26",
            "HOTEN": p.full_name,
            "GIOITINHVAL": "0" if p.sex == "male" else "1",
            "NGAYSINH": p.birth_date.strftime("%d/%m/%Y"),
            "DIACHITHUONGTRU": p.address,
            "MATINH_THUONGTRU": "93931",
            "SOCMND_PASSPORT": p.national_id,
            "IDBENHVIEN": "34001",
            "STATE": "ADD",
        }
        for i, p in enumerate(persons)
    ], persons


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "claims.xml").write_bytes(claims_file()[0])
    (out / "checkups.xml").write_bytes(checkup_file()[0])
    (out / "certificates.json").write_text(
        json.dumps(certificates()[0], ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
