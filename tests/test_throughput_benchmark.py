"""benchmarks.throughput's bulk-only run: the bulk load's figures and where its time went, in JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks import throughput


def test_skip_server_reports_the_bulk_load_and_its_phases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "results"
    argv = ["throughput", "--persons", "300", "--requests", "20", "--skip-server", "--skip-splink"]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(out)])
    work = tmp_path / "work"  # the CSV and the store, inside the test's folder
    work.mkdir()
    monkeypatch.setattr(throughput.tempfile, "mkdtemp", lambda: str(work))

    throughput.main()

    results = json.loads((out / "throughput.json").read_text())
    index = results["index"]
    assert index["records"] == len(throughput.make_population(300, seed=throughput.SEED).records) - 60
    assert index["summary"].startswith(f"bulk load (csv): {index['records']} rows read")
    assert set(index["phase_seconds"]) == {"read", "decide", "write"}
    assert 0 < sum(index["phase_seconds"].values()) <= index["seconds"]
    assert "server" not in results and not (out / "throughput.png").exists()
    assert results["command"].endswith("--skip-splink --skip-server")
