"""Timers survive restarts: scheduled jobs, the expiry sweep, digests and retry wake-ups."""

import asyncio
import random
import socket
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.dispatcher import Dispatcher, process_alive, process_stamp
from bot.scheduler import EXPIRY_SWEEP, EXPIRY_TIMER, LEASE, Scheduler, install_delivery_timers
from handlers.context import Policy, Services
from models.db import Database
from models.messages import Channel
from models.posting import PostingStatus
from models.repos.deliveries import DeliveryRepo
from models.repos.workers import DEAD_AFTER, WorkerRepo
from tests.delivery_builders import FakeTime, enqueue, make_posting, make_seeker, publish_now
from tests.fakes.channel import KeyedFakeSender

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


def _recorder(ran, again=None):
    async def handler(now, payload):
        ran.append((now, payload))
        return again(now) if again else None

    return handler


async def test_a_timer_fires_once_after_a_restart(db_target, clock):
    due = clock() + timedelta(hours=2)
    async with Database.open(db_target) as db:
        scheduler = Scheduler(Services(db=db, clock=clock))
        await scheduler.schedule("remind:7", due, "remind", {"user": 7})
    ran = []
    async with Database.open(db_target) as db:  # a new process
        scheduler = Scheduler(Services(db=db, clock=clock))
        scheduler.register("remind", _recorder(ran))
        assert await scheduler.run_due() == 0
        clock.now = due
        assert await scheduler.run_due() == 1
        assert await scheduler.run_due() == 0
        assert await scheduler.due_at("remind:7") is None
    assert ran == [(due, {"user": 7})]


async def test_a_failing_handler_fires_again_after_the_lease(services, clock):
    calls = []

    async def flaky(now, payload):
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("the database was busy")

    scheduler = Scheduler(services)
    scheduler.register("flaky", flaky)
    await scheduler.schedule("job", clock(), "flaky")
    assert await scheduler.run_due() == 0
    assert await scheduler.due_at("job") == clock() + LEASE
    clock.advance(seconds=LEASE.total_seconds())
    assert await scheduler.run_due() == 1
    assert len(calls) == 2


async def test_the_expiry_sweep_repeats_and_keeps_its_time_across_restarts(db_target, clock):
    async with Database.open(db_target) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        seeker = await make_seeker(services)
        posting = await make_posting(services)
        await publish_now(services, posting, clock() + timedelta(days=3))
        await enqueue(services, posting, [seeker])
        scheduler = Scheduler(services)
        await install_delivery_timers(scheduler)
        assert await scheduler.run_due() == 1
        assert await scheduler.due_at(EXPIRY_TIMER) == clock() + EXPIRY_SWEEP
    clock.advance(days=3)
    async with Database.open(db_target) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        scheduler = Scheduler(services)
        await install_delivery_timers(scheduler)  # the existing timer keeps its time
        assert await scheduler.due_at(EXPIRY_TIMER) < clock()
        assert await scheduler.run_due() == 1
        assert (await services.postings.get(posting)).status == PostingStatus.EXPIRED
        (delivery,) = await DeliveryRepo(db).for_seeker(seeker)
        assert (delivery.state, delivery.outcome) == ("expired", "posting_expired")


