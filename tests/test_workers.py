"""Several workers on one database: every push is claimed by one of them and sent once."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.channels.base import Pace
from bot.delivery.dispatcher import Dispatcher
from handlers.context import Policy, Services
from models.db import Database, is_postgres
from models.messages import Channel
from tests.conftest import truncate_all
from tests.delivery_builders import enqueue, make_posting, make_seeker, publish_now, states
from tests.fakes.channel import FakeSender

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


@pytest.mark.slow
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


@pytest.mark.slow
async def test_one_active_sender_per_channel_and_a_standby_takes_over(pg_database, clock):
    """Limits are per account: of two serving workers one sends; when it goes, the other does."""
    truncate_all(pg_database)
    async with (
        Database.open(pg_database) as db_a,
        Database.open(pg_database) as db_b,
    ):
        services = Services(db=db_a, clock=clock, policy=Policy())
        seekers = [
            await make_seeker(services, f"s{i}", quiet_start=0, quiet_end=0, daily_cap=100)
            for i in range(10)
        ]
        first = await make_posting(services, title="岗位1", text_hash="h1")
        await publish_now(services, first, clock().replace(year=2027))
        workers = {}
        for name, db in (("a", db_a), ("b", db_b)):
            sender = FakeSender(Channel.CONSOLE)
            mine = Services(db=db, clock=clock, policy=Policy())
            stop = asyncio.Event()
            task = asyncio.create_task(Dispatcher(mine, {Channel.CONSOLE: sender}).serve(stop))
            workers[name] = (sender, stop, task)
        await enqueue(services, first, seekers)
        await _until(lambda: sum(len(w[0].messages) for w in workers.values()) >= 10)
        active = next(n for n, w in workers.items() if w[0].messages)
        standby = "b" if active == "a" else "a"
        assert not workers[standby][0].messages

        sender, stop, task = workers[active]
        stop.set()  # the active worker stops
        await task
        second = await make_posting(services, title="岗位2", text_hash="h2")
        await publish_now(services, second, clock().replace(year=2027))
        await enqueue(services, second, seekers)
        await _until(lambda: len(workers[standby][0].messages) >= 10)  # within STANDBY_S + poll
        assert len(sender.messages) == 10
        workers[standby][1].set()
        await workers[standby][2]


async def test_a_lane_that_becomes_active_claims_nothing_while_its_window_is_closed(
    services, clock
):
    """A lane that takes over waits out one window before it claims: rows claimed then would sit
    in a lease, and a worker killed in that time would count a recovery on each (a row recovered
    too often ends failed)."""
    seekers = [
        await make_seeker(services, f"s{i}", quiet_start=0, quiet_end=0, daily_cap=100)
        for i in range(2)
    ]
    posting = await make_posting(services, title="岗位1", text_hash="h1")
    await publish_now(services, posting, clock().replace(year=2027))
    await enqueue(services, posting, seekers)
    sender = FakeSender(Channel.CONSOLE, pace=Pace(global_per_s=1.0))
    stop = asyncio.Event()
    task = asyncio.create_task(Dispatcher(services, {Channel.CONSOLE: sender}).serve(stop))
    await asyncio.sleep(0.5)  # inside the first window (1 s)
    assert await states(services.db) == {"queued": 2}
    await _until(lambda: len(sender.messages) == 2)
    # the row is marked sent just after the send returns: wait for the mark, not only the send
    deadline = asyncio.get_running_loop().time() + 10.0
    while (found := await states(services.db)) != {"sent": 2}:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.05)
    stop.set()
    await task


async def _until(condition, seconds=10.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)
