"""Trade per job of `yizhan parse` against hand-labelled gold (the push kit's dev_posts.jsonl).

Parsed jobs are paired with gold jobs as the push kit pairs them (scripts/eval_pay_gold.py), then
every gold job is scored: right when the parsed job's first trade is the gold category. A job with
no trade read (or no partner) is counted in `no_trade` and is wrong; `wrong_trade` counts jobs
given a trade that is not the gold's (a wrong push, worse than none). Keywords only unless
`--meaning`, which also parses keywords-only to find the jobs the keyword tables read no trade
for and scores the meaning fallback (matching/trade_meaning.py) on them: `fallback.precision` is
the share of its answers that are the gold's, `fallback.coverage` the share of those jobs it
answers. Prints one JSON object; `--show-errors` adds post ids and codes (never the text).

    python scripts/eval_trade.py [--posts FILE] [--meaning] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_pay_gold import KIT, NOW, _pairs, _rows


def _parse(posts: Path, meaning: bool) -> list[dict[str, Any]]:
    lines = [
        json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) for r in _rows(posts)
    ]
    command = [os.environ.get("YIZHAN", "yizhan"), "parse", "--now", NOW]
    if not meaning:
        command.append("--keywords-only")
    done = subprocess.run(
        command, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _jobs(parsed: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    by_post: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in parsed:
        by_post[str(line["id"])].extend(line.get("jobs") or [])
    return by_post


def score(
    posts: list[dict[str, Any]],
    parsed: list[dict[str, Any]],
    keywords: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Accuracy overall and per gold category, jobs with no trade and with a wrong one; given
    the keywords-only parse of the same posts, the fallback's figures on the jobs it left open."""
    by_post = _jobs(parsed)
    plain = _jobs(keywords or [])
    fallback = {"jobs": 0, "answered": 0, "right": 0}
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    no_trade = wrong = 0
    errors: list[dict[str, Any]] = []
    for post in posts:
        gold, mine = post["jobs"], by_post.get(str(post["id"]), [])
        pairs = _pairs(mine, gold)
        for g, gj in enumerate(gold):
            want = gj.get("category")
            got = list((mine[pairs[g]] if g in pairs else {}).get("categories") or [])
            total[want] += 1
            unread = plain.get(str(post["id"]), [])
            # The same job read by keywords only: no trade there means the fallback decided.
            if g in pairs and pairs[g] < len(unread) and not unread[pairs[g]].get("categories"):
                fallback["jobs"] += 1
                fallback["answered"] += bool(got)
                fallback["right"] += got[:1] == [want]
            if got[:1] == [want]:
                right[want] += 1
                continue
            no_trade += not got
            wrong += bool(got)
            errors.append({"id": post["id"], "job": g, "gold": want, "got": got})
    jobs = sum(total.values())
    extra: dict[str, Any] = {}
    if keywords is not None:
        answered = fallback["answered"]
        extra["fallback"] = {
            **fallback,
            "precision": round(fallback["right"] / answered, 3) if answered else None,
            "coverage": round(answered / fallback["jobs"], 3) if fallback["jobs"] else None,
        }
    return {
        "jobs": jobs,
        "accuracy": round(sum(right.values()) / jobs, 3) if jobs else 0.0,
        "no_trade": no_trade,
        "wrong_trade": wrong,
        "by_category": {
            code: {"jobs": total[code], "accuracy": round(right[code] / total[code], 3)}
            for code in sorted(total)
        },
        **extra,
        "errors": errors,
    }


def main() -> None:
    """Parse the kit's posts and print the trade figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=Path, default=KIT)
    ap.add_argument("--meaning", action="store_true", help="let the model read trades too")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    posts = _rows(args.posts)
    plain = _parse(args.posts, False)
    result = score(posts, _parse(args.posts, True), plain) if args.meaning else score(posts, plain)
    if not args.show_errors:
        result.pop("errors")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
