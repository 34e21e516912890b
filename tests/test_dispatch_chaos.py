"""Restart safety and error storms: kill the dispatcher anywhere, flood it with failures.

A "kill" either cancels the running dispatcher at a random moment (inside a claim, a send, a
recording transaction …) or raises from inside the sender right after the platform accepted a
message, before we could record it. The database is then closed, as a dead process's would be,
and a new dispatcher opens it and carries on.
"""

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.base import Pace
from bot.channels.fake import FakeSender, Faults, KeyedFakeSender
from bot.dispatcher import FLUSH_EVERY, Dispatcher
from bot.pacing import pace_violations
from handlers.context import Policy, Services
from models.db import Database
from models.messages import Channel
from models.timeutil import from_db
from tests.delivery_builders import FakeTime, enqueue, make_posting, make_seeker, publish_now

LEASE = timedelta(minutes=5)
TELEGRAM_PACE = Pace(global_per_s=30.0, per_recipient_s=1.0)


class Killed(BaseException):
    """The process died (not an error the dispatcher may catch)."""


class Budget:
    """How many more kills a test may make; shared by the timer and the sender hook."""

    def __init__(self, **kills):
        self.left = Counter(kills)
        self.taken = Counter()
        self.armed = ""  # which kind of kill the current life may suffer

    def take(self, how):
        if self.armed != how or self.left[how] <= 0:
            return False
        self.left[how] -= 1
        self.taken[how] += 1
        self.armed = ""  # a process dies once
        return True


async def _world(db_path, clock, seekers=80, postings=12, seed=5):
    """Seekers on two channels, some paused, some in digest mode; pushes queued."""
    rng = random.Random(seed)
    async with Database.open(db_path) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        users = []
        for i in range(seekers):
            channel = Channel.TELEGRAM if i % 2 else Channel.CONSOLE
            extra = {"paused": True} if i % 13 == 0 else {}
            if i % 11 == 5:
                extra["digest_hour"] = 10  # 10:00 local: ten minutes after the start
            users.append(
                await make_seeker(services, f"s{i}", channel, quiet_start=0, quiet_end=0,
                                  daily_cap=100, **extra)
            )  # fmt: skip
        for p in range(postings):
            posting = await make_posting(services, title=f"岗位{p}", text_hash=f"h{p}")
            await publish_now(services, posting, clock() + timedelta(days=3))
            await enqueue(services, posting, rng.sample(users, 35))


async def _lives(db_path, clock, senders, budget, rng, max_lives=200):
    """Run dispatchers until one finishes unkilled with nothing left to do; count the kills."""
    time = FakeTime(clock)
    killed = 0
    for life in range(max_lives):
        clock.advance(seconds=LEASE.total_seconds() + 1)  # stale leases become recoverable
        async with Database.open(db_path) as db:
            services = Services(db=db, clock=clock, policy=Policy())
            dispatcher = Dispatcher(
                services, senders, monotonic=time.monotonic, sleep=time.sleep, lease=LEASE,
                rng=random.Random(life), batch=rng.choice([5, 40, 200]),
            )  # fmt: skip
            task = asyncio.create_task(dispatcher.run_until_idle())
            # Every other life dies at a random moment; the others run until a send kills them.
            budget.armed = "anywhere" if life % 2 else "after_send"
            timer = asyncio.get_running_loop().call_soon(
                _kill_later, task, budget, rng.randrange(1, 3000)
            )
            try:
                await task
            except (asyncio.CancelledError, Killed, BaseExceptionGroup):
                killed += 1
                continue
            finally:
                timer.cancel()
            left = await db.fetchone(
                "SELECT MIN(due) AS due FROM (SELECT MIN(due_at) AS due FROM deliveries"
                " WHERE state IN ('queued', 'sending') AND digest_id IS NULL UNION ALL"
                " SELECT MIN(due_at) FROM outbox WHERE state IN ('queued', 'sending'))"
            )
            if left["due"] is None:
                return killed, life + 1
            clock.now = max(clock.now, from_db(left["due"]))  # e.g. tomorrow's digest hour
    raise AssertionError(f"not done after {max_lives} lives")


def _kill_later(task, budget, steps):
    """Cancel the task after `steps` turns of the event loop: anywhere in its work."""
    if task.done():
        return
    if steps:
        asyncio.get_running_loop().call_soon(_kill_later, task, budget, steps - 1)
    elif budget.take("anywhere"):
        task.cancel()


def _kill_after_send(rng, share, budget):
    def hook(message):
        if rng.random() < share and budget.take("after_send"):
            raise Killed(f"died after the platform took {message.key}")

    return hook


async def _final(db_path):
    async with Database.open(db_path) as db:
        deliveries = await db.fetchall("SELECT id, state, outcome, digest_id FROM deliveries")
        digests = await db.fetchall("SELECT id, state FROM outbox WHERE kind = 'digest'")
    return deliveries, digests


