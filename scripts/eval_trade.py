"""Trade per job of `yizhan parse` against hand-labelled gold (the push kit's dev_posts.jsonl).

Parsed jobs are paired with gold jobs as the push kit pairs them (scripts/eval_pay_gold.py), then
every gold job is scored: right when the parsed job's first trade is the gold category. A job with
no trade read (or no partner) is counted in `no_trade` and is wrong; `wrong_trade` counts jobs
given a trade that is not the gold's (a wrong push, worse than none). Keywords only unless
`--meaning`. Prints one JSON object; `--show-errors` adds post ids and codes (never the text).

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


def score(posts: list[dict[str, Any]], parsed: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy overall and per gold category, jobs with no trade and with a wrong one."""
    by_post: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in parsed:
        by_post[str(line["id"])].extend(line.get("jobs") or [])
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
            if got[:1] == [want]:
                right[want] += 1
                continue
            no_trade += not got
            wrong += bool(got)
            errors.append({"id": post["id"], "job": g, "gold": want, "got": got})
    jobs = sum(total.values())
    return {
        "jobs": jobs,
        "accuracy": round(sum(right.values()) / jobs, 3) if jobs else 0.0,
        "no_trade": no_trade,
        "wrong_trade": wrong,
        "by_category": {
            code: {"jobs": total[code], "accuracy": round(right[code] / total[code], 3)}
            for code in sorted(total)
        },
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
    result = score(posts, _parse(args.posts, args.meaning))
    if not args.show_errors:
        result.pop("errors")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
