"""CSV files (RECORD_SCHEMA.md): a header row, UTF-8 (a BOM is tolerated), these column names in any
order; unknown columns are ignored with a warning, a missing required column stops the file at once."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from mpi.intake.items import IntakeFormatError, IntakeItem


@dataclass(frozen=True, slots=True)
class CsvFile:
    rows: Iterator[IntakeItem]  # positions are "line N", the physical line where the row starts
    ignored_columns: tuple[str, ...]


def read_csv(handle: TextIO, *, known: tuple[str, ...], required: tuple[str, ...]) -> CsvFile:
    reader = csv.DictReader(handle)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except UnicodeDecodeError as exc:
        raise IntakeFormatError("line 1: the file is not UTF-8") from exc
    if not header:
        raise IntakeFormatError("line 1: the file has no header row")
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise IntakeFormatError(f"line 1: required column(s) missing: {', '.join(missing)}")
    ignored = tuple(c for c in header if c not in known)
    return CsvFile(_rows(reader, handle, known), ignored)


def _rows(reader: csv.DictReader[str], handle: TextIO, known: tuple[str, ...]) -> Iterator[IntakeItem]:
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise IntakeFormatError(f"line {start}: not UTF-8") from exc
        except csv.Error as exc:
            raise IntakeFormatError(f"line {start}: {exc}") from exc
        extra = row.pop(None, None)  # type: ignore[call-overload]
        values = {k: (v or "") for k, v in row.items() if k in known}
        if extra:
            yield IntakeItem(f"line {start}", None, "more fields than header columns")
        else:
            yield IntakeItem(f"line {start}", values)
        start = reader.line_num + 1


def open_text(path: Path) -> TextIO:
    # utf-8-sig: spreadsheets save a byte-order mark; newline="" as the csv module asks.
    return path.open("r", encoding="utf-8-sig", newline="")
