"""City-scale benchmark on PostgreSQL: several workers on one database.

Prints one JSON object:
- deliveries_per_s_1 / deliveries_per_s_N: pushes claimed, rendered, sent (instant in-memory
  sender) and recorded per second of wall time with one worker and with N workers sharing the
  queue through FOR UPDATE SKIP LOCKED (target >= 1,000/s unpaced); duplicates must be 0.
- turn_p50_ms / turn_p95_ms: inbound message turns (帮助, through the real router with the
  database-held per-user lock) spread over N workers, --in-flight at a time (target p95 <= 30 ms).
- rss_mb: this process's peak RSS.
- with --city N: N seeker profiles (users, per-seeker keys, and the personal fields sealed as
  SeekerRepo writes them) and --postings M postings (real texts from --data, cycled) loaded into
  the database with COPY; then reach_enqueue_p95_ms: a new posting's reach through the in-memory
  seeker side (synthetic vectors, no encoder: 1M encodes would take hours), asked as the push
  step asks (the best 4 x `push_reach_cap`, matching.reach_cap's default; mean_ranked counts
  them), cut to the cap and those pushes enqueued by
  DeliveryRepo.enqueue_in in one transaction (target <= 50 ms), reach_p95_ms alone (with the cut),
  top10_p95_ms: a seeker's top 10 of the M postings (target <= 20 ms), and the bytes of the
  seeker side's parts (what each worker holds in memory).
Scaled down and said so: the workers are N connection pools in one process (sharing its two
cores with the database server), not N processes; the push bars' cosines and decisions
(handlers.services.publishing.push_decisions) are not part of reach here.
Usage: python scripts/bench_city.py [--seekers N] [--pushes N] [--workers N] [--url URL]
       [--city N --postings M --queries Q --data PATH [--city-url URL] [--city-only]]
The database is a temporary one, dropped at the end, unless --url names one. --city-url keeps
the city in a database of its own: loaded by the first run (tens of minutes at 1M), reused by
the next ones (only its pushes are emptied).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import time
import uuid
from collections import Counter
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.delivery.dispatcher import Dispatcher  # noqa: E402
from handlers.context import Policy, Services  # noqa: E402
from handlers.router import handle  # noqa: E402
from handlers.texts import t  # noqa: E402
from matching.explain import render, render_many  # noqa: E402
from matching.index import build_index  # noqa: E402
from matching.reach_cap import ReachCap  # noqa: E402
from matching.searcher import PostingSide, SeekerSide  # noqa: E402
from models.db import Database  # noqa: E402
from models.messages import Channel, DialogKey, Incoming  # noqa: E402
from models.posting import Posting  # noqa: E402
from models.repos.deliveries import DeliveryRepo  # noqa: E402
from models.repos.personal import seal  # noqa: E402
from models.repos.seekers import _FIELDS, _values  # noqa: E402
from models.timeutil import to_db, utcnow  # noqa: E402
from scripts.bench_dispatch import _enqueue, _postings, _seekers  # noqa: E402
from scripts.bench_matching import (  # noqa: E402
    DATA,
    DIM,
    HEADS,
    NOW,
    Vectors,
    _mb,
    real_texts,
    synthetic_postings,
    synthetic_seekers,
    words_side,
)
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
        for first in range(0, len(names), 5000):
            seekers += await _seekers(db, Channel.CONSOLE, names[first : first + 5000])
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


CHUNK = 50_000  # profiles made, sealed, copied and indexed at a time


async def _copy_postings(
    conn: psycopg.AsyncConnection, made: list[Posting], at: str | None
) -> float:
    """COPY the postings in, set the id sequences past the copied ids, ANALYZE; seconds taken."""
    began = time.perf_counter()
    async with conn.cursor() as cur:
        async with cur.copy(
            "COPY postings (id, title, description, status, district, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for post in made:
                await copy.write_row(
                    (post.id, post.title, post.description, "published", post.district, at, at)
                )
        for table in ("users", "postings"):
            await cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT MAX(id) FROM {table}))"
            )
        await cur.execute("ANALYZE")
    await conn.commit()
    return time.perf_counter() - began


def _p95(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=20)
    return {"p50": round(cuts[9], 1), "p95": round(cuts[18], 1)}


async def _holds_city(url: str, seekers: int, postings: int) -> bool:
    """Whether a kept city database already holds this city (then only its pushes are reset)."""
    async with Database.open(url) as db:  # migrates a new database
        users = await db.fetchone("SELECT COUNT(*) AS n FROM users")
        posts = await db.fetchone("SELECT COUNT(*) AS n FROM postings")
        held = bool(users and posts and users["n"] == seekers and posts["n"] == postings)
    if held:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            await conn.execute("TRUNCATE deliveries, delivery_attempts, outbox CASCADE")
            await conn.execute("VACUUM ANALYZE deliveries")
    return held


async def city(
    url: str, seekers: int, postings: int, queries: int, data: Path, *, keep: bool = False
) -> dict[str, Any]:
    """Load a city into the database with COPY (unless `keep` and it is loaded already), then
    time reach + enqueue and top-10."""
    loaded = keep and await _holds_city(url, seekers, postings)
    if not loaded:
        await _fresh(url)
        async with Database.open(url):
            pass  # migrated
    rng = random.Random(7)
    vectors = Vectors(7)
    texts = real_texts(data, 20_000)
    words = words_side(texts, rng, vectors).words
    now = NOW
    at = to_db(now)
    start = time.perf_counter()
    side = SeekerSide(
        build_index(
            DIM, np.arange(1, seekers + 1), vectors.draw(seekers), np.zeros(seekers, np.int64)
        )
    )
    index_s = time.perf_counter() - start
    load_s = 0.0
    async with await psycopg.AsyncConnection.connect(url) as conn:
        for first in range(1, seekers + 1, CHUNK):
            made = synthetic_seekers(min(CHUNK, seekers + 1 - first), rng, first_id=first)
            made = [m.with_(consent=True, status="active", skills="电焊 叉车") for m in made]
            side.put(made, [0] * len(made), [], np.zeros((0, DIM), np.float32), words)
            if loaded:
                continue
            began = time.perf_counter()
            keys = [os.urandom(32) for _ in made]
            async with conn.cursor() as cur:
                async with cur.copy(
                    "COPY users (id, channel, channel_user_id, display_name, created_at)"
                    " FROM STDIN"
                ) as copy:
                    for p, key in zip(made, keys, strict=True):
                        name = seal(key, p.user_id, "display_name", f"求职者{p.user_id}")
                        await copy.write_row((p.user_id, "console", f"c{p.user_id}", name, at))
                async with cur.copy(
                    "COPY user_keys (user_id, key, created_at) FROM STDIN"
                ) as copy:
                    for p, key in zip(made, keys, strict=True):
                        await copy.write_row((p.user_id, key, at))
                async with cur.copy(f"COPY seekers ({_FIELDS}) FROM STDIN") as copy:
                    for p, key in zip(made, keys, strict=True):
                        await copy.write_row(_values(p, now, key))
            await conn.commit()
            load_s += time.perf_counter() - began
        made_postings = synthetic_postings(postings, texts, rng)
        if not loaded:
            load_s += await _copy_postings(conn, made_postings, at)
    posting_side = PostingSide(
        build_index(
            DIM, np.arange(1, postings + 1), vectors.draw(postings), np.zeros(postings, np.int64)
        )
    )
    posting_side.put(made_postings, [0] * postings, [], np.zeros((0, DIM), dtype=np.float32))
    pushed = synthetic_postings(queries, texts[::-1], rng)
    pushed = [
        p.with_(id=(i * 37) % postings + 1, headcount=HEADS[i % len(HEADS)])
        for i, p in enumerate(pushed)
    ]
    pushed_vectors = vectors.draw(queries)
    reach_ms: list[float] = []
    both_ms: list[float] = []
    reached: list[int] = []
    pushed_to: list[int] = []
    cap = ReachCap()  # the default push_reach_cap: the push step's cap (publishing._reach)
    async with Database.open(url) as db:
        repo = DeliveryRepo(db)
        for i, posting in enumerate(pushed):
            began = time.perf_counter()
            limit = cap.limit(posting.headcount)
            # As the push step asks (publishing.push_decisions): 4 × the cap, best first.
            asked = max(4 * limit, 64)
            found = side.reach(posting, pushed_vectors[i], words, now.timestamp(), 0.45, asked)
            kept = found[:limit]
            reasons = render_many([f.parts for f in kept], t)
            reach_ms.append((time.perf_counter() - began) * 1000)
            matches = [(f.key, f.score, r) for f, r in zip(kept, reasons, strict=True)]
            async with db.transaction() as tx:
                await repo.enqueue_in(tx, int(posting.id or 0), matches, now)
            both_ms.append((time.perf_counter() - began) * 1000)
            reached.append(len(found))
            pushed_to.append(len(kept))
    profiles = synthetic_seekers(queries, rng)
    query_vectors = vectors.draw(queries)
    top_ms: list[float] = []
    for i, profile in enumerate(profiles):
        began = time.perf_counter()
        for f in posting_side.search(
            posting_side.query(profile, query_vectors[i]), 10, now.timestamp()
        ):
            render(f.parts, t)
        top_ms.append((time.perf_counter() - began) * 1000)
    return {
        "city_seekers": seekers,
        "city_postings": postings,
        "city_load_s": round(load_s, 1),
        "city_index_build_s": round(index_s, 1),
        "reach_enqueue_ms": _p95(both_ms),
        "reach_enqueue_p95_ms": _p95(both_ms)["p95"],
        "reach_ms": _p95(reach_ms),
        "reach_p95_ms": _p95(reach_ms)["p95"],
        "mean_ranked": round(statistics.fmean(reached), 1),
        "max_ranked": max(reached),
        "mean_pushed": round(statistics.fmean(pushed_to), 1),
        "max_pushed": max(pushed_to),
        "top10_ms": _p95(top_ms),
        "top10_p95_ms": _p95(top_ms)["p95"],
        "seeker_side_mb": _mb(side.nbytes()),
        "posting_side_mb": _mb(posting_side.nbytes()),
        "city_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "city_load_average": os.getloadavg(),
    }


async def _create_missing(url: str) -> None:
    """Create the kept city database on the local server if it does not exist yet."""
    name = url.rsplit("/", 1)[1]
    async with await psycopg.AsyncConnection.connect(f"{SERVER}/postgres", autocommit=True) as c:
        cur = await c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if await cur.fetchone() is None:
            await c.execute(f'CREATE DATABASE "{name}"')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=2000, help="users for the turn run")
    parser.add_argument("--pushes", type=int, default=20000, help="deliveries per run")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=12, help="turns running at once")
    parser.add_argument("--city", type=int, default=0, help="seeker profiles for reach/top-10")
    parser.add_argument("--postings", type=int, default=100_000, help="postings with --city")
    parser.add_argument("--queries", type=int, default=200, help="reach and top-10 samples")
    parser.add_argument("--data", type=Path, default=DATA, help="real postings (csv.gz)")
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a temporary one)")
    parser.add_argument(
        "--city-url",
        help="a database kept for the city: created and loaded once, reused by later runs",
    )
    parser.add_argument("--city-only", action="store_true", help="skip the delivery/turn runs")
    args = parser.parse_args()
    if args.city_url:
        await _create_missing(args.city_url)
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
        if args.city:
            report.update(
                await city(
                    args.city_url or url, args.city, args.postings, args.queries, args.data,
                    keep=bool(args.city_url),
                )
            )  # fmt: skip
            print(json.dumps(report, ensure_ascii=False), file=sys.stderr, flush=True)
        if not args.city_only:
            report.update(await deliveries(url, args.pushes, 1))
            report.update(await deliveries(url, args.pushes, args.workers))
            report.update(await turns(url, args.seekers, args.workers, args.in_flight))
        report["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        report["scaled_down"] = (
            f"{args.workers} workers as pools in one process; no encoder: synthetic vectors"
            " for reach/top-10, push bars not run"
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
