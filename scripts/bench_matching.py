"""Matching speed and memory on this machine; prints one JSON object.

- Encoding: our encoder against plain sentence-transformers on the same model and the same
  new, unique posting texts (real ones from the dev data set), in the same run.
- Forward search at 10k and 100k postings: the full hybrid top-10 through the in-memory core
  (vector, word and category candidates, numpy scoring of every candidate, gates, reasons
  rendered through the catalogue). Posting texts are real (cycled to 100k) so the word index
  has realistic lengths; the vectors are synthetic unit vectors around 300 "trade" centres
  (no encoder: 100k encodes would take 15 minutes), said so in the output.
- Reverse matching at 10k and 100k seekers: one posting against the seeker side, threshold 0.45,
  asked as the push step asks (the best 4 x its reach cap, best first: `latency_ms`, the
  `reverse_p95_ms_*` keys) and for every seeker above the threshold (`all_latency_ms`);
  and with --1m at 1M seekers (synthetic vectors and profiles, built in chunks; about 10 minutes
  on 2 shared cores, most of it making and adding 1M profiles).
- Index choice at 1M vectors (the same synthetic data): exact flat, IVF with flat, fp16 and
  8-bit storage, HNSW (on a 200k subset: its 1M build alone takes minutes here, and it cannot
  remove ids): build time, p95 of one query, bytes per vector, recall of the exact top 10/300.
- Memory: RSS growth while each part was built (posting side, seeker side, model), the bytes of
  each part (vector index, columns, kept vectors, word index, encoder cache), and the RSS with
  the 100k posting side, the 100k seeker side and the model loaded together.
- serving_peak_rss_mb: a fresh process holding what a serving process holds at the largest size
  (the posting side, the seeker side and the model on the chosen path, one batch encoded) and
  nothing the bench adds (plain sentence-transformers for the comparison, the smaller sizes): the
  figure the memory budget is about; peak_rss_mb stays the whole bench's peak.
- turn_p95_ms: ordinary chat turns through the real router on a real SQLite file, no model
  (scripts/bench_turns.py's harness).

    python scripts/bench_matching.py [--sizes 10000,100000] [--queries 300] [--no-encode] [--1m]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.texts import t  # noqa: E402
from matching.columns import CODES, DISTRICTS  # noqa: E402
from matching.encoder_backend import Backend, cpu_flags  # noqa: E402
from matching.explain import render, render_many  # noqa: E402
from matching.index import FlatIndex, IVFIndex, build_index, single_thread  # noqa: E402
from matching.profile_text import posting_text  # noqa: E402
from matching.reach_cap import ReachCap  # noqa: E402
from matching.searcher import PostingSide, SeekerSide  # noqa: E402
from models.messages import Location  # noqa: E402
from models.posting import Posting, Trust  # noqa: E402
from models.seeker import SeekerProfile  # noqa: E402
from models.values import Pay, PayUnit, WorkForm  # noqa: E402
from scripts.bench_turns import ordinary_turns  # noqa: E402
from scripts.shared_eval import DEV_POSTINGS  # noqa: E402

DATA = DEV_POSTINGS
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DIM = 384
# Headcounts of the postings reverse matching is timed on: gigs and hiring waves, whose push
# caps (matching.reach_cap) run from 50 to 500.
HEADS = (None, 1, 2, 2, 3, 5, 10, 30)
WISHES = (
    "想找保洁的活，离家近", "想找送外卖的活 时间自由", "想进工厂上班", "想当保安",
    "会电焊", "想在超市当收银员", "想做客服，不用出去跑", "饭店服务员包吃住", "",
)  # fmt: skip


def real_texts(path: Path, limit: int) -> list[tuple[str, str]]:
    """(title, description) of the data set's postings, in file order."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.append((row["职位"], row["职位描述"] or ""))
            if len(out) >= limit:
                break
    return out


