"""Start-to-serving time of `yizhan run` on PostgreSQL with stored vectors (issue 20).

Fills a fresh database with --seekers seekers (each with a wish of their own) and --postings
postings, then times real `yizhan run` processes (Telegram behind a webhook, the fake Bot API on
localhost) from exec to "worker dispatcher started" (`*_s`: it sends pushes and answers what needs
no model) and to "model ready" (`*_ready_s`: the model is loaded and the index synced; the same
moment when the model's identity is not recorded yet and it loads before serving), three ways:
- new_worker_no_vectors_s: a worker with no index files and text_vectors emptied first, as
  every new worker was before vectors were stored in the database (it encodes every text);
- new_worker_s: a worker with no index files of its own, the vectors read from text_vectors;
- restart_s: the same worker started again, its index files on disk.
`encoded_*` count the texts the model ran on (from the worker's "matcher open" log line).
Prints one JSON object. Usage: python scripts/bench_startup.py [--seekers N] [--postings N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.context import Policy, Services  # noqa: E402
from models.db import Database  # noqa: E402
from models.messages import Channel, DialogKey  # noqa: E402
from models.posting import Posting, PostingStatus, Trust  # noqa: E402
from models.seeker import SeekerProfile  # noqa: E402
from models.timeutil import utcnow  # noqa: E402
from models.values import Pay, PayUnit  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.fakes.workers import YIZHAN_RUN, fresh_cache, model_cache, worker_env  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
DISTRICTS = ("西青区", "南开区", "河西区", "河东区", "北辰区", "东丽区", "津南区", "武清区")
TRADES = ("保洁", "保安", "外卖骑手", "快递员", "叉车司机", "服务员", "电焊工", "普工", "护工")


async def fill(url: str, seekers: int, postings: int) -> None:
    """Seekers with distinct wishes and published postings with distinct texts."""
    async with Database.open(url) as db:
        services = Services(db=db, policy=Policy())
        now = utcnow()
        for n in range(seekers):
            user = await services.users.get_or_create(DialogKey(Channel.TELEGRAM, str(n)), now)
            wish = f"想在{DISTRICTS[n % 8]}找{TRADES[n % 9]}的工作，第{n}号，月薪{3000 + n}以上"
            profile = SeekerProfile(user_id=user.id, consent=True, wish=wish)
            await services.seekers.save(profile, now)
        for n in range(postings):
            posting = Posting(
                id=None,
                title=f"{DISTRICTS[n % 8]}招{TRADES[n % 9]}{n}号",
                description=f"{TRADES[n % 9]}，早8晚5，包午餐，月薪{4000 + n * 10}",
                district=DISTRICTS[n % 8],
                pay=Pay(4000 + n * 10, None, PayUnit.MONTH),
                trust=Trust.VERIFIED,
                status=PostingStatus.PUBLISHED,
                published_at=now,
                expires_at=now + timedelta(days=30),
            )
            await services.postings.add(posting, now)


async def start_to_serving(env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Seconds from exec to a serving dispatcher and to the model ready, and the texts encoded
    on open."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *YIZHAN_RUN, env=env, cwd=cwd, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    encoded, serving, ready = -1, None, None
    while line := await proc.stderr.readline():
        if b"texts encoded" in line and encoded < 0:
            record = json.loads(line)
            encoded = int(record.get("encoded", -1))
        if b"worker dispatcher started" in line:
            serving = time.monotonic() - started
            if encoded >= 0:  # the model loaded (and the index synced) before serving
                ready = serving
        if b"model ready" in line:
            ready = time.monotonic() - started
        if serving is not None and ready is not None:
            break
    proc.terminate()
    await proc.wait()
    if serving is None or ready is None:
        raise RuntimeError("yizhan run stopped before serving")
    return serving, ready, encoded


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seekers", type=int, default=2000)
    parser.add_argument("--postings", type=int, default=200)
    args = parser.parse_args()
    models = model_cache()
    name = f"yizhan_bench_startup_{uuid.uuid4().hex[:6]}"
    async with await psycopg.AsyncConnection.connect(f"{SERVER}/postgres", autocommit=True) as c:
        await c.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    out: dict[str, Any] = {"seekers": args.seekers, "postings": args.postings}
    try:
        await fill(url, args.seekers, args.postings)
        async with FakeTelegram() as telegram:
            one = fresh_cache(models, work / "one")
            s, r, n = await start_to_serving(worker_env(url, telegram, one), work)
            out.update(
                new_worker_no_vectors_s=round(s, 2), new_worker_no_vectors_ready_s=round(r, 2)
            )
            out.update(encoded_no_vectors=n)
            two = fresh_cache(models, work / "two")
            s, r, n = await start_to_serving(worker_env(url, telegram, two), work)
            out.update(new_worker_s=round(s, 2), new_worker_ready_s=round(r, 2))
            out.update(encoded_new_worker=n)
            s, r, n = await start_to_serving(worker_env(url, telegram, two), work)
            out.update(restart_s=round(s, 2), restart_ready_s=round(r, 2), encoded_restart=n)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        async with await psycopg.AsyncConnection.connect(
            f"{SERVER}/postgres", autocommit=True
        ) as c:
            await c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
