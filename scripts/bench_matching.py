"""Matching speed and memory on this machine; prints one JSON object.

- Encoding: our encoder against plain sentence-transformers on the same model and the same
  new, unique posting texts (real ones from the dev data set), in the same run.
- Forward search at 10k and 100k postings: the full hybrid top-10 through the in-memory core
  (vector, word and category candidates, numpy scoring of every candidate, gates, reasons
  rendered through the catalogue). Posting texts are real (cycled to 100k) so the word index
  has realistic lengths; the vectors are synthetic unit vectors around 300 "trade" centres
  (no encoder: 100k encodes would take 15 minutes), said so in the output.
- Reverse matching at 10k and 100k seekers: one posting against the seeker side, threshold 0.45.

    python scripts/bench_matching.py [--sizes 10000,100000] [--queries 300] [--no-encode]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.texts import t  # noqa: E402
from matching.columns import CODES, DISTRICTS  # noqa: E402
from matching.encoder import Backend, cpu_flags  # noqa: E402
from matching.explain import render, render_many  # noqa: E402
from matching.index import FlatIndex, IVFIndex, build_index  # noqa: E402
from matching.profile_text import posting_text  # noqa: E402
from matching.searcher import PostingSide, SeekerSide  # noqa: E402
from models.messages import Location  # noqa: E402
from models.posting import Posting, Trust  # noqa: E402
from models.seeker import SeekerProfile  # noqa: E402
from models.values import Pay, PayUnit, WorkForm  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "raw" / "jobhunting_share_cn" / "dev_postings.csv.gz"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DIM = 384
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
        """n vectors, each near a random centre."""
        around = self.centres[self.rng.integers(0, len(self.centres), n)]
        noisy = around + self.rng.normal(scale=0.05, size=(n, DIM)).astype(np.float32)
        return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


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


def synthetic_seekers(n: int, rng: random.Random) -> list[SeekerProfile]:
    """n seeker profiles: 1-2 trades, 0-2 districts, some locations, pay floors, wishes."""
    out = []
    for i in range(n):
        located = rng.random() < 0.3
        unit = rng.choice((PayUnit.MONTH, PayUnit.DAY, None))
        floor = {PayUnit.MONTH: 4500, PayUnit.DAY: 180}.get(unit, 0) if unit else 0
        out.append(
            SeekerProfile(
                user_id=i + 1,
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


def bench_forward(size: int, texts: list[tuple[str, str]], queries: int) -> dict[str, Any]:
    """Build a posting side of `size` and time hybrid top-10 searches with reasons."""
    rng = random.Random(size)
    vectors = Vectors(size)
    postings = synthetic_postings(size, texts, rng)
    start = time.perf_counter()
    matrix = vectors.draw(size)
    side = PostingSide(build_index(DIM, np.arange(1, size + 1), matrix, np.zeros(size, np.int64)))
    side.put(postings, [0] * size, [], np.zeros((0, DIM), dtype=np.float32))
    built = time.perf_counter() - start
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
    return {
        "build_s": round(built, 1),
        "index": "ivf" if isinstance(side.index, IVFIndex) else "flat",
        "latency_ms": percentiles(samples),
        "mean_results": round(float(np.mean(results)), 1),
    }


def bench_reverse(size: int, texts: list[tuple[str, str]], queries: int) -> dict[str, Any]:
    """Build a seeker side of `size` and time reverse matching of new postings."""
    rng = random.Random(size + 1)
    vectors = Vectors(size + 1)
    words_side = PostingSide(FlatIndex.empty(DIM))  # the posting corpus' word statistics
    sample = synthetic_postings(min(size, 20_000), texts, rng)
    words_side.put(sample, [0] * len(sample), range(len(sample)), vectors.draw(len(sample)))
    seekers = synthetic_seekers(size, rng)
    start = time.perf_counter()
    ids = np.array([s.user_id for s in seekers], dtype=np.int64)
    side = SeekerSide(build_index(DIM, ids, vectors.draw(size), np.zeros(size, np.int64)))
    side.put(seekers, [0] * size, [], np.zeros((0, DIM), dtype=np.float32), words_side.words)
    built = time.perf_counter() - start
    postings = synthetic_postings(queries, texts[::-1], rng)
    posting_vectors = vectors.draw(queries)
    now = NOW.timestamp()
    reached: list[int] = []

    def one(i: int) -> None:
        found = side.reach(postings[i], posting_vectors[i], words_side.words, now, 0.45)
        reached.append(len(found))
        render_many([f.parts for f in found], t)  # as Matcher.reach does

    for i in range(min(20, queries)):
        one(i)
    reached.clear()
    samples = []
    for i in range(queries):
        samples.extend(timed(lambda i=i: one(i), 1))
    return {
        "build_s": round(built, 1),
        "index": "ivf" if isinstance(side.index, IVFIndex) else "flat",
        "latency_ms": percentiles(samples),
        "mean_reached": round(float(np.mean(reached)), 1),
    }


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
    encoder = load_encoder(model, cache, backend=backend)
    plain = SentenceTransformer(model or str(ensure_default_model(cache)), device="cpu")
    warm = passages[:16]
    encoder.encode(warm, "passage")
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--encode-texts", type=int, default=256, help="Texts per round.")
    parser.add_argument("--no-encode", action="store_true", help="Skip the encoder figures.")
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--data", type=Path, default=DATA, help="dev_postings.csv.gz, read in place."
    )
    parser.add_argument(
        "--encoder-backend", default="auto", choices=get_args(Backend), help="Force a path."
    )
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "yizhan")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    texts = real_texts(args.data, 50_000)
    report: dict[str, Any] = {
        "machine": {"cpus": len(os.sched_getaffinity(0)), "load_average": os.getloadavg()},
        "cpu_flags": cpu_flags(),
        "vectors": "synthetic unit vectors around 300 centres (encoder bypassed) for search",
        "texts": "real posting texts from the dev data set, cycled to size",
    }
    for size in sizes:
        label = f"{size // 1000}k"
        forward = bench_forward(size, texts, args.queries)
        reverse = bench_reverse(size, texts, args.queries)
        report[f"forward_{label}"] = forward
        report[f"reverse_{label}"] = reverse
        report[f"query_p95_ms_{label}"] = forward["latency_ms"]["p95"]
        report[f"reverse_p95_ms_{label}"] = reverse["latency_ms"]["p95"]
    report["search_peak_rss_mb"] = _peak_rss_mb()
    if not args.no_encode:  # last: torch's idle threads would otherwise slow the searches
        report.update(
            bench_encode(
                texts, args.encode_texts, args.model, args.cache_dir, args.encoder_backend
            )
        )
    report["load_average_at_end"] = os.getloadavg()
    report["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(report, ensure_ascii=False, indent=1))


def _peak_rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
