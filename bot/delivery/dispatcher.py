"""The dispatcher: per-channel lanes that claim due pushes, render them, send them, record them.

Each channel with a sender gets a lane: it claims a batch of due rows (storage loads and locks
them, handlers.services.delivery_rules decides, the same transaction applies), renders them, sends
them through a few concurrent workers under the channel's `Pacer`, and records the outcomes in
batches.

Delivery semantics (per channel; a row is marked `sending` with a lease before the call):
- A crash between the platform accepting a message and our commit leaves the row `sending`;
  when the lease runs out the next claim sends it again. That is at-least-once: each such crash
  can show the user one extra copy, and nothing is ever lost.
- A sender that takes an idempotency key (`KeyedSender.send_keyed`, key "delivery:<id>", the
  same across retries and restarts) makes it exactly-once end to end; `KeyedFakeSender` does.
  The Telegram Bot API, WeChat customer-service messages and WeCom robots accept no such key,
  so they are at-least-once. What a crash can repeat is what was sent but not yet recorded:
  paced lanes record after every send (at most the CONCURRENCY sends in flight), unpaced ones
  after each batch.
- A stopped worker's rows come back when their lease (LEASE) runs out, when its heartbeat
  stops, or at once when a worker starting on its host finds its process gone
  (models.repos.workers); several workers share one database and claim with SKIP LOCKED.
  Queuing a row NOTIFYs DUE_TOPIC on PostgreSQL, which wakes the active lane of whichever
  worker holds the channel within tens of ms; a lane also polls every POLL_S.
  A row recovered ISOLATE_AFTER times is claimed alone, and one that keeps stopping workers
  fails after delivery_rules.MAX_RECOVERIES with "recovery_limit" (a poison row cannot stall a
  lane).
- Failures: 429 pauses the channel for `retry_after` and re-queues (not an attempt); 5xx,
  timeouts and unknown errors retry with exponential backoff and jitter up to MAX_ATTEMPTS then
  fail with the reason; "blocked" unsubscribes the user and suppresses all their queued pushes;
  WeChat's closed window puts the push into the seeker's digest, which waits for their next
  message (`on_user_message`, or noticed at claim time) for WINDOW_HOLD and then expires.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.channels.base import Sender, SendResult
from bot.delivery.errors import DeliveryError, Permanent, RateLimited, RecipientGone, WindowClosed
from bot.delivery.pacing import Clock, Pacer, Sleep, window_of
from bot.metrics import Metrics
from bot.scheduler import wait_any
from handlers import language
from handlers.context import Policy, Services
from handlers.services import delivery_rules
from handlers.services.cards import digest_card, job_card
from handlers.services.subscription import recipient_gone
from models.delivery import DeliveryState
from models.dispatch import DUE_TOPIC, Candidate, Claimed, Hold, Kind, Outcome, Verdict
from models.messages import Channel, Reply
from models.posting import Posting
from models.repos.workers import HEARTBEAT, new_worker_id

log = logging.getLogger(__name__)

# A claim's lease: a worker that stops holds its rows this long before others recover them.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5  # sends that failed transiently before a push fails for good
BATCH = 200  # rows per claim: one transaction claims them, a few record them
CONCURRENCY = 8  # sends in flight per channel (Telegram answers in ~0.1 s: 8 keep 30/s busy)
# Outcomes per recording transaction on unpaced channels: one per batch. A crash repeats at most
# the unrecorded sends of one batch on channels without idempotency keys (tens of ms of sends).
FLUSH_EVERY = BATCH
# An idle lane looks for new rows this often: the fallback for a lost NOTIFY, and how SQLite
# hears of rows queued elsewhere (publishing from the CLI, another area's notices).
POLL_S = 1.0
# A send that would wait longer than this for the pace goes back to the queue instead of
# holding its lease (a long 429 pause, many pushes to one recipient).
MAX_PACE_WAIT_S = 10.0
WINDOW_HOLD = timedelta(days=7)  # how long a push waits for a WeChat user to write again
ERROR_PAUSE_S = 5.0  # a serving lane that hit an unexpected error waits this long, then goes on
STANDBY_S = 2.0  # a standby lane asks this often whether the channel's active sender is gone


class _Due(Protocol):
    """Due rows a claim loaded and locked (`DueBatch`, `DueOutbox`)."""

    @property
    def candidates(self) -> list[Candidate]: ...
    @property
    def pushes_today(self) -> dict[int, int]: ...
    async def apply(self, verdicts: Sequence[Verdict], lease: timedelta) -> list[Claimed]: ...


class _Claims(Protocol):
    def claiming(
        self, channel: str, now: datetime, *, limit: int, token: str
    ) -> AbstractAsyncContextManager[_Due]: ...


async def claim(
    repo: _Claims,
    channel: str,
    now: datetime,
    policy: Policy,
    lease: timedelta,
    *,
    limit: int,
    token: str,
) -> tuple[list[Claimed], int]:
    """Claim one batch: storage loads the due rows, the delivery rules decide, storage applies,
    all in the claim's one transaction. Returns the leased rows and how many were handled."""
    async with repo.claiming(channel, now, limit=limit, token=token) as due:
        verdicts = delivery_rules.decide_batch(due.candidates, due.pushes_today, now, policy)
        return await due.apply(verdicts, lease), len(due.candidates)


