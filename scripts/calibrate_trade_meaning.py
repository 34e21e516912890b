"""Calibrates the meaning fallback's bar (matching/trade_meaning.py) on labelled posts without a
keyword; prints one JSON object.

The fallback sees only posts whose text the keyword tables read no trade from, so the labelled
set is made of such texts:
- real postings (../shared/eval/raw/jobhunting_share_cn/dev_postings.csv.gz) whose description
  (职位描述) has no keyword, labelled by their platform title (职位): an A–Q code when the
  keyword tables read one title word alone, clearly (confidence ≥ 0.6, a lead of 0.2), or `none`
  when the title is plainly outside the seventeen trades (Java, 前端, 算法, 产品经理, 律师…);
  duplicates of one description kept once;
- the hand-labelled real postings of scripts/data/eval_labels.csv (`X`: no A–Q trade) and the
  single-job gig posts of scripts/data/gig_posts*.jsonl, again only where no keyword is read.
Every item goes to `tune` or `untouched` by a hash of its company (a company's near-identical
posts stay on one side); the bar is chosen on `tune` only and `untouched` is reported as it
falls. Real `none` postings outnumber the A–Q ones ~14:1 in this white-collar corpus; each split
keeps as many `none` items as A–Q ones (sampled by hash) and reports how often the fallback
answers on them, so the precision at any other mix follows.

An answer is right when it is the label's (first) code; an answer on a `none` item is wrong.
Coverage is the share of A–Q items that get an answer. The bar is the lowest best-code cosine,
then the smallest lead over the runner-up, that keeps precision ≥ --precision on `tune` with the
most right answers. The old rule of matching/category_vectors.py (description vectors, a lead of
0.02 and no bar) is scored on the same items for comparison.

    python scripts/calibrate_trade_meaning.py [--precision 0.9] [--cache FILE]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matching.category_vectors import CODES, category_queries  # noqa: E402
from matching.parser import MIN_CATEGORY_CONFIDENCE, parse_post  # noqa: E402
from matching.post_trade import centroids, cosines  # noqa: E402
from matching.taxonomy import classify  # noqa: E402
from scripts.shared_eval import DEV_POSTINGS  # noqa: E402

DATA = ROOT / "scripts" / "data"
NONE = "none"
# Titles of work outside the seventeen trades (what the real corpus is mostly made of).
OUTSIDE = re.compile(
    r"java|python|c\+\+|golang|php|前端|后端|算法|软件|开发工程师|测试工程师|运维工程师|"
    r"产品经理|数据分析|架构师|嵌入式|律师|教师|游戏",
    re.IGNORECASE,
)
TITLE_SURE = 0.6  # a title word alone, in the title: 0.67
TITLE_LEAD = 0.2
BARS = np.round(np.arange(0.80, 0.95, 0.0025), 4)
LEADS = np.round(np.arange(0.0, 0.0601, 0.0025), 4)
OLD_LEAD = 0.02
NOW = "2026-11-23T10:00:00+08:00"


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled text: where it came from, its trade code (or NONE) and its split."""

    source: str
    label: str  # an A–Q code or NONE
    text: str
    split: str


def _split(company: str) -> str:
    return "tune" if hashlib.sha1(company.encode()).digest()[0] % 2 == 0 else "untouched"


def _no_keyword(text: str, title: str = "") -> bool:
    return not any(s >= MIN_CATEGORY_CONFIDENCE for _, s in classify(text, title))


def _title_label(title: str) -> str | None:
    read = classify("", title)
    if not read:
        return NONE if OUTSIDE.search(title) else None
    if read[0][1] >= TITLE_SURE and (len(read) == 1 or read[0][1] - read[1][1] >= TITLE_LEAD):
        return read[0][0]
    return None


