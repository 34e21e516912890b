"""One contract suite for both vector index layouts (exact and IVF), on seeded vectors."""

from __future__ import annotations

import numpy as np
import pytest

from matching.index import (
    IVF_THRESHOLD,
    MAX_LISTS,
    TRAIN_POINTS_PER_LIST,
    FlatIndex,
    IVFIndex,
    build_index,
    load_index,
    resized,
)
from matching.kept_vectors import KeptVectors

DIM = 16


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def clustered(n: int, seed: int = 42) -> np.ndarray:
    """Vectors around 40 centres, like embeddings of texts about a few dozen trades."""
    rng = np.random.default_rng(seed)
    centres = unit(rng.normal(size=(40, DIM)))
    return unit(centres[rng.integers(0, 40, n)] + rng.normal(scale=0.15, size=(n, DIM)))


def make(kind: str, sample: np.ndarray):
    if kind == "flat":
        return FlatIndex.empty(DIM, {"model": "test"})
    return IVFIndex.trained(DIM, sample, {"model": "test"})


@pytest.fixture(params=["flat", "ivf"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def vectors() -> np.ndarray:
    return clustered(2000)


def test_added_vectors_are_found_first(kind, vectors):
    index = make(kind, vectors)
    ids = np.arange(10, 10 + len(vectors), dtype=np.int64)
    index.add(ids, vectors, ids * 7)
    assert len(index) == len(vectors)
    hits = index.search(vectors[[5, 600]], 3)
    assert [h[0][0] for h in hits] == [15, 610]
    assert hits[0][0][1] == pytest.approx(1.0, abs=1e-4)
    assert index.stamp_of(15) == 105
    assert index.stamp_of(9) is None


def test_remove_and_replace(kind, vectors):
    index = make(kind, vectors)
    ids = np.arange(len(vectors), dtype=np.int64)
    index.add(ids, vectors)
    index.remove(np.array([3, 4, 99_999], dtype=np.int64))
    assert len(index) == len(vectors) - 2
    assert all(hit[0] not in (3, 4) for hit in index.search(vectors[3], 5)[0])
    index.add(np.array([5], dtype=np.int64), vectors[[7]], np.array([1]))
    assert len(index) == len(vectors) - 2
    # IVF lists keep float16 (IVF_STORAGE): 11 bits of mantissa, below 5e-4 on unit vectors.
    atol = 1e-6 if kind == "flat" else 5e-4
    np.testing.assert_allclose(index.vectors(np.array([5]))[0], vectors[7], atol=atol)
    assert index.stamp_of(5) == 1


def test_search_on_empty_index_and_k_beyond_size(kind, vectors):
    index = make(kind, vectors)
    assert index.search(vectors[:2], 10) == [[], []]
    index.add(np.array([1, 2], dtype=np.int64), vectors[:2])
    hits = index.search(vectors[0], 10)[0]
    assert hits[0][0] == 1
    # IVF probes only some lists: the other vector may sit in one it does not visit.
    assert len(hits) == 2 if kind == "flat" else 1 <= len(hits) <= 2


def test_save_and_load_round_trip(kind, vectors, tmp_path):
    index = make(kind, vectors)
    ids = np.arange(100, 100 + len(vectors), dtype=np.int64)
    index.add(ids, vectors, ids + 1)
    path = tmp_path / "postings.index.npz"
    index.save(path)
    loaded = load_index(path)
    assert type(loaded) is type(index)
    assert loaded.meta["model"] == "test"
    assert loaded.stamps() == index.stamps()
    assert loaded.search(vectors[:5], 5) == index.search(vectors[:5], 5)
    loaded.remove(np.array([100], dtype=np.int64))  # still removable after loading
    assert len(loaded) == len(vectors) - 1


def test_corrupt_file_is_reported(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not an index")
    with pytest.raises(ValueError, match="unreadable"):
        load_index(path)


def test_ivf_recall_against_exact_search(vectors):
    queries = clustered(100, seed=7)
    ids = np.arange(len(vectors), dtype=np.int64)
    exact = build_index(DIM, ids, vectors)
    ivf = IVFIndex.trained(DIM, vectors)
    ivf.add(ids, vectors)
    truth = exact.search(queries, 10)
    found = ivf.search(queries, 10)
    recall = np.mean(
        [
            len({i for i, _ in a} & {i for i, _ in b}) / 10
            for a, b in zip(truth, found, strict=True)
        ]
    )
    assert recall >= 0.95


@pytest.mark.slow
def test_layout_follows_the_collection_size():
    many = clustered(IVF_THRESHOLD + 1, seed=3)
    ids = np.arange(len(many), dtype=np.int64)
    index = build_index(DIM, ids, many, ids)
    assert isinstance(index, IVFIndex)
    index.remove(ids[: IVF_THRESHOLD // 2 + 10])
    smaller = resized(index)
    assert isinstance(smaller, FlatIndex)
    assert smaller.stamps() == index.stamps()
    flat = build_index(DIM, ids[:100], many[:100])
    assert isinstance(flat, FlatIndex)
    flat.add(ids[100:], many[100:])
    assert isinstance(resized(flat), IVFIndex)


@pytest.mark.parametrize("storage", ["flat", "fp16", "sq8"])
def test_ivf_storage_keeps_its_layout_through_save_and_load(storage, vectors, tmp_path):
    index = IVFIndex.trained(DIM, vectors, storage=storage)
    ids = np.arange(len(vectors), dtype=np.int64)
    index.add(ids, vectors)
    assert index.storage == storage
    assert index.nbytes() == len(vectors) * ({"flat": 4, "fp16": 2, "sq8": 1}[storage] * DIM + 8)
    index.save(tmp_path / "i.npz")
    loaded = load_index(tmp_path / "i.npz")
    assert isinstance(loaded, IVFIndex)
    assert loaded.storage == storage
    assert loaded.search(vectors[:3], 5) == index.search(vectors[:3], 5)


def test_float16_lists_find_what_float32_lists_find(vectors):
    """The default storage against float32 in the same trained lists: the same top 10."""
    queries = clustered(100, seed=7)
    ids = np.arange(len(vectors), dtype=np.int64)
    half = IVFIndex.trained(DIM, vectors)
    full = IVFIndex.trained(DIM, vectors, storage="flat")
    assert (half.storage, full.storage) == ("fp16", "flat")
    half.add(ids, vectors)
    full.add(ids, vectors)
    same = [
        len({i for i, _ in a} & {i for i, _ in b}) / 10
        for a, b in zip(half.search(queries, 10), full.search(queries, 10), strict=True)
    ]
    assert np.mean(same) >= 0.99


def test_lists_stop_growing_at_the_cap_and_growth_counts_the_whole_collection():
    many = clustered(MAX_LISTS * TRAIN_POINTS_PER_LIST + 1_000, seed=5)  # 4 sqrt(n) > cap
    index = IVFIndex.trained(DIM, many)
    assert index.lists == MAX_LISTS
    assert index.trained_size == len(many)  # not the size of the training sample


def anisotropic(n: int, dim: int = 384, seed: int = 11) -> np.ndarray:
    """Unit vectors sharing a large common part, as e5's do (cosines mostly 0.8-0.9)."""
    shape = np.random.default_rng(0)  # one common part and spread for every seed
    common = unit(shape.normal(size=(1, dim)))
    spread = shape.uniform(0.2, 1.5, size=dim)  # some dimensions vary far more than others
    rng = np.random.default_rng(seed)
    return unit(2.2 * common + rng.normal(size=(n, dim)) * spread / np.sqrt(dim))


def test_int8_kept_vectors_give_float32_cosines_within_a_thousandth():
    data = anisotropic(3_000)
    queries = anisotropic(20, seed=12)
    exact = data @ queries.T
    assert 0.7 < np.median(exact) < 0.95  # the regime the codes are built for
    kept = KeptVectors(data.shape[1])
    rows = np.arange(len(data), dtype=np.int64)
    kept.put(rows[:1_000], data[:1_000])  # the first batch sets mean and spread
    kept.put(rows[1_000:], data[1_000:])  # later rows reuse them (and grow the store)
    picked = np.random.default_rng(3).permutation(len(data))[:2_500]
    for j, query in enumerate(queries):
        found = kept.cosines(picked, query)
        assert np.abs(found - exact[picked, j]).max() < 1e-3
    assert kept.nbytes() < data.nbytes / 3


def test_kept_vectors_replace_rows_and_store_outliers_unclipped():
    data = anisotropic(500)
    kept = KeptVectors(data.shape[1])
    kept.put(np.arange(500, dtype=np.int64), data)
    # A vector unlike the first batch (the mean and spread do not fit it) at an old row and
    # one far past the end: the row's own scale keeps every value.
    odd = unit(np.random.default_rng(4).normal(size=(2, data.shape[1])))
    kept.put(np.array([7, 2_000], dtype=np.int64), odd)
    assert len(kept) > 2_000
    query = data[3]
    found = kept.cosines(np.array([7, 2_000, 3], dtype=np.int64), query)
    expected = np.array([odd[0] @ query, odd[1] @ query, 1.0])
    assert np.abs(found - expected).max() < 2e-3
    assert kept.cosines(np.zeros(0, dtype=np.int64), query).shape == (0,)


def test_float32_kept_vectors_are_exact():
    data = anisotropic(300)
    kept = KeptVectors(data.shape[1], "float32")
    kept.put(np.arange(300, dtype=np.int64), data)
    rows = np.array([5, 0, 299], dtype=np.int64)
    assert np.allclose(kept.cosines(rows, data[0]), data[rows] @ data[0], atol=1e-6)
