"""Replays a finished push-kit run's push decisions with this checkout's code, in a minute or two.

The push kit (../shared/eval/push/push_eval.py, 8-10 minutes) leaves its database and detail.json
in its work folder. This script copies that database aside, recomputes every published posting's
reach (all candidates, with each push verdict) and scores the pushes at `--threshold` with the
kit's own gold rule and scoring, so a change to the push bars (matching/push_rules.py) or the
threshold can be measured without onboarding 300 seekers again. Postings and seekers stay as the
run parsed them: a parser change still needs a full run. Near-duplicate suppression at delivery
is not replayed, so figures may differ from the run's by a few pushes. Prints one JSON object:
the kit's figures, false pushes by cause and misses by the bar that stopped them.

    python scripts/replay_push.py WORKDIR [--threshold 0.3] [--forward]

--forward also ranks the kit's profile lines again (nDCG@10, P@5); otherwise the run's are kept.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import open_services  # noqa: E402
from bot.cli.matching import ProfileLine  # noqa: E402
from bot.settings import Settings  # noqa: E402
from handlers.seeker.jobs import ordered_matches  # noqa: E402
from handlers.services.publishing import push_decisions  # noqa: E402
from scripts.shared_eval import PUSH_KIT  # noqa: E402

KIT = PUSH_KIT / "push_eval.py"


def load_kit(path: Path) -> ModuleType:
    """The kit's harness as a module (its gold rule and scoring)."""
    spec = importlib.util.spec_from_file_location("push_eval", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no push kit at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def decisions(
    kit: ModuleType, work: Path, scratch: Path, detail: dict[str, Any], forward: bool
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(seeker, posting, score, verdict) for every candidate, and the forward ranking."""
    shutil.copytree(work, scratch, ignore=shutil.ignore_patterns("*.json", "*.jsonl", "*.stderr"))
    seeker_of = {str(o["uid"]): o["id"] for o in detail["onboarded"]}
    rows: list[dict[str, Any]] = []
    ranked: dict[str, Any] = detail["ranked"]
    async with open_services(Settings(db=scratch / "yizhan.db", _env_file=None)) as services:
        everyone = replace(services, policy=replace(services.policy, reach_threshold=0.0))
        now = services.clock()
        for key in detail["postings"]:
            posting = await services.postings.get(int(key))
            if posting is None:
                continue
            for match, verdict in await push_decisions(everyone, posting, now):
                user = await services.users.by_id(match.user_id)
                sid = seeker_of.get(str(user.key.user_id)) if user else None
                if sid is not None:
                    rows.append(
                        {"seeker": sid, "posting": key, "score": match.score,
                         "push": verdict.push, "reason": verdict.reason}
                    )  # fmt: skip
        if forward and services.matcher is not None:
            lines = [ProfileLine.model_validate(kit.profile_line(s)) for s in kit.load_seekers()]
            found = await ordered_matches(
                services.matcher, services, [line.profile() for line in lines], 100, now
            )
            ids = sorted({r.match.posting_id for rs in found for r in rs})
            external = await services.postings.external_ids(ids)
            ranked = {
                str(line.id): [
                    {"posting_id": external.get(r.match.posting_id) or str(r.match.posting_id),
                     "score": r.match.score}
                    for r in rs
                ]
                for line, rs in zip(lines, found, strict=True)
            }  # fmt: skip
    return rows, ranked


def figures(
    kit: ModuleType,
    detail: dict[str, Any],
    rows: list[dict[str, Any]],
    ranked: dict[str, Any],
    threshold: float,
) -> dict[str, Any]:
    """The kit's figures for the replayed pushes; held postings (the run's outcome) push nobody."""
    seekers, posts = kit.load_seekers(), kit.load_posts()
    postings, _split = kit.map_postings(posts, detail["outcomes"], detail["parsed"])
    cards: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in seekers:
        cards[s["id"]] = []
    for r in rows:
        if r["push"] and r["score"] >= threshold and not postings[r["posting"]]["held"]:
            cards[r["seeker"]].append({"ids": [r["posting"]], "reason": r["reason"]})
    scored, _false, misses = kit.score_all(
        seekers, posts, postings, cards, ranked, threshold, detail["onboarded"]
    )
    verdicts = {(r["seeker"], r["posting"]): r for r in rows}
    stopped: Counter[str] = Counter()
    for miss in misses:
        key = miss["posting"]
        row = verdicts.get((miss["seeker"], key))
        if key is None:
            stopped["no posting"] += 1
        elif postings[key]["held"]:
            stopped["held"] += 1
        elif row is None:
            stopped["not a candidate"] += 1
        elif row["push"]:
            stopped["under threshold"] += 1
        else:
            stopped[row["reason"].split()[0]] += 1
    push = scored["push"]
    return {
        "threshold": threshold,
        "push_precision": push["precision"],
        "push_recall": push["recall"],
        "pushes": push["pushes"],
        "scam_leakage": push["scam_leakage"],
        **scored["forward"],
        "false_push_causes": scored["false_push_causes"],
        "misses_by_bar": dict(stopped.most_common()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("work", type=Path, help="A finished kit run's PUSH_EVAL_DIR.")
    parser.add_argument("--threshold", type=float, default=Settings().reach_threshold)
    parser.add_argument("--forward", action="store_true", help="Rank the profiles again too.")
    parser.add_argument("--kit", type=Path, default=KIT, help="The harness, push_eval.py.")
    args = parser.parse_args()
    kit = load_kit(args.kit)
    detail = json.loads((args.work / "detail.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="replay-push-") as tmp:
        rows, ranked = asyncio.run(
            decisions(kit, args.work, Path(tmp) / "run", detail, args.forward)
        )
    print(json.dumps(figures(kit, detail, rows, ranked, args.threshold), ensure_ascii=False))


if __name__ == "__main__":
    main()