class Vectors:
    """Synthetic embeddings: unit vectors scattered around 300 centres (seeded)."""

    def __init__(self, seed: int = 42) -> None:
        self.rng = np.random.default_rng(seed)
        centres = self.rng.normal(size=(300, DIM)).astype(np.float32)
        self.centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)

    def draw(self, n: int) -> np.ndarray:
        """n vectors, each near a random centre (drawn in float32 chunks: 1M fit in 1.5 GB)."""
        out = np.empty((n, DIM), dtype=np.float32)
        for start in range(0, n, 50_000):
            size = min(50_000, n - start)
            around = self.centres[self.rng.integers(0, len(self.centres), size)]
            noise = self.rng.standard_normal(size=(size, DIM), dtype=np.float32)
            noisy = around + 0.05 * noise
            out[start : start + size] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
        return out


def synthetic_postings(n: int, texts: list[tuple[str, str]], rng: random.Random) -> list[Posting]:
    """n postings with real texts and random structure (trade, district, pay, trust, risk)."""
    units = [PayUnit.MONTH, PayUnit.DAY, PayUnit.HOUR, None]
    out = []
    for i in range(n):
        title, text = texts[i % len(texts)]
        unit = rng.choice(units)
        base = (
            {PayUnit.MONTH: 5000, PayUnit.DAY: 200, PayUnit.HOUR: 25}.get(unit, 0) if unit else 0
        )
        pay = Pay(base * rng.uniform(0.6, 1.5), None, unit) if unit else Pay(negotiable=True)
        out.append(
            Posting(
                id=i + 1,
                title=title,
                description=text,
                categories=tuple(rng.sample(CODES, rng.choice((1, 1, 2)))),
                category_confidence=rng.uniform(0.4, 0.9),
                district=rng.choice(DISTRICTS),
                pay=pay,
                work_form=rng.choice(("全职", "零工", None)),
                trust=rng.choice(list(Trust)),
                risk_score=rng.choice((0.0, 0.0, 0.0, 0.2, 0.4)),
                published_at=NOW - timedelta(hours=rng.uniform(0, 24 * 20)),
                expires_at=NOW + timedelta(days=rng.choice((-1, 3, 30))),
            )
        )
    return out


def synthetic_seekers(n: int, rng: random.Random, first_id: int = 1) -> list[SeekerProfile]:
    """n seeker profiles: 1-2 trades, 0-2 districts, some locations, pay floors, wishes."""
    out = []
    for i in range(n):
        located = rng.random() < 0.3
        unit = rng.choice((PayUnit.MONTH, PayUnit.DAY, None))
        floor = {PayUnit.MONTH: 4500, PayUnit.DAY: 180}.get(unit, 0) if unit else 0
        out.append(
            SeekerProfile(
                user_id=first_id + i,
                categories=tuple(rng.sample(CODES, rng.choice((1, 2)))),
                districts=tuple(rng.sample(DISTRICTS, rng.choice((0, 1, 2)))),
                location=Location(39.1 + rng.uniform(-0.2, 0.2), 117.2 + rng.uniform(-0.3, 0.3))
                if located
                else None,
                max_km=rng.choice((None, 5.0, 15.0)),
                pay=Pay(floor, None, unit) if unit else Pay(),
                pay_hard=rng.random() < 0.1,
                daily_settlement_only=rng.random() < 0.1,
                work_form=rng.choice((WorkForm.STABLE, WorkForm.FLEXIBLE, None)),
                wish=rng.choice(WISHES) or None,
                penalties=rng.choice(({}, {}, {"distance": 0.2}, {"pay": 0.1})),
            )
        )
    return out


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ms = np.array(samples) * 1000
    return {
        "p50": round(float(np.percentile(ms, 50)), 2),
        "p95": round(float(np.percentile(ms, 95)), 2),
    }


def timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    """Wall time of each call."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def bench_forward(
    size: int, texts: list[tuple[str, str]], queries: int
) -> tuple[dict[str, Any], PostingSide]:
    """Build a posting side of `size` and time hybrid top-10 searches with reasons."""
    rng = random.Random(size)
    vectors = Vectors(size)
    postings = synthetic_postings(size, texts, rng)
    before = _rss_mb()
    start = time.perf_counter()
    matrix = vectors.draw(size)
    side = PostingSide(build_index(DIM, np.arange(1, size + 1), matrix, np.zeros(size, np.int64)))
    side.put(postings, [0] * size, [], np.zeros((0, DIM), dtype=np.float32))
    built = time.perf_counter() - start
    gc.collect()
    grown = _rss_mb() - before - round(matrix.nbytes / 2**20)  # the matrix is the bench's
    seekers = synthetic_seekers(queries, rng)
    query_vectors = vectors.draw(queries)
    now = NOW.timestamp()
    results: list[int] = []

    def one(i: int) -> None:
        query = side.query(seekers[i], query_vectors[i])
        found = side.search(query, 10, now)
        results.append(len(found))
        for f in found:
            render(f.parts, t)

    for i in range(min(20, queries)):  # warm-up
        one(i)
    samples = []
    for i in range(queries):
        samples.extend(timed(lambda i=i: one(i), 1))
    agreement = None
    if isinstance(side.index, IVFIndex):  # the same lists with float32 storage: same top 10?
        stored = side.index
        fp32 = IVFIndex.trained(DIM, matrix, storage="flat")
        fp32.add(np.arange(1, size + 1), matrix)
        shares = []
        for i in range(min(queries, 100)):
            query = side.query(seekers[i], query_vectors[i])
            side.index = stored
            ours = {f.key for f in side.search(query, 10, now)}
            side.index = fp32
            exact = {f.key for f in side.search(query, 10, now)}
            shares.append(len(ours & exact) / max(len(exact), 1))
        side.index = stored
        agreement = round(float(np.mean(shares)), 4)
        del fp32
    del matrix
    gc.collect()
    return {
        "build_s": round(built, 1),
        "index": "ivf" if isinstance(side.index, IVFIndex) else "flat",
        "storage": getattr(side.index, "storage", "flat"),
        "latency_ms": percentiles(samples),
        "mean_results": round(float(np.mean(results)), 1),
        "top10_agreement_with_float32_storage": agreement,
        "load_average": _load(),
        "rss_growth_mb": grown,
        "bytes_mb": _mb(side.nbytes()),
    }, side


def words_side(texts: list[tuple[str, str]], rng: random.Random, vectors: Vectors) -> PostingSide:
    """A 20k posting corpus whose word statistics weigh the seekers' wish words."""
    side = PostingSide(FlatIndex.empty(DIM))
    sample = synthetic_postings(20_000, texts, rng)
    side.put(sample, [0] * len(sample), range(len(sample)), vectors.draw(len(sample)))
    return side


def bench_reverse(
    size: int, texts: list[tuple[str, str]], queries: int
) -> tuple[dict[str, Any], SeekerSide]:
    """Build a seeker side of `size` (profiles and vectors made and added 50k at a time, so
    1M fit in memory) and time reverse matching of new postings."""
    rng = random.Random(size + 1)
    vectors = Vectors(size + 1)
    words = words_side(texts, rng, vectors).words
    before = _rss_mb()
    start = time.perf_counter()
    ids = np.arange(1, size + 1, dtype=np.int64)
    matrix = vectors.draw(size)
    side = SeekerSide(build_index(DIM, ids, matrix, np.zeros(size, np.int64)))
    del matrix
    indexed = time.perf_counter() - start
    for chunk in range(0, size, 50_000):
        seekers = synthetic_seekers(min(50_000, size - chunk), rng, first_id=chunk + 1)
        side.put(seekers, [0] * len(seekers), [], np.zeros((0, DIM), np.float32), words)
    built = time.perf_counter() - start
    gc.collect()
    grown = _rss_mb() - before
    postings = synthetic_postings(queries, texts[::-1], rng)
    posting_vectors = vectors.draw(queries)
    now = NOW.timestamp()
    reached: list[int] = []
    caps = ReachCap()
    asked = [max(4 * caps.limit(HEADS[i % len(HEADS)]), 64) for i in range(queries)]

    def one(i: int, limit: int | None) -> None:
        found = side.reach(postings[i], posting_vectors[i], words, now, 0.45, limit)
        if limit is None:
            reached.append(len(found))
        render_many([f.parts for f in found], t)  # as Matcher.reach does

    for i in range(min(20, queries)):
        one(i, None)
    reached.clear()
    samples, every = [], []
    for i in range(queries):
        samples.extend(timed(lambda i=i: one(i, asked[i]), 1))
        every.extend(timed(lambda i=i: one(i, None), 1))
    return {
        "build_s": round(built, 1),
        "index_build_s": round(indexed, 1),
        "index": "ivf" if isinstance(side.index, IVFIndex) else "flat",
        "storage": getattr(side.index, "storage", "flat"),
        "latency_ms": percentiles(samples),
        "asked": "as the push step asks: 4 x the reach cap of a headcount mix (caps 50-500)",
        "all_latency_ms": percentiles(every),
        "mean_reached": round(float(np.mean(reached)), 1),
        "load_average": _load(),
        "rss_growth_mb": grown,
        "bytes_mb": _mb(side.nbytes()),
    }, side


