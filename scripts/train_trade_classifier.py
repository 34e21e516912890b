"""Trains the trade classifier (matching/trade_classifier.py) on real postings; prints JSON.

The keyword tables read no trade from most real descriptions, and their cosines with the codes'
vectors name the right code first for only 38% of them (matching/trade_meaning.py), so the
meaning fallback answered 1.7% of them. A softmax (logistic regression, scikit-learn) over the
e5 vectors learns the trades from labelled descriptions instead:
- labels: the platform title (职位) read by the keyword tables alone and clearly, or `none` for
  titles plainly outside the seventeen trades (scripts/calibrate_trade_meaning.py's rule);
  every description of a company on the `tune` side, as many `none` as A–Q (sampled by hash);
- the probability bar: on calibrate_trade_meaning's tune items (descriptions with no keyword,
  left out of the training), the lowest bar with precision ≥ --precision and the most right
  answers;
- reported: the same figures on its `untouched` items (other companies), never used here.
The weights are tied to the model they were trained on: matching/trade_classifier.py uses them
only with that model's vectors (and its int8 copy's, cosine 0.997 with them).

    python scripts/train_trade_classifier.py [--precision 0.9] [--c 16] [--cache FILE]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.trade_classifier import CLASSIFIER_FILE, NONE, TradeClassifier  # noqa: E402
from scripts.calibrate_trade_meaning import (  # noqa: E402
    DEV_POSTINGS,
    Item,
    _split,
    _title_label,
    balanced,
    figures,
    gig_items,
    real_items,
)

BARS = np.round(np.arange(0.40, 0.951, 0.025), 3)


def training_texts(held: set[str]) -> list[tuple[str, str]]:
    """(label, description) of the tune companies' title-labelled postings, not in `held`."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    with gzip.open(DEV_POSTINGS, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = (row["职位描述"] or "").strip()
            if not text or text in seen or text in held:
                continue
            seen.add(text)
            if _split(row["公司"] or row["职位自编号"]) != "tune":
                continue
            if (label := _title_label(row["职位"] or "")) is not None:
                out.append((label, text))
    trades = [x for x in out if x[0] != NONE]
    nones = sorted(
        (x for x in out if x[0] == NONE), key=lambda x: hashlib.sha1(x[1].encode()).digest()
    )
    return trades + nones[: len(trades)]


def calibrated_bar(
    clf: TradeClassifier, items: list[Item], vectors: np.ndarray, target: float
) -> float:
    """The bar with the most right answers at precision ≥ target on `items`."""
    best: tuple[int, float] | None = None
    for bar in BARS:
        got = [clf.answer(v, float(bar)) for v in vectors]
        f = figures(items, got)
        if f["precision"] is None or f["precision"] < target or f["answered"] < 10:
            continue
        if best is None or f["right"] > best[0]:
            best = (f["right"], float(bar))
    if best is None:
        raise SystemExit(f"no bar reaches precision {target} on the tune items")
    return best[1]


def main() -> None:
    """Label, encode (cached), fit, calibrate the bar on tune, write the weights, report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--precision", type=float, default=0.9)
    ap.add_argument("--c", type=float, default=16.0, help="Inverse regularisation strength.")
    ap.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "yizhan" / "train_trade.sqlite"
    )
    ap.add_argument("--out", type=Path, default=CLASSIFIER_FILE)
    args = ap.parse_args()
    from matching.encoder import load_encoder

    judged = balanced(real_items() + gig_items())
    train = training_texts({i.text for i in judged})
    encoder = load_encoder(None, Path.home() / ".cache" / "yizhan", cache_path=args.cache)
    x = encoder.encode([t for _, t in train], "passage", progress=True)
    model = LogisticRegression(C=args.c, max_iter=5000).fit(x, [label for label, _ in train])
    clf = TradeClassifier(
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
        tuple(str(c) for c in model.classes_),
        encoder.model_id,
        0.0,
    )
    vectors = encoder.encode([i.text for i in judged], "passage", progress=True)
    tune = np.array([i.split == "tune" for i in judged])
    tune_items = [i for i in judged if i.split == "tune"]
    bar = calibrated_bar(clf, tune_items, vectors[tune], args.precision)
    clf = replace(clf, bar=bar)
    clf.save(args.out)
    result: dict[str, Any] = {
        "model": encoder.model_id,
        "c": args.c,
        "bar": bar,
        "training": dict(Counter(label for label, _ in train).most_common()),
    }
    for name, keep in (("tune", tune), ("untouched", ~tune)):
        mine = [i for i, k in zip(judged, keep, strict=True) if k]
        result[name] = figures(mine, [clf.answer(v) for v in vectors[keep]])
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
