"""The committed stubs in mpi/v1 are exactly what protos/generate.py produces from the .proto files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "protos" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_code_matches_the_proto(tmp_path: Path) -> None:
    written = _load_generator().generate(tmp_path)
    assert written, "the generator wrote nothing"
    for path in written:
        committed = ROOT / "mpi" / "v1" / path.name
        assert committed.exists(), f"{path.name} is generated but not committed"
        assert committed.read_text() == path.read_text(), f"mpi/v1/{path.name} drifted: run `make protos`"
    committed_names = {p.name for p in (ROOT / "mpi" / "v1").glob("*.py*")}
    assert committed_names == {p.name for p in written}
