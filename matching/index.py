"""Vector indexes over normalised embeddings (inner product = cosine), persisted as one file.

Measured here (2 cores, 384-d, one query, top 200, one faiss thread): exact search
(IDMap2,Flat) p95 is 0.3 ms at 10k vectors, 1.0 ms at 20k (1.4 ms on real e5 vectors), 6 ms at
100k; with faiss' default two threads 100k took 36 ms. IVF probing one list in eight takes
about 1 ms at 100k (1,264 lists, 158 probed). The whole hybrid query has 10 ms, so exact
search is kept while it costs about 1 ms, up to IVF_THRESHOLD = 20,000 vectors; IVF takes over
above (it also needs 39 training points per list, which small collections lack).

Every vector carries a stamp (a hash of the text it encodes) so the owner can tell which entries
still agree with the database; stamps are saved in the same file as the vectors.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol, Self

import faiss
import numpy as np
from numpy.typing import NDArray

Storage = Literal["flat", "fp16", "sq8"]

IVF_THRESHOLD = 20_000
# Shrinking below half the threshold goes back to exact search; the gap stops flapping.
FLAT_BELOW = IVF_THRESHOLD // 2
# Lists probed per query: one in 8. e5 embeddings are anisotropic (every cosine 0.8-0.9), so
# IVF needs a wide probe: on 19,500 real postings with 500 lists, recall of the exact top 10
# was 0.92 at 16 probes, 0.96 at 32, 0.98 at 64 (p95 0.12 / 0.16 / 0.31 ms), and of the top
# 200 0.79 / 0.88 / 0.93. Centring the vectors first or HNSW (M 32, ef 128: 0.97 / 0.93) did
# no better. Reverse matching does not rely on it being exact (searcher.py).
PROBE_SHARE = 8
MIN_PROBES = 16
# faiss needs about 39 training points per list (its own warning threshold).
POINTS_PER_LIST = 39
# Lists stop growing with sqrt(n) here: k-means over 4,000 lists at 1M vectors took minutes on
# 2 cores, over 1,024 about 15 s; the probed share (PROBE_SHARE) and so recall stay the same.
MAX_LISTS = 1_024
# Training uses at most this many points per list (a seeded sample): more only slows k-means.
TRAIN_POINTS_PER_LIST = 64
# How IVF lists store vectors. float16 halves the memory of float32 (776 against 1,546 bytes a
# vector) at the same recall: on 1M synthetic vectors recall of the exact top 10 and top 300
# matched float32 IVF's to the 4th decimal (scripts/bench_matching.py, index_choice_1m), where
# 8 bits a dimension lost 1.6% of the top 10 (below the 0.99 bar) and ran slower.
IVF_STORAGE: Storage = "fp16"
# Retrain IVF once the collection has grown 4x since training: the lists get long and uneven.
RETRAIN_GROWTH = 4.0
# faiss.DirectMap.Hashtable (missing from faiss's type stubs): reconstruct and remove by id.
_HASHTABLE = 2
# faiss spreads even a single query over all cores with OpenMP; on 2 cores that costs 5x (exact
# search at 100k: 32 ms p50 with 2 threads, 5.4 ms with 1; fetching 1,500 vectors by id: 14 ms
# with 2 threads, 0.4 ms with 1). Small batches and fetches run on one thread.
SINGLE_THREAD_QUERIES = 8

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float32]
Hits = list[list[tuple[int, float]]]


class VectorIndex(Protocol):
    """What the matcher needs from an index: ids with stamped vectors, top-k by cosine."""

    dim: int

    def add(self, ids: IntArray, vectors: FloatArray, stamps: IntArray | None = None) -> None:
        """Add (or replace) vectors under ids; stamps record which text each one encodes."""

    def remove(self, ids: IntArray) -> None:
        """Drop ids; unknown ids are ignored."""

    def search(self, queries: FloatArray, k: int) -> Hits:
        """Per query, up to k (id, cosine) pairs, best first."""

    def vectors(self, ids: IntArray) -> FloatArray:
        """The stored vectors of known ids, in order."""

    def stamps(self) -> dict[int, int]:
        """id -> stamp for every entry."""

    def stamp_of(self, key: int) -> int | None:
        """The stamp of one id (None when absent)."""

    def save(self, path: Path) -> None:
        """Write atomically (temp file + rename)."""

    def __len__(self) -> int:
        """Number of vectors."""


class _Faiss:
    """Shared bookkeeping of the two faiss layouts: stamps, persistence, threads."""

    kind = ""

    def __init__(self, dim: int, index: Any, meta: Mapping[str, Any] | None = None) -> None:
        self.dim = dim
        self._index = index
        self._stamps: dict[int, int] = {}
        self.meta: dict[str, Any] = dict(meta or {})

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def __contains__(self, item: int) -> bool:
        return item in self._stamps

    def stamps(self) -> dict[int, int]:
        """id -> stamp for every entry."""
        return dict(self._stamps)

    def stamp_of(self, key: int) -> int | None:
        """The stamp of one id (None when absent)."""
        return self._stamps.get(key)

    def nbytes(self) -> int:
        """Bytes the stored vectors take (codes and ids; faiss' list overhead excluded)."""
        code_size = getattr(self._index, "code_size", 4 * self.dim)  # IDMap2 wraps a Flat
        return len(self) * (int(code_size) + 8)

    def ids(self) -> IntArray:
        """Every id in the index."""
        return np.fromiter(self._stamps, dtype=np.int64, count=len(self._stamps))

    def add(self, ids: IntArray, vectors: FloatArray, stamps: IntArray | None = None) -> None:
        """Add (or replace) vectors under ids."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return
        self.remove(ids)
        self._index.add_with_ids(as_matrix(vectors, self.dim), ids)
        values = np.zeros(len(ids), dtype=np.int64) if stamps is None else stamps
        self._stamps.update(zip(ids.tolist(), np.asarray(values).tolist(), strict=True))

    def remove(self, ids: IntArray) -> None:
        """Drop ids; unknown ids are ignored."""
        known = [i for i in np.asarray(ids, dtype=np.int64).tolist() if i in self._stamps]
        if not known:
            return
        self._index.remove_ids(np.array(known, dtype=np.int64))
        for i in known:
            del self._stamps[i]

    def nearest(self, query: FloatArray, k: int) -> tuple[IntArray, FloatArray]:
        """Ids and cosines of the k nearest to one vector, best first (as arrays)."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        with _threads(1):
            scores, ids = self._index.search(as_matrix(query, self.dim), min(k, len(self)))
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), scores[0][found].astype(np.float32)

    def search(self, queries: FloatArray, k: int) -> Hits:
        """Per query, up to k (id, cosine) pairs, best first."""
        queries = as_matrix(queries, self.dim)
        if len(self) == 0 or k <= 0:
            return [[] for _ in range(len(queries))]
        with _threads(1 if len(queries) <= SINGLE_THREAD_QUERIES else None):
            scores, ids = self._index.search(queries, min(k, len(self)))
        return [
            [(int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True) if i >= 0]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    def vectors(self, ids: IntArray) -> FloatArray:
        """The stored vectors of known ids, in order."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _threads(1):
            return np.asarray(self._index.reconstruct_batch(ids), dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write index, stamps and meta to one .npz file, atomically."""
        stamp_ids = self.ids()
        header = {"kind": self.kind, "dim": self.dim, **self.meta}
        temp = path.with_name(f".{path.name}.tmp")
        with temp.open("wb") as handle:
            np.savez(
                handle,
                index=faiss.serialize_index(self._index),
                ids=stamp_ids,
                stamps=np.array([self._stamps[i] for i in stamp_ids.tolist()], dtype=np.int64),
                header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            )
        os.replace(temp, path)


class FlatIndex(_Faiss):
    """Exact search (IDMap2 over Flat inner product), for collections up to IVF_THRESHOLD."""

    kind = "flat"

    @classmethod
    def empty(cls, dim: int, meta: Mapping[str, Any] | None = None) -> Self:
        """A new empty index."""
        return cls(dim, faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), meta)


