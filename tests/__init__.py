"""The test suite. Importing it (before any conftest or test module) sets the math threads."""

import os

# torch, faiss and numpy's BLAS on one OpenMP thread each, set before any of them loads. On the
# two-core development machine two threads stall each other at every parallel region once
# anything else runs (the suite's own aiosqlite and server threads, another process): one
# short text took the bf16 encoder 0.5-1.5 s on two threads against 25 ms on one, and the quick
# subset spent 20 s less CPU. The thread count changes no result (the same texts gave the same
# vector bytes on one thread and on two). An OMP_NUM_THREADS already set is kept.
os.environ.setdefault("OMP_NUM_THREADS", "1")
