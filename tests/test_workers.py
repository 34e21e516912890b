"""Several workers on one database: every push is claimed by one of them and sent once."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.channels.fake import FakeSender
from bot.dispatcher import Dispatcher
from handlers.context import Policy, Services
from models.db import Database, is_postgres
from models.messages import Channel
from tests.delivery_builders import enqueue, make_posting, make_seeker, publish_now, states

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


async def test_three_workers_share_the_queue_without_sending_anything_twice(
    services, clock, db_target
):
    seekers = [
        await make_seeker(services, f"s{i}", quiet_start=0, quiet_end=0, daily_cap=100)
        for i in range(40)
    ]
    for p in range(6):
        posting = await make_posting(services, title=f"岗位{p}", text_hash=f"h{p}")
        await publish_now(services, posting, clock().replace(year=2027))
        await enqueue(services, posting, seekers)

    async def worker(sender: FakeSender) -> int:
        async with Database.open(db_target) as db:  # a pool (a process) of its own
            mine = Services(db=db, clock=clock, policy=Policy())
            dispatcher = Dispatcher(mine, {Channel.CONSOLE: sender}, batch=15)
            return await dispatcher.run_until_idle()

    senders = [FakeSender(Channel.CONSOLE, latency=0.002) for _ in range(3)]
    handled = await asyncio.gather(*(worker(s) for s in senders))
    assert sum(handled) == 240
    assert await states(services.db) == {"sent": 240}
    seen = Counter(m.address for s in senders for m in s.messages)
    assert seen == {f"s{i}": 6 for i in range(40)}  # each seeker got each posting once
    if is_postgres(db_target):  # SKIP LOCKED lets them claim side by side
        assert all(s.messages for s in senders), [len(s.messages) for s in senders]
