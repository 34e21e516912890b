"""The search core at IVF sizes, on real faiss indexes (scripts/bench_matching.py's data)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from matching.index import IVF_THRESHOLD, IVFIndex, load_index
from matching.kept_vectors import KeptVectors
from matching.searcher import SAMPLED_FROM, SeekerSide, _best
from scripts import bench_matching as bench

TEXTS = [
    ("保洁员", "西青区写字楼保洁，日结200元，包午饭"),
    ("外卖骑手", "河西区送外卖，多劳多得，自备电动车"),
    ("普工", "电子厂流水线普工，长白班，包吃住，月薪5000"),
    ("保安", "小区保安，做一休一，五险一金"),
]


@pytest.fixture(scope="module")
def seekers():
    """Just past the IVF threshold: seekers, their vectors, a word corpus, new postings."""
    rng = random.Random(3)
    vectors = bench.Vectors(3)
    size = IVF_THRESHOLD + 500
    profiles = bench.synthetic_seekers(size, rng)
    matrix = vectors.draw(size)
    words = bench.words_side(TEXTS, rng, vectors).words
    postings = bench.synthetic_postings(20, TEXTS, rng)
    return profiles, matrix, words, postings, vectors.draw(20)


@pytest.fixture(scope="module")
def trained(seekers, tmp_path_factory):
    """Empty IVF indexes with lists trained on the seekers' vectors, once per storage, saved.

    Each side loads its own copy: training is seeded, so the copy holds the lists a fresh
    training would give, without its second or so of k-means per side."""
    _, matrix, _, _, _ = seekers
    folder = tmp_path_factory.mktemp("trained")
    paths = {}
    for storage in ("fp16", "flat"):
        paths[storage] = folder / f"{storage}.npz"
        IVFIndex.trained(bench.DIM, matrix, storage=storage).save(paths[storage])  # type: ignore[arg-type]
    return paths


def _side(trained, storage: str, profiles, matrix, words) -> SeekerSide:
    ids = np.array([p.user_id for p in profiles], dtype=np.int64)
    index = load_index(trained[storage])
    assert isinstance(index, IVFIndex)
    index.add(ids, matrix)
    side = SeekerSide(index)
    side.put(profiles, [0] * len(profiles), [], np.zeros((0, bench.DIM), np.float32), words)
    return side


@pytest.fixture(scope="module")
def fp16_side(seekers, trained) -> SeekerSide:
    """The default side over every seeker, for the tests that only reach from it."""
    profiles, matrix, words, _, _ = seekers
    return _side(trained, "fp16", profiles, matrix, words)


def test_reach_scores_do_not_depend_on_how_the_index_stores_vectors(seekers, trained, fp16_side):
    """float16 lists only choose the vector pool; every score uses the kept vector."""
    profiles, matrix, words, postings, posting_vectors = seekers
    half = fp16_side
    full = _side(trained, "flat", profiles, matrix, words)
    assert (half.index.storage, full.index.storage) == ("fp16", "flat")
    now = bench.NOW.timestamp()
    reached = 0
    for posting, vector in zip(postings, posting_vectors, strict=True):
        a = half.reach(posting, vector, words, now, 0.45)
        b = full.reach(posting, vector, words, now, 0.45)
        assert [(f.key, f.score) for f in a] == [(f.key, f.score) for f in b]
        reached += len(a)
    assert reached > 0
    parts = half.nbytes()
    assert parts["vector_index"] == len(profiles) * (2 * bench.DIM + 8)
    assert len(profiles) * (bench.DIM + 4) <= parts["kept_vectors"] < matrix.nbytes / 3
    assert parts["words"] > 0
    assert parts["columns"] > 0


def test_index_choice_figures_compare_layouts_against_exact_search():
    figures = bench.bench_indexes(3_000, 20, 1_000)
    assert figures["flat"]["recall_at_10"] == 1.0
    for name in ("ivf_flat", "ivf_sq_fp16", "ivf_sq8", "hnsw_m16"):
        assert 0.0 < figures[name]["recall_at_10"] <= 1.0, name
        assert figures[name]["build_s"] >= 0.0
    assert figures["ivf_sq_fp16"]["bytes_per_vector"] < figures["ivf_flat"]["bytes_per_vector"]
    assert figures["ivf_sq8"]["bytes_per_vector"] < figures["ivf_sq_fp16"]["bytes_per_vector"]


def test_trade_rows_give_the_same_reach_as_scanning_every_seeker(seekers, trained):
    """The per-trade row lists hold exactly the live seekers of a trade, after replacements
    and removals too, so reverse matching reaches whom a scan of every seeker's bits would."""
    profiles, matrix, words, postings, posting_vectors = seekers
    side = _side(trained, "fp16", profiles, matrix, words)
    rng = random.Random(5)
    moved = bench.synthetic_seekers(300, rng, first_id=1)  # new trades for 300 known ids
    side.put(moved, [0] * 300, [], np.zeros((0, bench.DIM), np.float32), words)
    side.drop([p.user_id for p in profiles[1000:1400]])
    table = side.table
    alive = table.alive[: table.size]
    for bits in [1, 2, 1 | 8, 1 << 16, (1 << 17) - 1, 0]:
        mask = np.zeros(table.size, dtype=bool)
        for pool in side.trades.rows(bits):
            mask[pool] = True
        scanned = alive & ((table.column("category_bits") & bits) != 0)
        assert np.array_equal(np.flatnonzero(mask & alive), np.flatnonzero(scanned))
    assert any(len(p) for p in side.trades.rows(1))
    now = bench.NOW.timestamp()
    for posting, vector in zip(postings, posting_vectors, strict=True):
        found = side.reach(posting, vector, words, now, 0.45)
        assert all(f.key not in range(1001, 1401) for f in found)


