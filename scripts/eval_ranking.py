"""nDCG@10 of our ranker against BM25 on a labelled set of real postings; prints one JSON object.

The labels (scripts/data/eval_labels.csv: posting id -> form codes, "X" for none of A-Q) were
made for this script: candidate titles picked per category by keyword rules, then every title
read and relabelled or dropped by hand (multi-trade posts carry several codes). The postings'
text stays in the third-party data set; only ids and codes are in the repository.

Queries per category: the code alone (a profile that ticked the category) and two free-text
wishes as seekers write them. A posting is relevant when the category is among its labels.
Postings get categories the way `yizhan import` derives them (taxonomy.classify on title and
text), all get the same district (none: the data set is not Tianjin), date and trust, so the
ranking is decided by what the job is.

    python scripts/eval_ranking.py [--data PATH] [--labels PATH] [--variants]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.texts import t  # noqa: E402
from matching.encoder_backend import Backend  # noqa: E402
from matching.engine import Matcher, TextEncoder  # noqa: E402
from matching.profile_text import apply_wish, posting_text, seeker_text  # noqa: E402
from matching.taxonomy import CATEGORIES, classify  # noqa: E402
from models.db import Database  # noqa: E402
from models.posting import Posting  # noqa: E402
from models.repos.postings import PostingRepo  # noqa: E402
from models.seeker import SeekerProfile  # noqa: E402
from models.values import Pay, PayUnit  # noqa: E402
from scripts.shared_eval import DEV_POSTINGS  # noqa: E402

DATA = DEV_POSTINGS
LABELS = ROOT / "scripts" / "data" / "eval_labels.csv"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
K = 10
# Categories are kept from confidence 0.4: one title word in the text (taxonomy.py).
MIN_CATEGORY_CONFIDENCE = 0.4

# Two wishes per category, written the way seekers type them (our own words).
WISHES: dict[str, tuple[str, str]] = {
    "A": ("想找保洁或者家政的活", "会打扫卫生，想做钟点工或者住家阿姨"),
    "B": ("有C1驾照，想开车送货", "想在仓库干活，搬运分拣都行"),
    "C": ("想找送外卖的活 时间自由", "想当快递员，多劳多得"),
    "D": ("想找个办公室坐班的工作，会电脑打字", "想做行政或者人事，双休"),
    "E": ("有会计证，想找做账的工作", "想在银行或者保险公司上班"),
    "F": ("想做客服，不用出去跑", "想跑业务做销售，提成高的"),
    "G": ("会修车，想找汽修厂的活", "想学洗车贴膜"),
    "H": ("想当保安，年纪大一点也能干的", "会水电维修，想找物业的活"),
    "I": ("想去饭店当服务员，包吃住", "会炒菜，想找厨师的工作"),
    "J": ("想进工厂上班，流水线也行", "会电焊，想找焊工的活"),
    "K": ("想学美甲或者美容", "会按摩推拿，想找足疗店的工作"),
    "L": ("想在酒店前台工作", "想当导游，带旅游团"),
    "M": ("想在超市当收银员", "想去商场卖衣服当导购"),
    "N": ("想做护工照顾病人", "护士专业，想找医院的工作"),
    "O": ("想去工地干活，力气活也行", "懂造价预算，想找建筑公司"),
    "P": ("想养猪养鸡，农村的活也可以", "想做园林绿化，种花种树"),
    "Q": ("应届毕业生，想找实习", "刚毕业，想做管培生"),
}


def read_labels(path: Path) -> dict[str, set[str]]:
    """Posting id -> its labels."""
    with path.open(encoding="utf-8") as handle:
        return {row["id"]: set(row["codes"].split(";")) for row in csv.DictReader(handle)}


def read_postings(path: Path, ids: set[str]) -> dict[str, dict[str, str]]:
    """The labelled rows of the data set (read as strings)."""
    out: dict[str, dict[str, str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["职位自编号"] in ids:
                out[row["职位自编号"]] = row
    return out


def to_posting(row: dict[str, str]) -> Posting:
    """A data-set row as `yizhan import` would store it (categories from the taxonomy)."""
    title, text = row["职位"], row["职位描述"] or ""
    found = [(c, s) for c, s in classify(text, title) if s >= MIN_CATEGORY_CONFIDENCE][:2]
    low, high = _number(row["最低薪资"]), _number(row["最高薪资"])
    return Posting(
        id=None,
        external_id=row["职位自编号"],
        source="eval",
        title=title,
        description=text,
        categories=tuple(c for c, _ in found),
        category_confidence=found[0][1] if found else 0.0,
        pay=Pay(low, high, PayUnit.MONTH) if low or high else Pay(),
        published_at=NOW,
    )


def queries() -> list[tuple[str, str, SeekerProfile, str]]:
    """(category, kind, profile, text for BM25) for every query."""
    out = []
    for code, wishes in WISHES.items():
        coded = SeekerProfile(user_id=0, categories=(code,))
        out.append((code, "code", coded, seeker_text(coded)))
        for wish in wishes:
            out.append((code, "wish", apply_wish(SeekerProfile(user_id=0), wish), wish))
    return out


def ndcg(ranked: Sequence[str], relevant: set[str], k: int = K) -> float:
    """Binary-relevance nDCG@k."""
    gain = sum(1 / math.log2(i + 2) for i, pid in enumerate(ranked[:k]) if pid in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gain / ideal if ideal else 0.0


def bm25_ranker(postings: list[Posting]) -> Callable[[str], list[str]]:
    """rank-bm25 (Okapi) over jieba search-mode tokens of title and text."""
    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(60)
    corpus = [jieba.lcut_for_search(f"{p.title} {p.description}") for p in postings]
    model = BM25Okapi(corpus)
    ids = [p.external_id or "" for p in postings]

    def rank(text: str) -> list[str]:
        scores = model.get_scores(jieba.lcut_for_search(text))
        return [ids[i] for i in np.argsort(-scores, kind="stable")[:K]]

    return rank


async def our_rankings(
    encoder: TextEncoder, postings: list[Posting], profiles: list[SeekerProfile], work: Path
) -> list[list[str]]:
    """Top-10 external ids per profile from the Matcher on a fresh database."""
    async with Database.open(work / "eval.db") as db:
        repo = PostingRepo(db)
        for posting in postings:
            await repo.add(posting, NOW)
        matcher = await Matcher.open(db, encoder, work, phrases=t)
        found = await matcher.search_many(profiles, K, NOW)
        external = await repo.external_ids(sorted({m.posting_id for ms in found for m in ms}))
        await matcher.close()
    return [[external[m.posting_id] or "" for m in ms] for ms in found]


def cosines(
    encoder: TextEncoder, postings: list[Posting], profiles: list[SeekerProfile]
) -> np.ndarray:
    """Cosine of every profile text with every posting passage (texts the Matcher embeds)."""
    docs = encoder.encode([posting_text(p) for p in postings], "passage")
    asked = encoder.encode([seeker_text(p) for p in profiles], "query")
    return np.asarray(asked @ docs.T)


def calibration(
    similarity: np.ndarray,
    asked: list[tuple[str, str, SeekerProfile, str]],
    ids: list[str],
    labels: dict[str, set[str]],
) -> dict[str, list[float]]:
    """10th/50th/90th percentiles of cosine for same-trade and unrelated pairs (weights.py)."""
    same, other = [], []
    for row, (code, _, _, _) in zip(similarity, asked, strict=True):
        for value, pid in zip(row, ids, strict=True):
            (same if code in labels[pid] else other).append(float(value))
    return {
        "same_trade": [round(float(v), 3) for v in np.percentile(same, [10, 50, 90])],
        "unrelated": [round(float(v), 3) for v in np.percentile(other, [10, 50, 90])],
    }


def evaluate(
    encoder: TextEncoder, data: Path, labels_path: Path, variants: bool
) -> dict[str, object]:
    """Every figure of the report."""
    labels = read_labels(labels_path)
    rows = read_postings(data, set(labels))
    postings = [to_posting(rows[i]) for i in labels if i in rows]
    relevant = {
        code: {pid for pid, codes in labels.items() if code in codes} for code in CATEGORIES
    }
    asked = queries()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        ours = asyncio.run(our_rankings(encoder, postings, [q[2] for q in asked], Path(work)))
    ours_seconds = time.perf_counter() - started
    bm25 = bm25_ranker(postings)
    systems: dict[str, list[list[str]]] = {"ours": ours, "bm25": [bm25(q[3]) for q in asked]}
    ids = [p.external_id or "" for p in postings]
    similarity = cosines(encoder, postings, [q[2] for q in asked])  # cached: no new encoding
    if variants:
        systems["semantic_only"] = [[ids[i] for i in np.argsort(-row)[:K]] for row in similarity]
    report: dict[str, object] = {
        "postings": len(postings),
        "queries": len(asked),
        "metric": f"nDCG@{K}, binary relevance (category in the posting's labels)",
        "ours_seconds_incl_encoding": round(ours_seconds, 1),
        "semantic_calibration_p10_p50_p90": calibration(similarity, asked, ids, labels),
    }
    for kind in ("code", "wish"):
        per: dict[str, dict[str, float]] = {}
        for name, ranked in systems.items():
            scores: dict[str, list[float]] = {}
            for (code, qkind, _, _), result in zip(asked, ranked, strict=True):
                if qkind == kind:
                    scores.setdefault(code, []).append(ndcg(result, relevant[code]))
            per[name] = {code: round(float(np.mean(v)), 3) for code, v in scores.items()}
        report[kind] = {
            "mean": {name: round(float(np.mean(list(v.values()))), 3) for name, v in per.items()},
            "per_category": {code: {name: per[name][code] for name in per} for code in WISHES},
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--model", default=None, help="Local sentence-transformers folder.")
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "yizhan")
    parser.add_argument("--variants", action="store_true", help="Also the semantic-only ablation.")
    parser.add_argument(
        "--encoder-backend", default="auto", choices=get_args(Backend), help="Force a path."
    )
    args = parser.parse_args()
    from matching.encoder import load_encoder

    encoder = load_encoder(args.model, args.cache_dir, backend=args.encoder_backend)
    report = evaluate(encoder, args.data, args.labels, args.variants)
    print(json.dumps(report, ensure_ascii=False, indent=1))


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


if __name__ == "__main__":
    main()
