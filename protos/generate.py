"""Generate the Python stubs in mpi/v1/ from protos/mpi/v1/*.proto.

One script, one pinned generator (grpcio-tools, pinned in pyproject.toml), so the committed stubs can be
reproduced byte for byte; tests/test_proto_stubs.py regenerates into a temporary folder and diffs.

    python protos/generate.py [OUT_DIR]     # OUT_DIR defaults to the repository root
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

PROTO_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PROTO_ROOT.parent


def generate(out_dir: Path) -> list[Path]:
    """Write mpi/v1/*_pb2*.py(i) under out_dir; return the files written."""
    from grpc_tools import protoc

    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in (PROTO_ROOT / "mpi" / "v1").glob("*.proto"))
    well_known = str(resources.files("grpc_tools") / "_proto")
    target = out_dir / "mpi" / "v1"
    target.mkdir(parents=True, exist_ok=True)
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    init = target / "__init__.py"
    init.write_text('"""Generated gRPC stubs for mpi.v1 (protos/generate.py); do not edit."""\n')
    return sorted(target.iterdir())


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT
    for path in generate(out):
        print(path)