@pytest.mark.slow
async def test_killed_anywhere_every_push_ends_sent_exactly_once_or_suppressed(tmp_path):
    clock = _clock()
    db_path = tmp_path / "chaos.db"
    await _world(db_path, clock)
    rng = random.Random(11)
    budget = Budget(anywhere=20, after_send=20)
    hook = _kill_after_send(rng, 0.15, budget)  # 0.08 gave 11 kills of 12 needed once
    senders = {
        Channel.CONSOLE: KeyedFakeSender(Channel.CONSOLE, clock=FakeTime(clock).monotonic,
                                         after_send=hook),
        Channel.TELEGRAM: KeyedFakeSender(Channel.TELEGRAM, TELEGRAM_PACE,
                                          clock=FakeTime(clock).monotonic, after_send=hook),
    }  # fmt: skip
    kills, lives = await _lives(db_path, clock, senders, budget, rng)
    assert budget.taken["after_send"] >= 12, budget.taken
    assert budget.taken["anywhere"] >= 8, budget.taken
    assert kills == sum(budget.taken.values())
    deliveries, digests = await _final(db_path)
    assert {r["state"] for r in deliveries} == {"sent", "suppressed"}
    assert all(r["outcome"] for r in deliveries)  # every end has its reason
    suppressed = Counter(r["outcome"] for r in deliveries if r["state"] == "suppressed")
    assert set(suppressed) <= {"paused", "near_duplicate", "digest_overflow"}
    shown = Counter(m.key for s in senders.values() for m in s.messages)
    assert max(shown.values()) == 1  # nobody saw anything twice
    for row in deliveries:
        if row["state"] == "sent":
            key = f"digest:{row['digest_id']}" if row["digest_id"] else f"delivery:{row['id']}"
            assert shown[key] == 1, row
        else:
            assert shown[f"delivery:{row['id']}"] == 0
    assert {d["state"] for d in digests} <= {"sent", "suppressed"}
    assert any(d["state"] == "sent" for d in digests)
    calls = [c for s in senders.values() for c in s.calls]
    resent = [c for c in calls if c.result == "duplicate"]
    assert resent, "no crash fell between a send and its record"  # the dangerous case happened
    telegram = [(c.at, c.address) for c in senders[Channel.TELEGRAM].calls]
    assert pace_violations(telegram, TELEGRAM_PACE) == []  # across restarts too
    assert lives > kills


@pytest.mark.slow
async def test_without_idempotency_keys_a_crash_repeats_at_most_what_was_in_flight(tmp_path):
    clock = _clock()
    db_path = tmp_path / "plain.db"
    await _world(db_path, clock, seed=8)
    rng = random.Random(12)
    budget = Budget(anywhere=10, after_send=15)
    hook = _kill_after_send(rng, 0.05, budget)

    senders = {
        Channel.CONSOLE: FakeSender(Channel.CONSOLE, clock=FakeTime(clock).monotonic,
                                    after_send=hook),
        Channel.TELEGRAM: FakeSender(Channel.TELEGRAM, TELEGRAM_PACE,
                                     clock=FakeTime(clock).monotonic, after_send=hook),
    }  # fmt: skip
    kills, _ = await _lives(db_path, clock, senders, budget, rng)
    deliveries, _ = await _final(db_path)
    assert {r["state"] for r in deliveries} == {"sent", "suppressed"}
    per_user = Counter((m.address, m.reply.text) for s in senders.values() for m in s.messages)
    sent = sum(1 for r in deliveries if r["state"] == "sent" and not r["digest_id"])
    digests = len({r["digest_id"] for r in deliveries if r["digest_id"] and r["state"] == "sent"})
    assert len(per_user) == sent + digests  # everything arrived (at least once) ...
    extra = sum(per_user.values()) - len(per_user)
    assert max(per_user.values()) <= 1 + kills  # ... at most one extra copy per crash
    assert extra <= kills * FLUSH_EVERY  # and a crash repeats only the sends not yet recorded


@pytest.mark.parametrize("seed", [1, 2])
async def test_an_error_storm_delivers_everything_deliverable_within_the_pace(
    services, clock, seed
):
    faults = Faults(rate_limited=0.08, retry_after=2.0, server_error=0.1, timeout=0.08,
                    blocked=0.03)  # fmt: skip
    time = FakeTime(clock)
    users = [
        await make_seeker(services, f"t{i}", Channel.TELEGRAM, quiet_start=0, quiet_end=0,
                          daily_cap=100)
        for i in range(30)
    ]  # fmt: skip
    for p in range(6):
        posting = await make_posting(services, title=f"岗位{p}", text_hash=f"h{p}")
        await publish_now(services, posting, clock() + timedelta(days=3))
        await enqueue(services, posting, users)
    sender = KeyedFakeSender(Channel.TELEGRAM, TELEGRAM_PACE, faults=faults, seed=seed,
                             clock=time.monotonic)  # fmt: skip
    dispatcher = Dispatcher(
        services, {Channel.TELEGRAM: sender}, monotonic=time.monotonic, sleep=time.sleep,
        rng=random.Random(seed), max_attempts=8,
    )  # fmt: skip
    for _ in range(200):
        await dispatcher.run_until_idle()
        due = await dispatcher.deliveries.next_due("telegram")
        if due is None:
            break
        clock.now = max(clock.now, due)
    rows = await services.db.fetchall("SELECT seeker_user_id, state, outcome FROM deliveries")
    by_state = Counter(r["state"] for r in rows)
    assert set(by_state) <= {"sent", "suppressed"}, by_state
    blocked = {f"t{i}" for i in range(len(users))} & sender.blocked
    assert blocked  # some users blocked the bot during the storm ...
    for row in rows:
        address = f"t{users.index(row['seeker_user_id'])}"
        if row["state"] == "suppressed":  # ... and only theirs were not delivered
            assert address in sender.blocked
            assert row["outcome"] in ("recipient_gone", "unsubscribed")
        else:
            assert address not in sender.blocked or row["outcome"] == "sent"
    shown = Counter(m.key for m in sender.messages)
    assert max(shown.values()) == 1
    assert sender.early_calls == 0  # every retry_after was honoured
    results = Counter(c.result for c in sender.calls)
    assert min(results["rate_limited"], results["server_error"], results["timeout"]) > 0
    calls = [(c.at, c.address) for c in sender.calls]
    assert pace_violations(calls, TELEGRAM_PACE) == []


def _clock():
    from tests.conftest import FakeClock

    return FakeClock(datetime(2026, 11, 23, 1, 50, tzinfo=UTC))  # 09:50 in Tianjin
