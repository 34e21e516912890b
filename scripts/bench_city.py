"""City-scale benchmark on PostgreSQL: several workers on one database.

Prints one JSON object:
- deliveries_per_s_1 / deliveries_per_s_N: pushes claimed, rendered, sent (instant in-memory
  sender) and recorded per second of wall time with one worker and with N workers sharing the
  queue through FOR UPDATE SKIP LOCKED (target >= 1,000/s unpaced); duplicates must be 0.
- turn_p50_ms / turn_p95_ms: inbound message turns (帮助, through the real router with the
  database-held per-user lock) spread over N workers, --in-flight at a time (target p95 <= 30 ms).
- rss_mb: this process's peak RSS.
Scaled down and said so: the workers are N connection pools in one process (sharing its two
cores with the database server), not N processes; no encoder is loaded, so a posting's reach and
a seeker's top-10 (matching, scripts/bench_matching.py) are not measured here.
Usage: python scripts/bench_city.py [--seekers N] [--pushes N] [--workers N] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
import uuid
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.delivery.dispatcher import Dispatcher  # noqa: E402
from handlers.context import Policy, Services  # noqa: E402
from handlers.router import handle  # noqa: E402
from models.db import Database  # noqa: E402
from models.messages import Channel, DialogKey, Incoming  # noqa: E402
from models.timeutil import to_db, utcnow  # noqa: E402
from scripts.bench_dispatch import _enqueue, _postings, _seekers  # noqa: E402
from tests.fakes.channel import FakeSender  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
PER_POSTING = 10  # pushes per seeker in the delivery runs


async def _fresh(url: str) -> None:
    """Empty every table but the migration record between runs."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        cur = await conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename != '_migrations'"
        )
        names = ", ".join(f'"{r[0]}"' for r in await cur.fetchall())
        if names:  # a new database has no tables until the first open migrates it
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


async def deliveries(url: str, pushes: int, workers: int) -> dict[str, Any]:
    """Everything due at once on an unpaced channel, drained by `workers` pools."""
    await _fresh(url)
    async with Database.open(url) as db:
        services = Services(db=db, policy=Policy())
        names = [f"d{i}" for i in range(pushes // PER_POSTING)]
        seekers: list[int] = []
        for start in range(0, len(names), 5000):
            seekers += await _seekers(db, Channel.CONSOLE, names[start : start + 5000])
        postings = await _postings(services, PER_POSTING)
        await _enqueue(services, [(p, s) for p in postings for s in seekers])

    async def one(sender: FakeSender) -> int:
        async with Database.open(url) as mine:
            return await Dispatcher(
                Services(db=mine, policy=Policy()), {Channel.CONSOLE: sender}
            ).run_until_idle()

    senders = [FakeSender(Channel.CONSOLE) for _ in range(workers)]
    start = time.perf_counter()
    await asyncio.gather(*(one(s) for s in senders))
    seconds = time.perf_counter() - start
    sent = Counter((m.address, m.reply.text) for s in senders for m in s.messages)
    return {
        f"deliveries_per_s_{workers}": round(sum(sent.values()) / seconds, 1),
        f"deliveries_{workers}": sum(sent.values()),
        f"duplicates_{workers}": sum(n - 1 for n in sent.values() if n > 1),
    }


async def turns(url: str, users: int, workers: int, in_flight: int) -> dict[str, Any]:
    """One 帮助 turn per user, `in_flight` at a time, users spread over the workers."""
    await _fresh(url)
    async with Database.open(url) as setup:
        await _seekers(setup, Channel.CONSOLE, [f"t{i}" for i in range(users)])
    async with AsyncExitStack() as stack:
        dbs = [await stack.enter_async_context(Database.open(url)) for _ in range(workers)]
        services = [Services(db=db, policy=Policy()) for db in dbs]
        times: list[float] = []
        gate = asyncio.Semaphore(in_flight)

        async def turn(i: int) -> None:
            msg = Incoming(key=DialogKey(Channel.CONSOLE, f"t{i}"), text="帮助")
            async with gate:
                start = time.perf_counter()
                replies = await handle(msg, services[i % workers])
                times.append((time.perf_counter() - start) * 1000)
            assert replies, "every turn is answered"

        await asyncio.gather(*(turn(i) for i in range(users)))
    cuts = statistics.quantiles(times, n=20)
    return {
        "turns": len(times),
        "turns_in_flight": in_flight,
        "turn_p50_ms": round(cuts[9], 1),
        "turn_p95_ms": round(cuts[18], 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=2000, help="users for the turn run")
    parser.add_argument("--pushes", type=int, default=20000, help="deliveries per run")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=12, help="turns running at once")
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a temporary one)")
    args = parser.parse_args()
    url, made = args.url, None
    if url is None:
        made = f"yizhan_bench_{uuid.uuid4().hex[:8]}"
        async with await psycopg.AsyncConnection.connect(
            f"{SERVER}/postgres", autocommit=True
        ) as c:
            await c.execute(f'CREATE DATABASE "{made}"')
        url = f"{SERVER}/{made}"
    try:
        report: dict[str, Any] = {"backend": "postgresql", "at": to_db(utcnow())}
        report.update(await deliveries(url, args.pushes, 1))
        report.update(await deliveries(url, args.pushes, args.workers))
        report.update(await turns(url, args.seekers, args.workers, args.in_flight))
        report["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        report["scaled_down"] = (
            f"{args.workers} workers as pools in one process; no encoder (reach/top-10 not run)"
        )
    finally:
        if made:
            async with await psycopg.AsyncConnection.connect(
                f"{SERVER}/postgres", autocommit=True
            ) as c:
                await c.execute(f'DROP DATABASE IF EXISTS "{made}" WITH (FORCE)')
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