def bench_indexes(size: int, queries: int, hnsw_size: int) -> dict[str, Any]:
    """Index layouts on the same synthetic vectors: build, one-query p95, bytes per vector,
    recall of exact search's top 10 and top 300 (reverse matching's vector pool)."""
    vectors = Vectors(7)
    data = vectors.draw(size)
    probe = vectors.draw(queries)
    out: dict[str, Any] = {"vectors": size, "queries": queries}
    truth, out["flat"] = _exact(data, probe)
    layouts = {
        "ivf_flat": "flat",
        "ivf_sq_fp16": "fp16",
        "ivf_sq8": "sq8",
    }
    for name, storage in layouts.items():
        start = time.perf_counter()
        index = IVFIndex.trained(DIM, data, storage=storage)
        index.add(np.arange(size, dtype=np.int64), data)
        built = time.perf_counter() - start
        out[name] = _layout_figures(index.nearest, probe, truth, built, index.nbytes() / size)
        out[name]["lists"] = index.lists
        del index
        gc.collect()
    hnsw = faiss.IndexHNSWFlat(DIM, 16, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 40
    hnsw.hnsw.efSearch = 320
    start = time.perf_counter()
    hnsw.add(data[:hnsw_size])
    built = time.perf_counter() - start
    small = faiss.IndexFlatIP(DIM)
    small.add(data[:hnsw_size])
    with single_thread():
        small_truth = small.search(probe, 300)[1]

    def hnsw_nearest(q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        with single_thread():
            scores, ids = hnsw.search(q[None], k)
        return ids[0], scores[0]

    out["hnsw_m16"] = _layout_figures(
        hnsw_nearest, probe, small_truth, built, DIM * 4 + 16 * 2 * 4 * 1.1
    )
    out["hnsw_m16"]["vectors"] = hnsw_size
    out["hnsw_m16"]["note"] = "no remove_ids: every paused seeker would need a rebuild"
    out["load_average"] = _load()
    return out


def _exact(data: np.ndarray, probe: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """The exact top 300 of each probe, and exact search's own figures."""
    exact = faiss.IndexFlatIP(DIM)
    exact.add(data)
    with single_thread():
        truth = exact.search(probe, 300)[1]
        samples = [timed(lambda q=q: exact.search(q[None], 300), 1)[0] for q in probe]
    figures = {
        "build_s": 0.0,
        "p95_ms": percentiles(samples)["p95"],
        "bytes_per_vector": DIM * 4,
        "recall_at_10": 1.0,
        "recall_at_300": 1.0,
    }
    return truth, figures


def _layout_figures(
    nearest: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]],
    probe: np.ndarray,
    truth: np.ndarray,
    built: float,
    per_vector: float,
) -> dict[str, Any]:
    found = [nearest(q, 300)[0] for q in probe]
    samples = [timed(lambda q=q: nearest(q, 300), 1)[0] for q in probe]
    return {
        "build_s": round(built, 1),
        "p95_ms": percentiles(samples)["p95"],
        "bytes_per_vector": round(per_vector, 1),
        "recall_at_10": _recall(found, truth, 10),
        "recall_at_300": _recall(found, truth, 300),
    }


def _recall(found: list[np.ndarray], truth: np.ndarray, k: int) -> float:
    hits = [
        len(set(f[:k].tolist()) & set(row[:k].tolist()))
        for f, row in zip(found, truth, strict=True)
    ]
    return round(float(np.sum(hits)) / (k * len(found)), 4)


def bench_encode(
    texts: list[tuple[str, str]],
    count: int,
    model: str | None,
    cache: Path,
    backend: Backend,
    rounds: int = 3,
) -> dict[str, Any]:
    """Our encoder and plain sentence-transformers on the same new texts, in alternating
    rounds (each round on texts neither has seen; medians reported)."""
    from sentence_transformers import SentenceTransformer

    from matching.encoder import load_encoder
    from matching.model_files import ensure_default_model

    passages = list(dict.fromkeys(posting_text(Posting(None, a, b)) for a, b in texts))
    before = _rss_mb()
    encoder = load_encoder(model, cache, backend=backend)
    warm = passages[:16]
    encoder.encode(warm, "passage")
    model_mb = _rss_mb() - before  # after a first batch: weights are mapped in on first use
    plain = SentenceTransformer(model or str(ensure_default_model(cache)), device="cpu")
    plain.encode([f"passage: {p}" for p in warm], normalize_embeddings=True)
    ours_rates, plain_rates, agreement = [], [], []
    for round_ in range(rounds):
        batch = passages[16 + round_ * count : 16 + (round_ + 1) * count]

        def ours(batch: list[str] = batch) -> np.ndarray:
            return encoder.encode(batch, "passage")

        def theirs(batch: list[str] = batch) -> np.ndarray:
            prefixed = [f"passage: {p}" for p in batch]
            return np.asarray(plain.encode(prefixed, batch_size=32, normalize_embeddings=True))

        order = (ours, theirs) if round_ % 2 == 0 else (theirs, ours)
        vectors = {}
        for run in order:
            start = time.perf_counter()
            vectors[run] = run()
            rate = len(batch) / (time.perf_counter() - start)
            (ours_rates if run is ours else plain_rates).append(rate)
        agreement.append(float(np.mean(np.sum(vectors[ours] * vectors[theirs], axis=1))))
    return {
        "encode_texts": f"{rounds} rounds x {count} new posting texts (title + 200 chars)",
        "encode_per_s": round(float(np.median(ours_rates)), 1),
        "plain_st_encode_per_s": round(float(np.median(plain_rates)), 1),
        "encode_rounds_per_s": {
            "ours": [round(r, 1) for r in ours_rates],
            "plain": [round(r, 1) for r in plain_rates],
        },
        "mean_cosine_ours_vs_plain": round(float(np.mean(agreement)), 4),
        "model": encoder.model_id,
        "encoder_backend": encoder.backend,
        "rss_model_mb": model_mb,
        "encoder_cache_mb": round(encoder.cache_bytes() / 2**20, 1),
        "encode_load_average": _load(),
    }


def serving_memory(
    size: int, texts: list[tuple[str, str]], model: str | None, cache: Path, backend: Backend
) -> dict[str, Any]:
    """RSS of this process holding both sides at `size` and the model (one batch encoded)."""
    from matching.encoder import load_encoder

    sides = {
        "posting": bench_forward(size, texts, 20)[1],
        "seeker": bench_reverse(size, texts, 20)[1],
    }
    both = _rss_mb()
    encoder = load_encoder(model, cache, backend=backend)
    encoder.encode([posting_text(Posting(None, a, b)) for a, b in texts[:64]], "passage")
    return {
        "size": size,
        "encoder_backend": encoder.backend,
        "rss_both_sides_mb": both,
        "side_bytes_mb": {
            name: round(sum(side.nbytes().values()) / 2**20) for name, side in sides.items()
        },
        "rss_mb": _rss_mb(),
        "peak_rss_mb": _high_water_mb(),
        "load_average": _load(),
    }


def _high_water_mb() -> int:
    """This process's own peak RSS (VmHWM): ru_maxrss would carry the parent's across exec."""
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith("VmHWM:"))
    return round(int(line.split()[1]) / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--encode-texts", type=int, default=256, help="Texts per round.")
    parser.add_argument("--no-encode", action="store_true", help="Skip the encoder figures.")
    parser.add_argument(
        "--1m", dest="million", action="store_true", help="Add the 1M seeker figures (~10 min)."
    )
    parser.add_argument("--turns", type=int, default=200, help="Users of the turn figures.")
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--data", type=Path, default=DATA, help="dev_postings.csv.gz, read in place."
    )
    parser.add_argument(
        "--encoder-backend", default="auto", choices=get_args(Backend), help="Force a path."
    )
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "yizhan")
    parser.add_argument(
        "--serving-only", type=int, metavar="N", help="Only the serving memory at N (JSON)."
    )
    args = parser.parse_args()
    texts = real_texts(args.data, 50_000)
    if args.serving_only:
        figures = serving_memory(
            args.serving_only, texts, args.model, args.cache_dir, args.encoder_backend
        )
        print(json.dumps(figures, ensure_ascii=False))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    report: dict[str, Any] = {
        "machine": {"cpus": len(os.sched_getaffinity(0)), "load_average": _load()},
        "cpu_flags": cpu_flags(),
        "vectors": "synthetic unit vectors around 300 centres (encoder bypassed) for search",
        "texts": "real posting texts from the dev data set, cycled to size",
    }
    turns = asyncio.run(ordinary_turns(args.turns))
    report["turn"] = {**percentiles(turns), "turns": len(turns), "load_average": _load()}
    report["turn_p95_ms"] = report["turn"]["p95"]
    kept: dict[str, Any] = {}
    for size in sizes:
        label = f"{size // 1000}k"
        kept.clear()  # the largest sides stay loaded for the memory figures
        gc.collect()
        forward, kept["postings"] = bench_forward(size, texts, args.queries)
        reverse, kept["seekers"] = bench_reverse(size, texts, args.queries)
        report[f"forward_{label}"] = forward
        _progress(f"{label}", forward, reverse)
        report[f"reverse_{label}"] = reverse
        report[f"query_p95_ms_{label}"] = forward["latency_ms"]["p95"]
        report[f"reverse_p95_ms_{label}"] = reverse["latency_ms"]["p95"]
    largest = f"{max(sizes) // 1000}k"
    report["memory"] = {
        f"rss_posting_side_{largest}_mb": report[f"forward_{largest}"]["rss_growth_mb"],
        f"rss_seeker_side_{largest}_mb": report[f"reverse_{largest}"]["rss_growth_mb"],
        "posting_side_bytes_mb": report[f"forward_{largest}"]["bytes_mb"],
        "seeker_side_bytes_mb": report[f"reverse_{largest}"]["bytes_mb"],
        f"rss_both_sides_{largest}_mb": _rss_mb(),
    }
    report["search_peak_rss_mb"] = _peak_rss_mb()
    if not args.no_encode:  # torch's idle threads would otherwise slow the searches
        report.update(
            bench_encode(
                texts, args.encode_texts, args.model, args.cache_dir, args.encoder_backend
            )
        )
        report["memory"]["rss_model_mb"] = report["rss_model_mb"]
        report["memory"]["encoder_cache_mb"] = report["encoder_cache_mb"]
        report["memory"][f"rss_both_sides_{largest}_and_model_mb"] = _rss_mb()
        serving = subprocess.run(
            [sys.executable, __file__, "--serving-only", str(max(sizes)), "--data", str(args.data),
             "--encoder-backend", args.encoder_backend, "--cache-dir", str(args.cache_dir),
             *(["--model", args.model] if args.model else [])],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        report["serving_memory"] = json.loads(serving.stdout)
        report["serving_peak_rss_mb"] = report["serving_memory"]["peak_rss_mb"]
    kept.clear()
    gc.collect()
    if args.million:
        queries = min(args.queries, 100)
        million, _ = bench_reverse(1_000_000, texts, queries)
        million["seekers"] = "synthetic profiles and vectors (said so: no 1M real seekers exist)"
        report["reverse_1m"] = million
        report["reverse_p95_ms_1m"] = million["latency_ms"]["p95"]
        _progress("reverse 1m", million)
        gc.collect()
        report["index_choice_1m"] = bench_indexes(1_000_000, queries, 200_000)
    report["load_average_at_end"] = _load()
    report["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(report, ensure_ascii=False, indent=1))


def _progress(label: str, *parts: dict[str, Any]) -> None:
    """One line to stderr per finished part: a long run shows where it is."""
    print(label, *(json.dumps(p, ensure_ascii=False) for p in parts), file=sys.stderr)


def _peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _rss_mb() -> int:
    """Resident memory now (peak RSS never falls, so parts are measured by this)."""
    with open("/proc/self/statm") as handle:
        return round(int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _mb(parts: dict[str, int]) -> dict[str, float]:
    return {name: round(value / 2**20, 1) for name, value in parts.items()}


if __name__ == "__main__":
    main()