async def test_digests_and_retries_keep_their_time_across_restarts(db_target, clock):
    time = FakeTime(clock)
    sender = KeyedFakeSender(
        Channel.CONSOLE, clock=time.monotonic, script=["sent", "server_error"]
    )
    async with Database.open(db_target) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        digest_seeker = await make_seeker(services, "d", digest_hour=19)
        retry_seeker = await make_seeker(services, "r")
        later = await make_seeker(services, "x")
        posting = await make_posting(services)
        await publish_now(services, posting, clock() + timedelta(days=3))
        await enqueue(services, posting, [later, retry_seeker, digest_seeker])
        dispatcher = Dispatcher(
            services, {Channel.CONSOLE: sender}, monotonic=time.monotonic, sleep=time.sleep,
            rng=random.Random(1), concurrency=1,
        )  # fmt: skip
        await dispatcher.run_until_idle()
    assert [m.address for m in sender.messages] == ["x"]
    clock.now = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 19:00 local, hours later
    async with Database.open(db_target) as db:  # a new process, knowing nothing in memory
        services = Services(db=db, clock=clock, policy=Policy())
        dispatcher = Dispatcher(
            services, {Channel.CONSOLE: sender}, monotonic=time.monotonic, sleep=time.sleep
        )
        await dispatcher.run_until_idle()
    assert sorted(m.address for m in sender.messages) == ["d", "r", "x"]


async def test_serve_runs_timers_as_they_fall_due(services):
    ran = []
    scheduler = Scheduler(services)
    scheduler.register("tick", _recorder(ran))
    stop = asyncio.Event()
    serving = asyncio.create_task(scheduler.serve(stop))
    await scheduler.schedule("t1", services.clock(), "tick", {"n": 1})
    for _ in range(100):
        if ran:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(serving, 5)
    assert [payload for _, payload in ran] == [{"n": 1}]


async def _die_mid_run(services, worker, name):
    """A scheduler of `worker` claims `name` and its process dies inside the handler."""
    entered = asyncio.Event()

    async def hangs(now, payload):
        entered.set()
        await asyncio.Event().wait()

    scheduler = Scheduler(services, worker)
    scheduler.register("job", hangs)
    run = asyncio.create_task(scheduler.run_due())
    await asyncio.wait_for(entered.wait(), 5)
    run.cancel()  # no release, no more beats: what kill -9 leaves behind
    with pytest.raises(asyncio.CancelledError):
        await run


async def test_a_dead_workers_timer_is_taken_once_its_heartbeat_stops(services, clock):
    """Before: a claimed timer waited out its 10-minute lease whoever held it."""
    start = clock()
    await Scheduler(services).schedule("sweep", start, "job", {"n": 1})
    await _die_mid_run(services, "a", "sweep")
    ran = []
    other = Scheduler(services, "b")
    other.register("job", _recorder(ran, again=lambda now: now + timedelta(hours=1)))
    assert await other.run_due() == 0  # a's claim holds: its lease runs and it beat just now
    clock.advance(seconds=10)
    await WorkerRepo(services.db).beat("a", clock())  # a is still alive here
    clock.advance(seconds=DEAD_AFTER.total_seconds() - 1)
    assert await other.run_due() == 0
    clock.advance(seconds=2)  # a's last beat is DEAD_AFTER old: its claim is stale
    assert await other.run_due() == 1
    assert [payload for _, payload in ran] == [{"n": 1}]
    assert await other.due_at("sweep") == clock() + timedelta(hours=1)
    assert clock() - start < LEASE / 10  # taken well before the lease ran out
    assert await other.run_due() == 0  # b released its claim: not taken again


async def test_a_killed_process_timers_are_taken_at_once_by_a_worker_starting_on_its_host(
    services, clock
):
    victim = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time; time.sleep(60)"
    )
    try:
        stamp = process_stamp(victim.pid)
        await WorkerRepo(services.db).join(
            "victim", socket.gethostname(), (victim.pid, stamp), clock(), process_alive
        )
        await Scheduler(services).schedule("sweep", clock(), "job")
        await _die_mid_run(services, "victim", "sweep")
    finally:
        victim.kill()
        await victim.wait()
    dispatcher = Dispatcher(services, {})
    ran = []
    scheduler = Scheduler(services, dispatcher.token)
    scheduler.register("job", _recorder(ran))
    assert await scheduler.run_due() == 0  # the victim's row still looks alive
    await dispatcher.join()  # a worker starting on this host finds the victim's process gone
    assert await scheduler.run_due() == 1
    assert await scheduler.due_at("sweep") is None
