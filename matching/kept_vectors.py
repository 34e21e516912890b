"""Every seeker's embedding kept beside the columns, by table row, for reverse matching: the
cosines of thousands of rows with one posting's vector, cheaper than asking the index."""

from __future__ import annotations

from typing import Any, Literal

import faiss
import numpy as np
from numpy.typing import NDArray

from matching.index import FloatArray, IntArray, as_matrix, single_thread

KeptStorage = Literal["float32", "int8"]

# How every seeker's vector is kept: int8
# codes of the offset from a mean, a scale per row. 1,536 -> 388 bytes a vector (1,685 MB of
# float32 at 1M seekers -> about 420 MB), cosines within 1e-3 of float32 and about as fast;
# float16 (768 bytes) took 2.5x float32's time here: numpy converts it one value at a time
# and faiss' fp16 decode is scalar too (12,000 rows: 27 ms against 11 at load 11).
KEPT_STORAGE: KeptStorage = "int8"
# Rows per block when codes are widened to float32 (~6 MB of temporaries per block).
KEPT_BLOCK = 4_096
# Below this many vectors in the first batch the per-dimension spread is not estimated.
KEPT_SPREAD_FROM = 100


class KeptVectors:
    """Embeddings by table row, for the cosines of thousands of rows with one vector.

    int8 storage keeps each vector's offset r from a mean m, divided per dimension by the
    spread g of the first batch, as 127 steps of its own largest value (scale s per row):
    v.q = m.q + s * sum(code * g * q). The mean and spread are fixed at the first batch and
    only set the precision; the per-row scale means no value is ever clipped. e5 vectors
    share a large common part (every cosine 0.8-0.9), which the mean takes out, so the codes
    spend their 8 bits on what tells seekers apart."""

    def __init__(self, dim: int, storage: KeptStorage = KEPT_STORAGE) -> None:
        self.dim = dim
        self.storage = storage
        kind = np.int8 if storage == "int8" else np.float32
        self._codes: NDArray[Any] = np.zeros((0, dim), dtype=kind)
        self._scale = np.zeros(0, dtype=np.float32)
        self._mean: FloatArray | None = None
        self._spread = np.ones(dim, dtype=np.float32)

    def __len__(self) -> int:
        return len(self._codes)

    def put(self, rows: IntArray, vectors: FloatArray) -> None:
        """Store vectors at rows (the store grows by a quarter when a row is past its end)."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return
        vectors = as_matrix(vectors, self.dim)
        end = int(rows.max()) + 1
        if end > len(self._codes):
            self._grow(max(64, end * 5 // 4))
        if self.storage == "float32":
            self._codes[rows] = vectors
            return
        self.calibrate(vectors)
        mean = self._mean
        assert mean is not None  # calibrate just fixed it
        for start in range(0, len(rows), KEPT_BLOCK):
            part = (vectors[start : start + KEPT_BLOCK] - mean) / self._spread
            scale = np.abs(part).max(axis=1) / 127
            scale[scale == 0] = 1.0
            codes = np.rint(part / scale[:, None])
            self._codes[rows[start : start + KEPT_BLOCK]] = codes.astype(np.int8)
            self._scale[rows[start : start + KEPT_BLOCK]] = scale

    def calibrate(self, sample: FloatArray) -> None:
        """Fix the mean and spread from a sample of the vectors to come (the first batch
        put, unless the owner calibrates first); once fixed they never change."""
        if self._mean is not None or self.storage == "float32" or len(sample) == 0:
            return
        sample = as_matrix(sample, self.dim)
        self._mean = sample.mean(axis=0).astype(np.float32)
        if len(sample) >= KEPT_SPREAD_FROM:
            spread = (sample - self._mean).std(axis=0)
            self._spread = np.maximum(spread, spread.mean() / 100).astype(np.float32)

    def cosines(self, rows: IntArray, query: FloatArray) -> FloatArray:
        """Inner product of the stored vectors at rows with one unit vector."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        out = np.empty(len(rows), dtype=np.float32)
        if len(rows) == 0:
            return out
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(self.dim)
        if self.storage == "float32":
            # One fused gather-and-dot: 0.8 ms for 12,000 rows, 2 ms by numpy take+einsum.
            with single_thread():
                faiss.fvec_inner_products_by_idx(  # type: ignore[attr-defined]  # not in the stubs
                    faiss.swig_ptr(out), faiss.swig_ptr(query), faiss.swig_ptr(self._codes),
                    faiss.swig_ptr(rows), self.dim, 1, len(rows),
                )  # fmt: skip
            return out
        assert self._mean is not None  # a row was put, so the mean is set
        weighted = query * self._spread
        base = float(self._mean @ query)
        wide = np.empty((min(len(rows), KEPT_BLOCK), self.dim), dtype=np.float32)
        narrow = np.empty(wide.shape, dtype=np.int8)
        for start in range(0, len(rows), KEPT_BLOCK):
            block = rows[start : start + KEPT_BLOCK]
            codes = wide[: len(block)]
            np.take(self._codes, block, axis=0, out=narrow[: len(block)])
            np.copyto(codes, narrow[: len(block)], casting="unsafe")
            # einsum, not @: BLAS threads cost 5x on 2 shared cores.
            dots = np.einsum("ij,j->i", codes, weighted)
            out[start : start + len(block)] = base + self._scale[block] * dots
        return out

    def nbytes(self) -> int:
        """Bytes of the codes and row scales (capacity included)."""
        return int(self._codes.nbytes + self._scale.nbytes)

    def _grow(self, capacity: int) -> None:
        codes = np.zeros((capacity, self.dim), dtype=self._codes.dtype)
        codes[: len(self._codes)] = self._codes
        scale = np.ones(capacity, dtype=np.float32)
        scale[: len(self._scale)] = self._scale
        self._codes, self._scale = codes, scale
