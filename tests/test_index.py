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
