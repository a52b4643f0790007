"""mpi: the master patient index service (gRPC API, use cases, storage, file intake, CLI).

It uses the pure `matching` library; `matching` never imports `mpi`.
"""

__version__ = "0.1.0"