def real_items() -> list[Item]:
    """Title-labelled and hand-labelled real postings without a keyword in the description."""
    hand = {}
    with (DATA / "eval_labels.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["codes"].split(";")[0]
            hand[row["id"]] = NONE if code == "X" else code
    items: list[Item] = []
    seen: set[str] = set()
    with gzip.open(DEV_POSTINGS, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text = (row["职位描述"] or "").strip()
            if not text or text in seen or not _no_keyword(text):
                continue
            seen.add(text)
            split = _split(row["公司"] or row["职位自编号"])
            if row["职位自编号"] in hand:
                items.append(Item("hand", hand[row["职位自编号"]], text, split))
            elif (label := _title_label(row["职位"] or "")) is not None:
                items.append(Item("title", label, text, split))
    return items


def gig_items() -> list[Item]:
    """Our own single-job gig posts whose text reads no keyword."""
    items = []
    for path in sorted(DATA.glob("gig_posts*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            post = json.loads(line)
            jobs = post.get("jobs") or []
            if len(jobs) != 1 or not jobs[0].get("categories"):
                continue
            parsed = parse_post(post["text"], datetime.fromisoformat(post.get("now") or NOW))
            if len(parsed) == 1 and _no_keyword(parsed[0].text, parsed[0].title or ""):
                code = jobs[0]["categories"][0]
                items.append(Item("gig", code, parsed[0].text, _split(str(post["id"]))))
    return items


def balanced(items: list[Item]) -> list[Item]:
    """Per split: every A–Q item, and as many NONE items (hand-labelled first, then by hash)."""
    out: list[Item] = []
    for split in ("tune", "untouched"):
        mine = [i for i in items if i.split == split]
        trades = [i for i in mine if i.label != NONE]
        nones = sorted(
            (i for i in mine if i.label == NONE),
            key=lambda i: (i.source != "hand", hashlib.sha1(i.text.encode()).digest()),
        )
        out += trades + nones[: len(trades)]
    return out


def answers(sims: np.ndarray, bar: float, lead: float) -> list[str | None]:
    """The fallback's rule on each row of cosines (kept here in its vectorised form)."""
    order = np.argsort(-sims, axis=1)
    best = sims[np.arange(len(sims)), order[:, 0]]
    second = sims[np.arange(len(sims)), order[:, 1]]
    ok = (best >= bar) & (best - second >= lead)
    return [CODES[int(o)] if k else None for o, k in zip(order[:, 0], ok, strict=True)]


def figures(items: list[Item], got: list[str | None]) -> dict[str, Any]:
    trades = [(i, g) for i, g in zip(items, got, strict=True) if i.label != NONE]
    nones = [(i, g) for i, g in zip(items, got, strict=True) if i.label == NONE]
    answered = [(i, g) for i, g in zip(items, got, strict=True) if g is not None]
    right = sum(g == i.label for i, g in answered)
    return {
        "items": len(items),
        "trade_items": len(trades),
        "none_items": len(nones),
        "answered": len(answered),
        "right": right,
        "precision": round(right / len(answered), 3) if answered else None,
        "coverage": round(sum(g is not None for _, g in trades) / len(trades), 3)
        if trades
        else None,
        "none_answered": sum(g is not None for _, g in nones),
        "precision_on_trades": round(
            sum(g == i.label for i, g in trades) / max(1, sum(g is not None for _, g in trades)),
            3,
        ),
    }


def calibrate(items: list[Item], sims: np.ndarray, target: float) -> tuple[float, float]:
    """The (bar, lead) with the most right answers at precision ≥ target."""
    best: tuple[int, float, float] | None = None
    for bar in BARS:
        for lead in LEADS:
            f = figures(items, answers(sims, float(bar), float(lead)))
            if f["precision"] is None or f["precision"] < target or f["answered"] < 10:
                continue
            if best is None or f["right"] > best[0]:
                best = (f["right"], float(bar), float(lead))
    if best is None:
        raise SystemExit(f"no bar reaches precision {target} on the tune split")
    return best[1], best[2]


def main() -> None:
    """Label, encode (cached), calibrate on tune, report both splits."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--precision", type=float, default=0.9)
    ap.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "yizhan" / "calibrate.sqlite"
    )
    args = ap.parse_args()
    from matching.encoder import load_encoder

    items = balanced(real_items() + gig_items())
    encoder = load_encoder(None, Path.home() / ".cache" / "yizhan", cache_path=args.cache)
    vectors = encoder.encode([i.text for i in items], "passage", progress=True)
    sims = cosines(vectors, centroids(encoder))
    old = vectors @ encoder.encode(category_queries(), "query").T
    tune = np.array([i.split == "tune" for i in items])
    split = {name: [i for i in items if (i.split == "tune") == keep] for name, keep in
             (("tune", True), ("untouched", False))}  # fmt: skip
    bar, lead = calibrate(split["tune"], sims[tune], args.precision)
    result: dict[str, Any] = {"bar": bar, "lead": lead, "model": encoder.model_id}
    for name, keep in (("tune", tune), ("untouched", ~tune)):
        mine = split[name]
        result[name] = {
            "labels": dict(Counter(i.label for i in mine).most_common()),
            "sources": dict(Counter(i.source for i in mine).most_common()),
            "fallback": figures(mine, answers(sims[keep], bar, lead)),
            "old_rule": figures(mine, answers(old[keep], -1.0, OLD_LEAD)),
            "by_source": {
                source: figures(
                    [i for i in mine if i.source == source],
                    [
                        g
                        for i, g in zip(mine, answers(sims[keep], bar, lead), strict=True)
                        if i.source == source
                    ],
                )
                for source in sorted({i.source for i in mine})
            },
        }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
