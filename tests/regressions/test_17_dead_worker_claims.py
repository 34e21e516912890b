"""#17 item 14: after kill -9, a restarted worker takes over the dead worker's claims at once.

Before the fix: the pushes a killed `yizhan run` had claimed stayed `sending` for the whole
5-minute lease (one run needed 312 s) although their worker was plainly gone.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.channels.fake import FakeSender
from bot.dispatcher import Dispatcher, claim
from models.messages import Channel
from models.repos.workers import DEAD_AFTER, WorkerRepo
from tests.delivery_builders import enqueue, make_posting, make_seeker, publish_now

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

ROOT = Path(__file__).resolve().parents[2]

# A worker whose platform never answers: it claims the pushes, starts sending, and hangs there.
HANGING_WORKER = """
import asyncio, sys
from datetime import datetime
from bot.channels.fake import FakeSender
from bot.dispatcher import Dispatcher, claim
from handlers.context import Policy, Services
from models.db import Database
from models.messages import Channel

async def main(target, now):
    async with Database.open(target) as db:
        services = Services(db=db, clock=lambda: now, policy=Policy())
        sender = FakeSender(Channel.CONSOLE, latency=3600.0)
        dispatcher = Dispatcher(services, {Channel.CONSOLE: sender})
        task = asyncio.create_task(dispatcher.run_until_idle())
        while not await db.fetchone("SELECT 1 FROM deliveries WHERE state = 'sending'"):
            await asyncio.sleep(0.05)
        print("claimed", flush=True)
        await task

asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2])))
"""


async def test_a_restarted_worker_recovers_a_killed_workers_claims_at_once(
    services, clock, db_target
):
    seekers = [await make_seeker(services, f"s{i}", quiet_start=0, quiet_end=0) for i in range(3)]
    posting = await make_posting(services)
    await publish_now(services, posting, clock().replace(year=2027))
    await enqueue(services, posting, seekers)

    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HANGING_WORKER, str(db_target), clock().isoformat(),
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert worker.stdout is not None
    line = await asyncio.wait_for(worker.stdout.readline(), 60)
    assert line == b"claimed\n"
    worker.send_signal(signal.SIGKILL)
    await worker.wait()
    sending = await services.db.fetchall("SELECT id FROM deliveries WHERE state = 'sending'")
    assert len(sending) == 3  # the dead worker's lease has 5 minutes to run

    # The clock has not moved: the lease and the heartbeat are both still fresh.
    sender = FakeSender(Channel.CONSOLE)
    restarted = Dispatcher(services, {Channel.CONSOLE: sender})
    assert await restarted.run_until_idle() == 3
    assert sorted(m.address for m in sender.messages) == ["s0", "s1", "s2"]
    rows = await services.db.fetchall(
        "SELECT d.state, a.outcome FROM deliveries d JOIN delivery_attempts a"
        " ON a.delivery_id = d.id ORDER BY a.id"
    )
    assert {r["state"] for r in rows} == {"sent"}
    assert [r["outcome"] for r in rows].count("recovered") == 3
    assert await WorkerRepo(services.db).live(clock()) == [restarted.token]


async def test_another_hosts_worker_keeps_its_claims_while_it_beats(services, clock):
    """A worker elsewhere holds its claims while it beats, and loses them soon after it stops."""
    seeker = await make_seeker(services, "s0", quiet_start=0, quiet_end=0)
    posting = await make_posting(services)
    await publish_now(services, posting, clock().replace(year=2027))
    await enqueue(services, posting, [seeker])
    elsewhere = WorkerRepo(services.db)
    await elsewhere.join("host-b-1-abcd", "host-b", (1, None), clock(), lambda *_: True)
    here = Dispatcher(services, {Channel.CONSOLE: FakeSender(Channel.CONSOLE)})
    claimed, _ = await claim(
        here.deliveries,
        "console",
        clock(),
        here.services.policy,
        here.lease,
        limit=5,
        token="host-b-1-abcd",
    )
    assert len(claimed) == 1
    clock.advance(seconds=10)
    await elsewhere.beat("host-b-1-abcd", clock())
    assert await here.run_until_idle() == 0  # held: beating, and its lease runs 5 minutes
    clock.advance(seconds=(DEAD_AFTER + timedelta(seconds=1)).total_seconds())
    assert await here.run_until_idle() == 1  # silent past DEAD_AFTER: recovered, lease or not
    assert [a.outcome for a in await here.deliveries.attempts(claimed[0].id)] == [
        "recovered",
        "sent",
    ]
