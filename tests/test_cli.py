"""The command line on synthetic files: registry import, ingest, export, and bad rows."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from benchmarks.synthetic import make_population, registry_rows
from matching import RECORD_FIELDS
from mpi.cli import main


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] | list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_registry_ingest_export_on_a_few_thousand_records(tmp_path: Path, db_url: str, capsys) -> None:
    population = make_population(1300, seed=3)
    registry = write_csv(
        tmp_path / "registry.csv",
        registry_rows(population.registry),
        ("national_id", "full_name", "birth_date", "sex", "province_code"),
    )
    records = write_csv(tmp_path / "records.csv", population.records, RECORD_FIELDS)
    assert len(population.records) >= 2000

    assert main(["registry", "import", str(registry), "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert f"registry import: {len(population.registry)} rows read, {len(population.registry)} created" in out

    assert main(["ingest", str(records), "--db", db_url]) == 0
    summary = capsys.readouterr().out
    assert f"ingest (csv): {len(population.records)} rows read" in summary and "0 rejected" in summary

    assert main(["export", str(tmp_path / "first.csv"), "--db", db_url]) == 0
    first = read_csv(tmp_path / "first.csv")
    assert len(first) == len(population.records)
    assert {r["status"] for r in first} <= {"linked", "new", "review"}
    assert all(r["person_id"] for r in first if r["status"] != "review")
    assert list(first[0])[:5] == ["source", "source_record_id", "person_id", "national_id", "status"]

    # Records of registry persons mostly learn the right national ID, and none a wrong one.
    truth = {
        (r["source"], r["source_record_id"]): population.persons[t].national_id
        for r, t in zip(population.records, population.truth, strict=True)
    }
    given = [
        (row["national_id"], truth[row["source"], row["source_record_id"]])
        for row in first
        if row["national_id"]
    ]
    wrong = sum(1 for got, right in given if got != right)
    assert len(given) > 0.6 * len(first)
    assert wrong <= 0.005 * len(first)

    # The same ingest again changes nothing.
    assert main(["ingest", str(records), "--db", db_url]) == 0
    assert f"{len(population.records)} unchanged" in capsys.readouterr().out
    assert main(["export", str(tmp_path / "second.csv"), "--db", db_url]) == 0
    assert (tmp_path / "second.csv").read_bytes() == (tmp_path / "first.csv").read_bytes()


def test_bad_rows_are_reported_with_line_numbers_and_skipped(tmp_path: Path, sqlite_url: str, capsys) -> None:
    path = tmp_path / "records.csv"
    path.write_text(
        "source,source_record_id,full_name,birth_date,national_id,favourite_colour\n"
        "01001,A1,Nguyễn Văn An,1990-01-02,,blue\n"
        '01001,A2,Trần Thị Bình,31/02/1990,,"red\nish"\n'  # a quoted newline: A3 starts on line 5
        "01001,A3,Lê Văn Cường,1985,1234567,green\n"
        "01001,A4,Phạm Thị Dung,1970,,\n",
        encoding="utf-8",
    )
    assert main(["ingest", str(path), "--db", sqlite_url]) == 0
    captured = capsys.readouterr()
    assert "unknown columns ignored: favourite_colour" in captured.err
    assert "4 rows read, 0 linked, 2 new person, 0 review, 0 unchanged, 2 rejected" in captured.out
    assert "line 3: birth_date: day does not exist in that month" in captured.out
    assert "line 5: national_id: has 7 digits" in captured.out
    assert "full_name" not in captured.out
    assert main(["export", str(tmp_path / "out.csv"), "--db", sqlite_url]) == 0
    assert [r["source_record_id"] for r in read_csv(tmp_path / "out.csv")] == ["A1", "A4"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("source,full_name\n01001,X\n", "line 1: required column(s) missing: source_record_id"),
        ("", "line 1: the file has no header row"),
    ],
)
def test_unreadable_files_stop_with_a_message(
    tmp_path: Path, sqlite_url: str, capsys, content, message
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    assert main(["ingest", str(path), "--db", sqlite_url]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_file_is_a_clear_error(tmp_path: Path, sqlite_url: str, capsys) -> None:
    assert main(["ingest", str(tmp_path / "nope.csv"), "--db", sqlite_url]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bulk_load_of_an_empty_index_then_refused_on_a_full_one(
    tmp_path: Path, sqlite_url: str, capsys
) -> None:
    population = make_population(150, seed=21)
    records = write_csv(tmp_path / "records.csv", population.records, RECORD_FIELDS)
    assert main(["ingest", str(records), "--bulk", "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert f"bulk load (csv): {len(population.records)} rows read" in out and "0 rejected" in out
    assert re.search(r"took read \d+\.\d s, decide \d+\.\d s, write \d+\.\d s", out)
    assert main(["export", str(tmp_path / "out.csv"), "--db", sqlite_url]) == 0
    assert len(read_csv(tmp_path / "out.csv")) == len(population.records)

    assert main(["ingest", str(records), "--bulk", "--db", sqlite_url]) == 2
    assert "bulk load needs an empty index" in capsys.readouterr().err
    assert main(["ingest", str(records), "--db", sqlite_url]) == 0  # the normal path takes it: unchanged
    assert f"{len(population.records)} unchanged" in capsys.readouterr().out
