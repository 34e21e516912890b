"""Dispatch benchmark: deliveries/s through the whole pipeline, and paced throughput vs limits.

Prints one JSON object:
- unpaced_per_s: pushes claimed, rendered, sent (instant in-memory sender) and recorded per
  second of wall time, through a real SQLite file (target >= 2,000/s).
- paced_ratio_min: the lowest achieved/declared rate over the paced channels, each run in real
  time for a few seconds, all at once (target >= 0.95).
- paced_exceeded: whether any declared limit was exceeded in any window (must be false).
The WeCom robot's 20/min is scaled x30 to 10/s so that a few seconds show a steady rate; the
others run at their declared paces. Usage: python scripts/bench_dispatch.py [--pushes N].
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.channels.base import Pace
from bot.channels.fake import KeyedFakeSender
from bot.dispatcher import Dispatcher
from bot.limits import TELEGRAM_GLOBAL_PER_S, TELEGRAM_PER_CHAT_PER_S, WECOM_ROBOT_PER_MIN
from bot.pacing import achieved_rate, pace_violations
from handlers.context import Policy, Services
from models.db import Database
from models.messages import Channel
from models.posting import Posting, PostingStatus, Trust
from models.timeutil import to_db, utcnow
from models.values import Pay, PayUnit

WECOM_SCALE = 30  # 20/min -> 10/s: minutes of real time would be needed otherwise
PACED = {
    Channel.TELEGRAM: Pace(TELEGRAM_GLOBAL_PER_S, 1 / TELEGRAM_PER_CHAT_PER_S),
    Channel.WECHAT: Pace(20.0, 1.0),  # bot.channels.wechat_sender.WeChatSender.pace
    Channel.WECOM: Pace(WECOM_ROBOT_PER_MIN / 60 * WECOM_SCALE),
}
PACED_SECONDS = 4.0  # steady-state seconds per channel (plus one window of burst)
REPEAT_EVERY = 10  # every 10th paced push goes to an already-served chat (per-chat gap binds)


async def _seekers(db: Database, channel: Channel, names: Sequence[str]) -> list[int]:
    """Users with complete, consenting profiles, inserted in bulk (setup is not measured)."""
    now = to_db(utcnow())
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (channel, channel_user_id, created_at) VALUES (?, ?, ?)",
            [(channel.value, name, now) for name in names],
        )
        rows = await tx.fetchall(
            f"SELECT id FROM users WHERE channel = ? AND channel_user_id IN"
            f" ({','.join('?' * len(names))}) ORDER BY id",
            (channel.value, *names),
        )
        ids = [r["id"] for r in rows]
        await tx.executemany(
            "INSERT INTO seekers (user_id, categories, districts, consent, quiet_start,"
            " quiet_end, daily_cap, completed_at, updated_at)"
            " VALUES (?, '[\"A\"]', '[\"西青区\"]', 1, 0, 0, 1000, ?, ?)",
            [(i, now, now) for i in ids],
        )
    return ids


async def _postings(services: Services, count: int) -> list[int]:
    now = services.clock()
    ids = []
    for n in range(count):
        posting = Posting(
            id=None,
            title=f"商场保洁{n}号",
            description="早8晚5，包午餐，联系电话13812345678",
            categories=("A",),
            district="西青区",
            pay=Pay(200, None, PayUnit.DAY, period="日结"),
            contact="王先生",
            phones=("13812345678",),
            trust=Trust.VERIFIED,
            status=PostingStatus.PUBLISHED,
            published_at=now,
            expires_at=now + timedelta(days=3),
        )
        ids.append(await services.postings.add(posting, now))
    return ids


async def _enqueue(services: Services, pairs: Sequence[tuple[int, int]]) -> None:
    repo = services.repos.deliveries
    by_posting: dict[int, list[tuple[int, float, str]]] = {}
    for posting, seeker in pairs:
        by_posting.setdefault(posting, []).append((seeker, 0.8, "保洁类 · 西青区 · 日结 200 元"))
    async with services.db.transaction() as tx:
        for posting, matches in by_posting.items():
            await repo.enqueue_in(tx, posting, matches, services.clock())


async def unpaced(folder: Path, pushes: int) -> dict[str, Any]:
    """Everything due at once on an unpaced channel with an instant sender."""
    async with Database.open(folder / "unpaced.db") as db:
        services = Services(db=db, policy=Policy())
        per_posting = 10
        seekers = await _seekers(db, Channel.CONSOLE, [f"s{i}" for i in range(pushes // 10)])
        postings = await _postings(services, per_posting)
        await _enqueue(services, [(p, s) for p in postings for s in seekers])
        sender = KeyedFakeSender(Channel.CONSOLE)
        dispatcher = Dispatcher(services, {Channel.CONSOLE: sender})
        start = time.perf_counter()
        handled = await dispatcher.run_until_idle()
        seconds = time.perf_counter() - start
    return {
        "unpaced_per_s": round(len(sender.messages) / seconds, 1),
        "unpaced_pushes": len(sender.messages),
        "unpaced_handled": handled,
        "unpaced_seconds": round(seconds, 3),
    }


async def paced(folder: Path) -> dict[str, Any]:
    """All paced channels at once in real time, each with more pushes than it may send."""
    async with Database.open(folder / "paced.db") as db:
        services = Services(db=db, policy=Policy())
        postings = await _postings(services, 2)
        senders = {}
        for channel, pace in PACED.items():
            rate = pace.global_per_s or 1.0
            count = int(rate * PACED_SECONDS + rate)
            chats = await _seekers(db, channel, [f"{channel.value}-{i}" for i in range(count)])
            # Most chats get one push, every REPEAT_EVERY-th also the second posting.
            pairs = [(postings[0], s) for s in chats]
            pairs += [(postings[1], s) for s in chats[::REPEAT_EVERY]]
            await _enqueue(services, pairs)
            senders[channel] = KeyedFakeSender(channel, pace)
        start = time.perf_counter()
        await Dispatcher(services, senders).run_until_idle()
        seconds = time.perf_counter() - start
    report: dict[str, Any] = {}
    for channel, sender in senders.items():
        pace = sender.pace
        calls = [(c.at, c.address) for c in sender.calls]
        gaps = _gaps(calls)
        rate = achieved_rate([t for t, _ in calls], pace)
        report[channel.value] = {
            "limit_per_s": pace.global_per_s,
            "per_recipient_s": pace.per_recipient_s,
            "sends": len(calls),
            "achieved_per_s": round(rate, 3),
            "ratio": round(rate / (pace.global_per_s or rate), 4),
            "min_gap_same_chat_s": round(min(gaps), 4) if gaps else None,
            "violations": len(pace_violations(calls, pace)),
        }
    return {"paced_seconds": round(seconds, 2), "paced": report}


def _gaps(calls: Sequence[tuple[float, str]]) -> list[float]:
    last: dict[str, float] = {}
    gaps = []
    for at, address in sorted(calls):
        if address in last:
            gaps.append(at - last[address])
        last[address] = at
    return gaps


async def main(pushes: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        result = await unpaced(Path(folder), pushes)
        result.update(await paced(Path(folder)))
    channels = result["paced"].values()
    result["paced_ratio_min"] = min(c["ratio"] for c in channels)
    result["paced_exceeded"] = any(c["violations"] for c in channels)
    result["note"] = f"wecom robot 20/min scaled x{WECOM_SCALE}; paced runs are real time"
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=20_000, help="pushes in the unpaced run")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.pushes)), ensure_ascii=False))
