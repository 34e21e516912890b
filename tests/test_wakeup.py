"""Wake-ups across workers by LISTEN/NOTIFY (issue 20): a push queued by one worker is sent by
another's lane at once, not at its next poll (POLL_S = 1 s). Before, the serving lane found a
row queued elsewhere only when it polled: 0.5 s late on average, up to 1 s.
"""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest

from bot.channels.fake import FakeSender
from bot.dispatcher import POLL_S, Dispatcher
from handlers.context import Policy, Services
from models.db import Database
from models.db_postgres import LISTEN_RETRY_S
from models.messages import Channel
from tests.conftest import truncate_all
from tests.delivery_builders import enqueue, make_posting, make_seeker, publish_now

WAKE_S = 0.25  # a quarter of the poll: five in a row this fast cannot be polling's luck


async def _sent_after(sender: FakeSender, count: int, started: float) -> float:
    deadline = started + 5.0
    while len(sender.messages) < count:
        assert time.monotonic() < deadline, "never sent"
        await asyncio.sleep(0.002)
    return time.monotonic() - started


@pytest.fixture
async def workers(pg_database, clock):
    """Worker A serves the console lane; worker B (a pool of its own) only queues."""
    truncate_all(pg_database)
    async with Database.open(pg_database) as db_a, Database.open(pg_database) as db_b:
        queuing = Services(db=db_b, clock=clock, policy=Policy())
        sender = FakeSender(Channel.CONSOLE)
        dispatcher = Dispatcher(
            Services(db=db_a, clock=clock, policy=Policy()), {Channel.CONSOLE: sender}
        )
        stop = asyncio.Event()
        serving = asyncio.create_task(dispatcher.serve(stop))
        await asyncio.sleep(0.5)  # listening, and the lane is the active sender
        yield queuing, sender
        stop.set()
        await asyncio.wait_for(serving, 10)


async def _queue_one(services: Services, n: int) -> float:
    seeker = await make_seeker(services, f"s{n}", quiet_start=0, quiet_end=0, daily_cap=100)
    posting = await make_posting(services, title=f"岗位{n}", text_hash=f"h{n}")
    await publish_now(services, posting, services.clock().replace(year=2027))
    await asyncio.sleep(0.1 + 0.17 * n)  # land at different points of the poll cycle
    started = time.monotonic()
    await enqueue(services, posting, [seeker])  # committed: the NOTIFY goes out now
    return started


@pytest.mark.slow
async def test_a_push_queued_by_another_worker_is_sent_at_once(workers):
    queuing, sender = workers
    waits = []
    for n in range(5):
        started = await _queue_one(queuing, n)
        waits.append(await _sent_after(sender, n + 1, started))
    assert max(waits) < WAKE_S < POLL_S, waits


@pytest.mark.slow
async def test_a_lost_listen_connection_falls_back_to_polling_and_listens_again(
    workers, pg_database
):
    queuing, sender = workers
    with psycopg.connect(pg_database, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE query LIKE 'LISTEN %%' AND datname = current_database()"
        ).fetchall()
    assert len(killed) == 1
    started = await _queue_one(queuing, 0)
    assert await _sent_after(sender, 1, started) < POLL_S + 0.5  # polling still sends it
    await asyncio.sleep(LISTEN_RETRY_S + 0.5)  # the listener is back
    waits = []
    for n in range(1, 4):
        started = await _queue_one(queuing, n)
        waits.append(await _sent_after(sender, n + 1, started))
    assert max(waits) < WAKE_S, waits