class IVFIndex(_Faiss):
    """Approximate search (IVF lists, flat storage, exact cosine within probed lists)."""

    kind = "ivf"

    def __init__(self, dim: int, index: Any, meta: Mapping[str, Any] | None = None) -> None:
        super().__init__(dim, index, meta)
        index.nprobe = max(MIN_PROBES, index.nlist // PROBE_SHARE)
        self.trained_size = int(self.meta.get("trained_size", index.ntotal))

    @property
    def storage(self) -> Storage:
        """How the lists store vectors (float32, float16 or 8 bits a dimension)."""
        if not isinstance(self._index, faiss.IndexIVFScalarQuantizer):
            return "flat"
        return "fp16" if self._index.sq.qtype == faiss.ScalarQuantizer.QT_fp16 else "sq8"

    @property
    def lists(self) -> int:
        """Number of inverted lists."""
        return int(self._index.nlist)

    @classmethod
    def trained(
        cls,
        dim: int,
        sample: FloatArray,
        meta: Mapping[str, Any] | None = None,
        storage: Storage = IVF_STORAGE,
    ) -> Self:
        """An empty IVF index with lists trained on a sample of the collection; `storage`
        keeps vectors as float32 ("flat"), float16 or 8 bits per dimension."""
        sample = as_matrix(sample, dim)
        trained_size = len(sample)
        nlist = max(1, min(int(4 * math.sqrt(len(sample))), len(sample) // POINTS_PER_LIST))
        nlist = min(nlist, MAX_LISTS)
        if len(sample) > nlist * TRAIN_POINTS_PER_LIST:
            picked = np.random.default_rng(0).choice(
                len(sample), nlist * TRAIN_POINTS_PER_LIST, replace=False
            )
            sample = sample[np.sort(picked)]
        quantizer = faiss.IndexFlatIP(dim)
        index: Any
        if storage == "flat":
            index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        else:
            kind = {"fp16": faiss.ScalarQuantizer.QT_fp16, "sq8": faiss.ScalarQuantizer.QT_8bit}
            index = faiss.IndexIVFScalarQuantizer(
                quantizer, dim, nlist, kind[storage], faiss.METRIC_INNER_PRODUCT
            )
        index.train(sample)
        index.set_direct_map_type(_HASHTABLE)
        return cls(dim, index, {**(meta or {}), "trained_size": trained_size})

    def save(self, path: Path) -> None:
        """Write index, stamps and meta (with the training size) atomically."""
        self.meta["trained_size"] = self.trained_size
        super().save(path)


AnyIndex = FlatIndex | IVFIndex


def build_index(
    dim: int,
    ids: IntArray,
    vectors: FloatArray,
    stamps: IntArray | None = None,
    meta: Mapping[str, Any] | None = None,
) -> AnyIndex:
    """The right layout for this many vectors, filled with them."""
    index: AnyIndex
    if len(ids) > IVF_THRESHOLD:
        index = IVFIndex.trained(dim, vectors, meta)
    else:
        index = FlatIndex.empty(dim, meta)
    index.add(ids, vectors, stamps)
    return index


def resized(index: AnyIndex) -> AnyIndex:
    """The same entries in the layout their number now calls for (or the index itself)."""
    size = len(index)
    grew = isinstance(index, IVFIndex) and size > RETRAIN_GROWTH * index.trained_size
    wrong = (isinstance(index, FlatIndex) and size > IVF_THRESHOLD) or (
        isinstance(index, IVFIndex) and size < FLAT_BELOW
    )
    if not (grew or wrong):
        return index
    ids = index.ids()
    stamps = index.stamps()
    return build_index(
        index.dim,
        ids,
        index.vectors(ids),
        np.array([stamps[i] for i in ids.tolist()], dtype=np.int64),
        {k: v for k, v in index.meta.items() if k != "trained_size"},
    )


def load_index(path: Path) -> AnyIndex:
    """Read a file written by `save`; raises ValueError when it is not one."""
    try:
        with np.load(io.BytesIO(path.read_bytes())) as data:
            header = json.loads(bytes(data["header"]).decode())
            raw: Any = faiss.deserialize_index(np.asarray(data["index"]))
            ids, stamps = data["ids"], data["stamps"]
    except (OSError, KeyError, ValueError, RuntimeError, json.JSONDecodeError) as error:
        raise ValueError(f"unreadable index file {path}: {error}") from error
    kind = header.pop("kind")
    dim = int(header.pop("dim"))
    cls: type[AnyIndex] = IVFIndex if kind == "ivf" else FlatIndex
    if kind == "ivf":
        raw.set_direct_map_type(_HASHTABLE)
    index = cls(dim, raw, header)
    index._stamps = dict(zip(ids.tolist(), stamps.tolist(), strict=True))
    if len(index._stamps) != len(index):
        raise ValueError(f"index file {path} holds {len(index)} vectors, {len(stamps)} stamps")
    return index


def as_matrix(vectors: FloatArray | Sequence[Sequence[float]], dim: int) -> FloatArray:
    """Vectors as the C-contiguous float32 rows faiss and the kept store take."""
    return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(-1, dim))


def single_thread() -> AbstractContextManager[None]:
    """faiss on one OpenMP thread for the duration (see SINGLE_THREAD_QUERIES)."""
    return _threads(1)


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    if count is None:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
