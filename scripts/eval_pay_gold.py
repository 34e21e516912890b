"""Pay per job of `yizhan parse` against hand-labelled gold (the push kit's dev_posts.jsonl).

Each post's parsed jobs are paired with its gold jobs as the push kit pairs them (pay, category,
headcount, age), then every gold job is scored: `exact` when min, max and unit all equal the
gold's, `unit` when the unit does, `per_day` when the top of the range per day (month = 21.75
days, day = 8 hours: the push kit's gold rule) is within 1% of the gold's, which is what decides a
push. A gold job with no partner counts as wrong. Prints one JSON object; `--show-errors` adds the
post ids and values (never the text).

    python scripts/eval_pay_gold.py [--posts FILE] [--parsed FILE] [--show-errors]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.shared_eval import PUSH_KIT  # noqa: E402

KIT = PUSH_KIT / "dev_posts.jsonl"
NOW = "2026-12-02T10:00:00+08:00"
PER_DAY = {"day": 1.0, "month": 1 / 21.75, "hour": 8.0, "year": 1 / (12 * 21.75)}


def _num(v: Any) -> float | None:
    return None if v in (None, "") else round(float(v), 2)


def _per_day(job: dict[str, Any]) -> float | None:
    top = job.get("pay_max") if job.get("pay_max") is not None else job.get("pay_min")
    factor = PER_DAY.get(job.get("pay_unit") or "")
    return None if top is None or factor is None else float(top) * factor


def _similarity(pj: dict[str, Any], gj: dict[str, Any]) -> float:
    """The push kit's pairing score, so a job is scored against the gold job the kit uses."""
    s = 0.0
    pay_p = {_num(pj.get("pay_min")), _num(pj.get("pay_max"))} - {None}
    pay_g = {_num(gj.get("pay_min")), _num(gj.get("pay_max"))} - {None}
    if pay_p and pay_g and pay_p & pay_g:
        s += 3
    elif not pay_p and not pay_g:
        s += 1
    cats = list(pj.get("categories") or [])
    s += 2 if cats[:1] == [gj.get("category")] else (1 if gj.get("category") in cats else 0)
    if pj.get("headcount") is not None and _num(pj["headcount"]) == _num(gj.get("headcount")):
        s += 1
    if pj.get("age_max") is not None and pj.get("age_max") == gj.get("age_max"):
        s += 0.5
    return s


def _pairs(pjobs: list[dict[str, Any]], gjobs: list[dict[str, Any]]) -> dict[int, int]:
    """Gold index → parsed index, the best one-to-one pairing."""
    if len(pjobs) == 1 and len(gjobs) == 1:
        return {0: 0}
    best: dict[int, int] = {}
    best_score = -1.0
    n = max(len(pjobs), len(gjobs))
    if n > 7:  # permutations of 8+ jobs: pair in order instead
        return {g: g for g in range(min(len(pjobs), len(gjobs)))}
    for perm in itertools.permutations(range(n), len(gjobs)):
        pairs = {g: p for g, p in enumerate(perm) if p < len(pjobs)}
        score = sum(_similarity(pjobs[p], gjobs[g]) for g, p in pairs.items())
        if score > best_score:
            best, best_score = pairs, score
    return best


def _parse(posts: Path) -> list[dict[str, Any]]:
    lines = [
        json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) for r in _rows(posts)
    ]
    yizhan = os.environ.get("YIZHAN", "yizhan")
    done = subprocess.run(
        [yizhan, "parse", "--keywords-only", "--now", NOW],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def score(posts: list[dict[str, Any]], parsed: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures (and the errors) of one run."""
    by_post: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in parsed:  # one line per post: every job under "jobs"
        by_post[str(line["id"])].extend(line.get("jobs") or [])
    counts = {"jobs": 0, "exact": 0, "unit": 0, "per_day": 0, "posts": 0, "job_count": 0}
    errors: list[dict[str, Any]] = []
    for post in posts:
        gold, mine = post["jobs"], by_post.get(str(post["id"]), [])
        counts["posts"] += 1
        counts["job_count"] += len(gold) == len(mine)
        pairs = _pairs(mine, gold)
        for g, gj in enumerate(gold):
            counts["jobs"] += 1
            pj = mine[pairs[g]] if g in pairs else {}
            want = (_num(gj.get("pay_min")), _num(gj.get("pay_max")), gj.get("pay_unit"))
            got = (_num(pj.get("pay_min")), _num(pj.get("pay_max")), pj.get("pay_unit"))
            exact, unit = want == got, want[2] == got[2]
            day_g, day_p = _per_day(gj), _per_day(pj)
            per_day = (day_g is None and day_p is None) or (
                day_g is not None and day_p is not None and abs(day_g - day_p) <= 0.01 * day_g
            )
            counts["exact"] += exact
            counts["unit"] += unit
            counts["per_day"] += per_day
            if not exact:
                errors.append({"id": post["id"], "job": g, "gold": want, "parsed": got,
                               "doubts": pj.get("doubts")})  # fmt: skip
    jobs, n = counts["jobs"] or 1, counts["posts"] or 1
    return {
        "posts": counts["posts"],
        "jobs": counts["jobs"],
        "pay_exact": round(counts["exact"] / jobs, 3),
        "pay_unit": round(counts["unit"] / jobs, 3),
        "pay_per_day": round(counts["per_day"] / jobs, 3),
        "job_count": round(counts["job_count"] / n, 3),
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=Path, default=KIT, help="JSONL: id, text, jobs (gold)")
    ap.add_argument("--parsed", type=Path, help="`yizhan parse` output to score instead")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    posts = _rows(args.posts)
    parsed = _rows(args.parsed) if args.parsed else _parse(args.posts)
    result = score(posts, parsed)
    if not args.show_errors:
        result.pop("errors")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