@runtime_checkable
class KeyedSender(Protocol):
    """A sender whose platform de-duplicates by an idempotency key (exactly-once sends)."""

    async def send_keyed(self, address: str, reply: Reply, key: str) -> SendResult:
        """Send, unless a message with this key was already accepted."""
        ...


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: base * 2^(attempt-1), capped, times 0.5–1.5."""

    base_s: float = 30.0
    cap_s: float = 3600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds before retry number `attempt` (1 = the first retry)."""
        return float(min(self.cap_s, self.base_s * 2 ** (attempt - 1)) * rng.uniform(0.5, 1.5))


class Dispatcher:
    """Sends what is due on every channel that has a sender; see the module docstring."""

    def __init__(
        self,
        services: Services,
        senders: Mapping[Channel, Sender],
        *,
        concurrency: int = CONCURRENCY,
        batch: int = BATCH,
        lease: timedelta = LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        monotonic: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        pacers: Mapping[Channel, Pacer] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.services = services
        self.metrics = metrics
        self.concurrency = concurrency
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff = backoff or Backoff()
        self.rng = rng or random.Random()
        self.token = new_worker_id()
        self.counts: Counter[str] = Counter()  # attempt labels: sent, transient, rate_limited …
        self.deliveries = services.repos.deliveries
        self.outbox = services.repos.outbox
        self.outcomes = services.repos.outcomes
        self.workers = services.repos.workers
        self._wake = asyncio.Event()
        pacers = pacers or {}
        self.lanes = {
            channel: _Lane(
                self,
                channel,
                sender,
                pacers.get(channel) or Pacer(sender.pace, clock=monotonic, sleep=sleep),
                batch,
            )
            for channel, sender in senders.items()
        }

    async def run_until_idle(self) -> int:
        """Send everything due now on every channel; returns how many rows were handled."""
        await self.join()
        async with asyncio.TaskGroup() as group:  # one lane failing stops the others too
            runs = [group.create_task(lane.drain()) for lane in self.lanes.values()]
        return sum(run.result() for run in runs)

    async def serve(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set; every lane works on its own, at its own pace."""
        await self.join()
        try:
            # On PostgreSQL a NOTIFY from whichever worker queued rows wakes the lanes at once;
            # polling every POLL_S stays the fallback (and is all SQLite needs: one process).
            async with (
                self.services.db.listen(DUE_TOPIC, self.wake),
                asyncio.TaskGroup() as group,
            ):
                group.create_task(self._heartbeat(stop))
                for lane in self.lanes.values():
                    group.create_task(lane.serve(stop))
        finally:
            await asyncio.shield(self.workers.leave(self.token))

    async def join(self) -> None:
        """Register as a worker; the claims of this host's dead workers are free from now."""
        pid = os.getpid()
        dead = await self.workers.join(
            self.token,
            socket.gethostname(),
            (pid, process_stamp(pid)),
            self.services.clock(),
            process_alive,
        )
        if dead:
            log.warning("workers %s are gone; their claims are recovered now", ", ".join(dead))

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        """Keep this worker's claims held while it sends (a paced batch takes minutes)."""
        while not stop.is_set():
            try:
                await self.workers.beat(self.token, self.services.clock())
            except Exception:
                log.exception("heartbeat failed; retrying")
            await wait_any((stop,), HEARTBEAT.total_seconds())

    def wake(self) -> None:
        """Look for due rows now (after publishing, or when a user wrote)."""
        self._wake.set()

    async def on_user_message(self, user_id: int) -> None:
        """The user wrote: what waited for their WeChat window goes out now."""
        if await self.outbox.release_window(user_id, self.services.clock()):
            self.wake()

    async def idle_wait(self, stop: asyncio.Event, seconds: float) -> None:
        """Wait for `seconds`, a wake-up or the stop signal, whichever comes first."""
        await wait_any((stop, self._wake), seconds)
        self._wake.clear()


class _Lane:
    """One channel: claim, render, pace, send, record."""

    def __init__(
        self, dispatcher: Dispatcher, channel: Channel, sender: Sender, pacer: Pacer, batch: int
    ) -> None:
        self.d = dispatcher
        self.channel = channel
        self.sender = sender
        self.pacer = pacer
        window = window_of(sender.pace)
        lease_s = dispatcher.lease.total_seconds()
        # A paced batch must be sent well within its lease: half of it at the declared rate.
        per_s = window[0] / window[1] if window else None
        self.limit = batch if per_s is None else max(1, min(batch, int(per_s * lease_s / 2)))
        self.paced = window is not None or sender.pace.per_recipient_s > 0
        self.keyed = sender if isinstance(sender, KeyedSender) else None

    async def drain(self) -> int:
        """Cycle until a claim finds nothing due."""
        total = 0
        while handled := await self.cycle():
            total += handled
        return total

    async def serve(self, stop: asyncio.Event) -> None:
        """Send as the channel's one active sender; on standby while another worker is.

        Platform limits are per account (bot token, AppID, robot key), so however many workers
        run, one lane per channel sends; the others try again every STANDBY_S and take over
        when the active worker stops or dies.
        """
        while not stop.is_set():
            async with self.d.services.db.exclusive(f"sender:{self.channel.value}") as active:
                if active:
                    log.info("dispatch lane %s: active sender", self.channel)
                    self.pacer.close_one_window()
                    # Claim nothing while the window is closed: rows claimed then would wait in a
                    # lease, and a worker stopped in that time would count a recovery on each.
                    await wait_any((stop,), self.pacer.paused_for())
                    await self._serve_active(stop)
                    return
            await wait_any((stop,), STANDBY_S)

    async def _serve_active(self, stop: asyncio.Event) -> None:
        """Cycle while there is work, then wait for the next due row, a wake-up or stop.

        An unexpected error (the database busy beyond its timeout, a bug) is logged and the lane
        carries on after a pause: what it had claimed is recovered when the lease runs out.
        """
        while not stop.is_set():
            try:
                if await self.cycle():
                    continue
                wait = await self._until_next_due()
            except Exception:
                log.exception(
                    "dispatch lane %s failed; retrying in %ss", self.channel, ERROR_PAUSE_S
                )
                wait = ERROR_PAUSE_S
            await self.d.idle_wait(stop, wait)

    async def cycle(self) -> int:
        """Claim one batch (digests and notices first), send it and record it."""
        d, now, channel = self.d, self.d.services.clock(), self.channel.value
        policy, limit, token = d.services.policy, self.limit, d.token
        others, handled_others = await claim(
            d.outbox, channel, now, policy, d.lease, limit=limit, token=token
        )
        pushes, handled_pushes = await claim(
            d.deliveries, channel, now, policy, d.lease, limit=limit, token=token
        )
        claimed = others + pushes
        if claimed:
            await self._send_all(claimed)
        return handled_others + handled_pushes

    async def _send_all(self, claimed: Sequence[Claimed]) -> None:
        ids = sorted({i.posting_id for c in claimed for i in c.items})
        postings = await self.d.services.postings.many(ids)
        todo = deque(claimed)
        pending: list[Outcome] = []

        async def worker() -> None:
            while todo:
                outcome = await self._send_one(todo.popleft(), postings)
                self.d.counts[outcome.attempt] += 1
                pending.append(outcome)
                if self.paced or len(pending) >= FLUSH_EVERY:
                    await self._record(pending)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.d.concurrency, len(claimed))):
                group.create_task(worker())
        await self._record(pending)

    async def _record(self, pending: list[Outcome]) -> None:
        batch = pending.copy()
        pending.clear()
        if not batch:
            return
        await self.d.outcomes.record(batch, self.d.services.clock())
        channel, metrics = self.channel.value, self.d.metrics
        for outcome in batch:
            # One line per delivery, ids only (never the message or the recipient's address).
            ids = {
                "delivery": outcome.claimed.key,
                "user_id": outcome.claimed.recipient.user_id,
                "channel": channel,
                "state": outcome.state.value,
                "attempt": outcome.attempt,
            }
            log.info("delivery %s to user %s on %s: %s (%s)", *ids.values(), extra=ids)
            if metrics is not None and outcome.state != DeliveryState.QUEUED:
                metrics.deliveries.labels(channel, outcome.state.value).inc()
                if outcome.state == DeliveryState.SENT:
                    metrics.messages_out.labels(channel).inc()
            if outcome.unsubscribe:
                await recipient_gone(self.d.services, outcome.claimed.recipient.user_id)

    async def _send_one(self, c: Claimed, postings: Mapping[int, Posting]) -> Outcome:
        try:
            reply = render(c, postings)
        except Exception as error:  # a bad row must not stop the lane
            log.exception("cannot render %s", c.key)
            return Outcome(c, DeliveryState.FAILED, f"render_error: {error}", "render_error")
        address = c.recipient.address
        wait = self.pacer.delay_now(address)
        if wait > MAX_PACE_WAIT_S:
            return self._later(c, wait, "paced", Hold.RATE, counted=False)
        slot = await self.pacer.acquire(address)
        started = time.perf_counter()
        try:
            if self.keyed is not None:
                result = await self.keyed.send_keyed(address, reply, c.key)
            else:
                result = await self.sender.send(address, reply)
        except RateLimited as error:
            if self.d.metrics is not None:
                self.d.metrics.rate_limited.labels(self.channel.value).inc()
            self.pacer.pause(error.retry_after)
            return self._later(c, error.retry_after, "rate_limited", Hold.RATE, counted=False)
        except RecipientGone:
            return Outcome(c, DeliveryState.SUPPRESSED, "recipient_gone", "gone", unsubscribe=True)
        except WindowClosed:
            return self._later(c, WINDOW_HOLD.total_seconds(), "window_closed", Hold.WINDOW, False)
        except Permanent as error:
            return Outcome(c, DeliveryState.FAILED, f"permanent: {error}", "permanent")
        except DeliveryError as error:  # Transient, or a subclass we do not know
            return self._retry(c, f"{type(error).__name__}: {error}")
        except Exception as error:  # a sender bug: log it, and treat it like a transient failure
            log.exception("sender %s failed on %s", self.channel, c.key)
            return self._retry(c, f"error: {type(error).__name__}")
        finally:
            self.pacer.completed(slot)  # counted from when the platform had it, at the latest
            if self.d.metrics is not None:
                elapsed = time.perf_counter() - started
                self.d.metrics.send_seconds.labels(self.channel.value).observe(elapsed)
        return Outcome(c, DeliveryState.SENT, "sent", "sent", message_id=result.message_id)

    def _retry(self, c: Claimed, detail: str) -> Outcome:
        attempt = c.attempts + 1
        if attempt >= self.d.max_attempts:
            return Outcome(c, DeliveryState.FAILED, f"gave_up: {detail}", "transient")
        delay = self.d.backoff.delay(attempt, self.d.rng)
        return self._later(c, delay, detail, Hold.RETRY, counted=True, attempt="transient")

    def _later(
        self,
        c: Claimed,
        seconds: float,
        detail: str,
        hold: Hold,
        counted: bool,
        attempt: str | None = None,
    ) -> Outcome:
        due = self.d.services.clock() + timedelta(seconds=seconds)
        return Outcome(
            c, DeliveryState.QUEUED, detail, attempt or detail, counted, due_at=due, hold=hold
        )

    async def _until_next_due(self) -> float:
        now = self.d.services.clock()
        dues = [
            await self.d.deliveries.next_due(self.channel.value),
            await self.d.outbox.next_due(self.channel.value),
        ]
        soonest = min((d for d in dues if d is not None), default=None)
        if soonest is None:
            return POLL_S
        return min(POLL_S, max(0.0, (soonest - now).total_seconds()))


def render(c: Claimed, postings: Mapping[int, Posting]) -> Reply:
    """The message for a claimed row: a job card, a digest, or a notice's stored text."""
    lang = c.recipient.lang
    if c.kind == Kind.NOTICE:
        if c.reply is None:
            raise ValueError("a notice without text")
        return replace(c.reply, lang=lang)
    entries = [(postings[i.posting_id], i.reason) for i in c.items if i.posting_id in postings]
    if not entries:
        raise ValueError("its postings are gone")
    with language.speaking(lang):  # the recipient's language, whoever queued the push
        if c.kind == Kind.DIGEST and len(entries) > 1:
            card = digest_card(entries)
        else:  # a digest of one reads as its card
            card = job_card(entries[0][0], entries[0][1])
    return replace(card, lang=lang)


def process_stamp(pid: int) -> str | None:
    """When a process started (Linux /proc, clock ticks since boot): a reused pid differs."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19] if len(fields) > 19 else None  # field 22, counted after pid and name


def process_alive(pid: int, stamp: str | None) -> bool:
    """Whether that very process of this host still runs (signal 0 checks, sends nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process with that pid: the stamp decides
    return stamp is None or process_stamp(pid) in (None, stamp)