def test_rows_follow_the_seekers_trades_whatever_order_they_arrive_in(seekers, trained, fp16_side):
    """One put lays a trade's seekers out in one run of rows per lower trade (reverse
    matching reads them all), and the order they came in changes no reach."""
    profiles, matrix, words, postings, posting_vectors = seekers
    order = list(range(len(profiles)))
    random.Random(9).shuffle(order)
    side = _side(trained, "fp16", [profiles[i] for i in order], matrix[order], words)
    for code in range(17):
        (rows,) = side.trades.rows(1 << code)
        runs = 1 + int(np.count_nonzero(np.diff(rows) != 1))
        assert len(rows) > 0, code
        assert runs <= code + 1, code
    now = bench.NOW.timestamp()
    for posting, vector in zip(postings, posting_vectors, strict=True):
        assert side.reach(posting, vector, words, now, 0.3) == fp16_side.reach(
            posting, vector, words, now, 0.3
        )


def test_int8_kept_vectors_reach_whom_float32_vectors_reach(seekers, fp16_side):
    """The same side with float32 kept vectors: the same seekers, scores within 0.002
    (a seeker may only change sides of the threshold within that distance)."""
    profiles, _, words, postings, posting_vectors = seekers
    side = fp16_side
    ids = np.array([p.user_id for p in profiles], dtype=np.int64)
    exact = KeptVectors(bench.DIM, "float32")
    exact.put(side.table.rows_for(ids), side.index.vectors(ids))
    compact = side.kept
    assert compact.storage == "int8"
    now = bench.NOW.timestamp()
    try:
        for posting, vector in zip(postings, posting_vectors, strict=True):
            side.kept = compact
            ours = {f.key: f.score for f in side.reach(posting, vector, words, now, 0.45)}
            side.kept = exact
            truth = {f.key: f.score for f in side.reach(posting, vector, words, now, 0.45)}
            for key in ours.keys() & truth.keys():
                assert abs(ours[key] - truth[key]) < 2e-3
            for key in ours.keys() ^ truth.keys():
                assert abs(ours.get(key, truth.get(key, 0.0)) - 0.45) < 2e-3
    finally:
        side.kept = compact  # the module's side, as the other tests reach from it


def test_a_limited_reach_is_the_head_of_the_whole_reach_ties_to_the_lower_user_id(
    seekers, fp16_side
):
    """The push step asks for the best N (publishing.push_decisions): those N are exactly the
    first N of the whole reach, with the same scores and reasons, whatever N."""
    _, _, words, postings, posting_vectors = seekers
    now = bench.NOW.timestamp()
    heads = 0
    for posting, vector in zip(postings, posting_vectors, strict=True):
        whole = fp16_side.reach(posting, vector, words, now, 0.3)
        pairs = [(-f.score, f.key) for f in whole]
        assert pairs == sorted(pairs)
        for limit in (1, 7, 64, len(whole) + 5):
            head = fp16_side.reach(posting, vector, words, now, 0.3, limit)
            assert head == whole[:limit]
        heads += len(whole) > 64
    assert heads > 0  # some reaches were longer than the limits tried


@pytest.mark.parametrize("n", [3, 50, 300])
def test_the_word_pool_cut_from_a_sample_is_the_cut_of_all_values(n):
    """Past SAMPLED_FROM x n candidates the cut is sought among a sample's survivors first: the
    pool must still be the n largest positive live values, ties at the cut to the lower keys."""
    rng = np.random.default_rng(n)
    size = SAMPLED_FROM * n * 3
    values = rng.choice(np.linspace(0.0, 2.0, 41), size).astype(np.float32)  # many ties
    alive = rng.random(size) > 0.1
    keys = rng.permutation(size * 2)[:size].astype(np.int64)
    live = np.flatnonzero(alive & (values > 0))
    expected = live[np.lexsort((keys[live], -values[live]))][:n]
    assert sorted(_best(values, alive, n, keys).tolist()) == sorted(expected.tolist())
    # The worst case for a sample: every largest value sits exactly where it looks, so its
    # n-th largest is the n-th largest of all, and nothing below may be cut away.
    alive = np.ones(size, dtype=bool)
    values = rng.random(size).astype(np.float32) + 0.01
    values[:: len(values) // (2 * n)] += 5.0
    expected = np.argsort(-values, kind="stable")[:n]
    assert sorted(_best(values, alive, n, keys).tolist()) == sorted(expected.tolist())
