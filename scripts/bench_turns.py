"""Turn benchmark: the worst inputs up to 4,096 characters, and what other users see meanwhile.

Prints one JSON object:
- worst_p99_s: p99 (with few samples: the slowest) turn time over the worst inputs, each sent
  by a fresh user as a seeker and as an employer with a draft open (target <= 0.2 s).
- worst_by_input: the slowest turn per input kind and length.
- others_p50_s / others_p99_s / others_max_s: turn times of 20 other users each writing 你好
  every 50 ms while one user sends the worst inputs one after another; others_idle_* is the
  same without the heavy sender (the difference is what one user costs everyone else).
Real router, real SQLite file in a temporary directory, no matcher (the parser is the risk).
Usage: python scripts/bench_turns.py [--reps N] [--sizes 1024,2048,4096].
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from handlers.context import Policy, Services
from handlers.router import handle
from models.db import Database
from models.messages import Channel, DialogKey, Incoming
from models.values import Role

OTHERS = 20
OTHER_EVERY_S = 0.05

# Input shapes that were slow in the attack run (digit runs in a phone field, long posts).
KINDS: dict[str, Callable[[int], str]] = {
    "digit_run_post": lambda n: ("招聘保洁 电话" + "1" * n)[:n],
    "digits_only": lambda n: "1" * n,
    "phone_like_runs": lambda n: ("电话138" + "1" * 30 + "，") * (n // 38 + 1),
    "repeated_post": lambda n: "西青区招保洁2名，日结200元，电话13812345678。" * (n // 28 + 1),
    "hanzi": lambda n: "招" * n,
    "lone_surrogates": lambda n: "招聘\ud800" * (n // 3 + 1),
}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Bench:
    """One database, fresh users per turn."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.n = 0

    async def user(self, role: Role) -> DialogKey:
        """A fresh user; an employer has a draft open (发布零工), where a post is parsed."""
        self.n += 1
        key = DialogKey(Channel.WECHAT, f"b{self.n}")
        user = await self.services.users.get_or_create(key, self.services.clock())
        if role is Role.EMPLOYER:
            await self.services.users.set_role(user.id, role, None, None)
            await handle(Incoming(key, text="发布零工"), self.services)
        return key

    async def turn(self, key: DialogKey, text: str) -> float:
        """Seconds one turn took."""
        started = time.perf_counter()
        await handle(Incoming(key, text=text[:4096]), self.services)
        return time.perf_counter() - started

    async def worst(self, sizes: list[int], reps: int) -> dict[str, float]:
        """The slowest turn per input kind and size."""
        slowest: dict[str, float] = {}
        for kind, make in KINDS.items():
            for size in sizes:
                for role in (Role.SEEKER, Role.EMPLOYER):
                    for _ in range(reps):
                        took = await self.turn(await self.user(role), make(size)[:size])
                        name = f"{kind}@{size}"
                        slowest[name] = max(slowest.get(name, 0.0), took)
        return slowest

    async def others(self, heavy: bool, sizes: list[int]) -> list[float]:
        """Other users' turn times, with or without one user sending the worst inputs."""
        keys = [await self.user(Role.SEEKER) for _ in range(OTHERS)]
        waits: list[float] = []
        stop = asyncio.Event()

        async def writer(key: DialogKey) -> None:
            while not stop.is_set():
                waits.append(await self.turn(key, "你好"))
                await asyncio.sleep(OTHER_EVERY_S)

        tasks = [asyncio.ensure_future(writer(k)) for k in keys]
        if heavy:
            sender = await self.user(Role.EMPLOYER)
            for make in KINDS.values():
                await self.turn(sender, make(max(sizes))[: max(sizes)])
        else:
            await asyncio.sleep(2.0)
        stop.set()
        await asyncio.gather(*tasks)
        return waits


async def ordinary_turns(users: int) -> list[float]:
    """Seconds per ordinary turn (你好 then 帮助 from each of `users` fresh seekers, then once
    more from each as a returning user): real router, real SQLite file, no matcher or model.
    scripts/bench_matching.py reports their p95 as turn_p95_ms."""
    with tempfile.TemporaryDirectory() as tmp:
        async with Database.open(Path(tmp) / "turns.db") as db:
            bench = Bench(Services(db=db, policy=Policy()))
            keys = [await bench.user(Role.SEEKER) for _ in range(users)]
            for key in keys[:5]:  # warm-up: first imports and prepared statements
                await bench.turn(key, "你好")
            return [
                await bench.turn(key, text) for text in ("你好", "帮助", "你好") for key in keys
            ]


async def run(reps: int, sizes: list[int]) -> dict[str, Any]:
    """All figures, from a fresh database."""
    with tempfile.TemporaryDirectory() as tmp:
        async with Database.open(Path(tmp) / "bench.db") as db:
            bench = Bench(Services(db=db, policy=Policy()))
            slowest = await bench.worst(sizes, reps)
            idle = await bench.others(False, sizes)
            busy = await bench.others(True, sizes)
    times = list(slowest.values())
    return {
        "worst_p99_s": round(_p(times, 0.99), 4),
        "worst_max_s": round(max(times), 4),
        "worst_by_input": {k: round(v, 4) for k, v in sorted(slowest.items())},
        "others_idle_p50_s": round(statistics.median(idle), 4),
        "others_idle_p99_s": round(_p(idle, 0.99), 4),
        "others_p50_s": round(statistics.median(busy), 4),
        "others_p99_s": round(_p(busy, 0.99), 4),
        "others_max_s": round(max(busy), 4),
        "others_turns": len(busy),
        "target_s": 0.2,
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    """Parse the options, run, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1, help="turns per input, role and size")
    parser.add_argument("--sizes", default="1024,2048,4096", help="input lengths, comma-separated")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    figures = asyncio.run(run(args.reps, sizes))
    # Which parser was measured: the commit under test.
    figures["commit"] = subprocess.run(
        ["git", "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=False
    ).stdout.strip()[:80]
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
