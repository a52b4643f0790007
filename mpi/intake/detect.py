"""Choosing the adapter for a file: from its content, or as the caller says (`--format`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from matching import RECORD_FIELDS
from mpi.intake.certificates import read_certificates
from mpi.intake.csv_rows import open_text, read_csv
from mpi.intake.envelopes import ENVELOPES, read_envelope
from mpi.intake.items import IntakeFormatError, IntakeItem

FORMATS = ("auto", "csv", "giamdinhhs", "khamsuckhoe", "gksk")
REQUIRED_CSV = ("source", "source_record_id", "full_name")


def detect_format(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        with path.open("rb") as handle:
            try:
                _, root = next(ET.iterparse(handle, events=("start",)))
            except (ET.ParseError, StopIteration) as error:
                raise IntakeFormatError(f"looks like XML but is not well-formed: {error}") from error
        name = root.tag.rsplit("}", 1)[-1]
        if name not in ENVELOPES:
            raise IntakeFormatError(f"XML with root {name}: expected {' or '.join(ENVELOPES)}")
        return name.lower()
    if head.startswith((b"{", b"[")):
        return "gksk"
    return "csv"


@contextmanager
def open_records(
    path: Path, fmt: str = "auto"
) -> Iterator[tuple[str, Iterator[IntakeItem], tuple[str, ...]]]:
    """(format, items, ignored CSV columns) for the file, the file kept open while items are read."""
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "csv":
        with open_text(path) as handle:
            data = read_csv(handle, known=RECORD_FIELDS, required=REQUIRED_CSV)
            yield fmt, data.rows, data.ignored_columns
    elif fmt in ("giamdinhhs", "khamsuckhoe"):
        with path.open("rb") as handle:
            yield fmt, read_envelope(handle), ()
    elif fmt == "gksk":
        with path.open("r", encoding="utf-8-sig") as handle:
            yield fmt, read_certificates(handle), ()
    else:
        raise IntakeFormatError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
