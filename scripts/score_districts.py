"""District recall and precision of the post parser against hand-labelled gold; prints JSON.

Sets: the push kit's development posts (../shared/eval/push/dev_posts.jsonl, gold per job, null
when the post names no place or the work is abroad) and the gig sets in scripts/data. Each gold
job is paired with the parsed job at its place in the post, else the post's first parsed job (a
post's place is shared by its jobs). `right` counts equal districts, `wrong` a district other than
the gold's, `spurious` a district where the gold has none, `missed` none where the gold has one.
Recall is right / gold districts, precision right / districts read. `--show-errors` adds the post
ids and the two values (never the text).

    python scripts/score_districts.py [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.parser import parse_post  # noqa: E402
from scripts.shared_eval import SHARED  # noqa: E402

DATA = ROOT / "scripts" / "data"
SETS = {
    "push_dev": SHARED / "eval" / "push" / "dev_posts.jsonl",
    "gig": DATA / "gig_posts.jsonl",
    "gig_heldout": DATA / "gig_posts_heldout.jsonl",
    "gig_dev": DATA / "gig_posts_dev.jsonl",
    "gig_blind": DATA / "gig_posts_blind.jsonl",  # never read: scored only
}
NOW = "2026-12-02T10:00:00+08:00"


def score(posts: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The figures of one set and its errors (post id, job index, gold, parsed)."""
    counts = {"jobs": 0, "gold": 0, "read": 0, "right": 0, "wrong": 0, "spurious": 0, "missed": 0}
    errors: list[dict[str, Any]] = []
    for post in posts:
        parsed = parse_post(post["text"], datetime.fromisoformat(post.get("now") or NOW))
        for i, gold_job in enumerate(post["jobs"]):
            job = parsed[i] if i < len(parsed) else (parsed[0] if parsed else None)
            got, want = (job.district if job else None), gold_job.get("district")
            counts["jobs"] += 1
            counts["gold"] += want is not None
            counts["read"] += got is not None
            if got == want:
                counts["right"] += want is not None
                continue
            key = "missed" if got is None else "spurious" if want is None else "wrong"
            counts[key] += 1
            errors.append({"id": post["id"], "job": i, "gold": want, "parsed": got})
    out: dict[str, Any] = {
        "recall": round(counts["right"] / counts["gold"], 3) if counts["gold"] else 1.0,
        "precision": round(counts["right"] / counts["read"], 3) if counts["read"] else 1.0,
        **counts,
    }
    return out, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    result: dict[str, Any] = {}
    for name, path in SETS.items():
        if not path.exists():
            result[name] = {"skipped": f"{path} not found"}
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        result[name], errors = score(rows)
        if args.show_errors and name != "gig_blind":
            result[name]["errors"] = errors
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
