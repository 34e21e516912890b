"""Calibrates the push decision's semantic bars (matching/push_rules.py) on labelled postings.

For every query of scripts/eval_ranking.py (a ticked category, or a free-text wish) and every
labelled posting, the cosine the Matcher would compute; then, per bar, the share of pairs at or
above it whose posting carries the query's trade (precision) and the share of same-trade pairs
it keeps (recall). Prints the lowest bar reaching each precision target, and the curve.

    python scripts/calibrate_push.py [--data PATH] [--labels PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_ranking import (  # noqa: E402
    DATA,
    LABELS,
    cosines,
    queries,
    read_labels,
    read_postings,
    to_posting,
)

TARGETS = {"semantic_bar": 0.90, "strong_bar": 0.97}
BARS = np.round(np.arange(0.86, 0.951, 0.005), 3)


def curve(similarity: np.ndarray, same: np.ndarray) -> list[dict[str, float]]:
    """Precision and recall of "cosine >= bar means same trade" for each bar."""
    out = []
    for bar in BARS:
        above = similarity >= bar
        kept = int(above.sum())
        hits = int((above & same).sum())
        out.append(
            {
                "bar": float(bar),
                "pairs": kept,
                "precision": round(hits / kept, 3) if kept else 1.0,
                "recall": round(hits / max(int(same.sum()), 1), 3),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "yizhan")
    args = parser.parse_args()
    from matching.encoder import load_encoder

    labels = read_labels(args.labels)
    rows = read_postings(args.data, set(labels))
    postings = [to_posting(rows[i]) for i in labels if i in rows]
    asked = queries()
    encoder = load_encoder(None, args.cache_dir)
    similarity = cosines(encoder, postings, [q[2] for q in asked])
    ids = [p.external_id or "" for p in postings]
    same = np.array([[code in labels[pid] for pid in ids] for code, *_ in asked])
    report: dict[str, object] = {"postings": len(postings), "queries": len(asked)}
    for kind in ("wish", "code"):
        mask = np.array([q[1] == kind for q in asked])
        points = curve(similarity[mask], same[mask])
        report[kind] = {
            name: next((p["bar"] for p in points if p["precision"] >= target), None)
            for name, target in TARGETS.items()
        }
        report[f"{kind}_curve"] = points
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
