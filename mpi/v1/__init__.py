"""Generated gRPC stubs for mpi.v1 (protos/generate.py); do not edit."""
