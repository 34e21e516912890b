"""Where the workplace's shared folder (../shared: evaluation kits and data) is, for every script.

A checkout at /work/main has it beside itself; a worktree at /work/wt/<branch> one level further
up. One lookup, so no script reads the wrong place from a worktree.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()),
    ROOT.parent / "shared",
)
DEV_POSTINGS = SHARED / "eval" / "raw" / "jobhunting_share_cn" / "dev_postings.csv.gz"
PUSH_KIT = SHARED / "eval" / "push"
