"""End-to-end push evaluation: runs the shared dev kit's harness on this checkout, prints figures.

The kit (../shared/eval/push/: 120 gig posts, 300 seekers, the gold rule in its README) drives
`yizhan run` through a local fake Bot API; this script only starts it with our `yizhan`, and
prints push precision/recall, forward nDCG@10 / P@5 and scam leakage from its last JSON line.

    python scripts/eval_push.py [--quick] [--kit PATH] [--yizhan PATH]

--quick uses 10 posts and 30 seekers (about 1.5 minutes); the full run takes 8-10 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.shared_eval import PUSH_KIT  # noqa: E402

KIT = PUSH_KIT / "push_eval.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 posts, 30 seekers.")
    parser.add_argument("--kit", type=Path, default=KIT, help="The harness, push_eval.py.")
    parser.add_argument("--yizhan", default=shutil.which("yizhan") or "yizhan")
    args = parser.parse_args()
    env = dict(os.environ, YIZHAN=args.yizhan, PYTHONPATH=str(ROOT))
    if args.quick:
        env.update(PUSH_EVAL_POSTS="10", PUSH_EVAL_SEEKERS="30")
    run = subprocess.run(
        [sys.executable, str(args.kit), "run", str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit(run.returncode)
    figures = json.loads(run.stdout.strip().splitlines()[-1])["push_eval"]
    summary = {
        "push_precision": figures["push"]["precision"],
        "push_recall": figures["push"]["recall"],
        "ndcg@10": figures["forward"]["ndcg@10"],
        "p@5": figures["forward"]["p@5"],
        "scam_leakage": figures["push"]["scam_leakage"],
        "seekers_onboarded": figures["seekers_onboarded"],
        "false_push_kinds": figures["false_push_kinds"],
        "miss_kinds": figures["miss_kinds"],
        "work": figures["work"],
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
