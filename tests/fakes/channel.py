"""An in-memory platform for tests and benchmarks: records every call, fails on purpose.

`FakeSender` answers 429 (retry_after), 5xx, timeouts, "blocked by the user" and WeChat's closed
window at configurable rates from a seeded generator, and remembers when each call arrived so a
test can check the pace. `KeyedFakeSender` also de-duplicates by idempotency key, like a platform
that accepts one: the same key sent twice shows the user one message.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.channels.base import Pace, SendResult
from bot.delivery.errors import RateLimited, RecipientGone, Transient, WindowClosed
from bot.delivery.pacing import Clock, Sleep
from models.messages import Channel, Reply


@dataclass(frozen=True, slots=True)
class Faults:
    """Chance (0..1) of each failure per call; drawn in this order from one number."""

    rate_limited: float = 0.0
    retry_after: float = 1.0  # seconds asked for by each 429
    server_error: float = 0.0
    timeout: float = 0.0
    timeout_delivers: float = 0.5  # share of timeouts where the platform did take the message
    blocked: float = 0.0  # the user blocks the bot: every later call to them fails too
    window_closed: float = 0.0  # WeChat: the user's window closes until they write again


@dataclass(frozen=True, slots=True)
class Call:
    """One call as the platform saw it."""

    at: float
    address: str
    key: str | None
    # sent / duplicate / rate_limited / server_error / timeout / blocked / window_closed
    result: str


@dataclass(frozen=True, slots=True)
class Message:
    """A message the user would see."""

    at: float
    address: str
    reply: Reply
    key: str | None
    message_id: str


class FakeSender:
    """A scripted platform; `calls` has every call, `messages` what users would see."""

    def __init__(
        self,
        channel: Channel = Channel.CONSOLE,
        pace: Pace | None = None,
        *,
        faults: Faults | None = None,
        seed: int = 0,
        clock: Clock = time.monotonic,
        latency: float = 0.0,
        sleep: Sleep = asyncio.sleep,
        blocked: Iterable[str] = (),
        closed: Iterable[str] = (),
        after_send: Callable[[Message], None] | None = None,
        script: Iterable[str] = (),
    ) -> None:
        self.channel = channel
        self.pace = pace or Pace()
        self.faults = faults or Faults()
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.early_calls = 0  # calls made while a 429's retry_after was still running
        self.blocked = set(blocked)
        self.closed = set(closed)
        self.after_send = after_send
        self._rng = random.Random(seed)
        self._clock = clock
        self._latency = latency
        self._sleep = sleep
        self._paused_until = float("-inf")
        self._accepted: dict[str, SendResult] = {}
        self._script = list(script)  # results of the next calls, before any random draw

    async def send(self, address: str, reply: Reply) -> SendResult:
        """Send without an idempotency key (a retry may show the user a second copy)."""
        return await self._call(address, reply, None)

    def open_window(self, address: str) -> None:
        """The user wrote: their WeChat window is open again."""
        self.closed.discard(address)

    def to(self, address: str) -> list[Message]:
        """What one user saw, in order."""
        return [m for m in self.messages if m.address == address]

    async def _call(self, address: str, reply: Reply, key: str | None) -> SendResult:
        now = self._clock()  # first, before any await: the time the platform sees the call
        if now < self._paused_until:
            self.early_calls += 1
            return self._fail(now, address, key, "rate_limited")
        if key is not None and key in self._accepted:
            self.calls.append(Call(now, address, key, "duplicate"))
            return self._accepted[key]
        if address in self.blocked:
            return self._fail(now, address, key, "blocked")
        if address in self.closed:
            return self._fail(now, address, key, "window_closed")
        if self._script:
            result = self._script.pop(0)
            if result != "sent":
                return self._fail(now, address, key, result)
            self.calls.append(Call(now, address, key, "sent"))
            return self._deliver(now, address, reply, key)
        f, draw = self.faults, self._rng.random()
        for result, rate in (
            ("rate_limited", f.rate_limited),
            ("server_error", f.server_error),
            ("timeout", f.timeout),
            ("blocked", f.blocked),
            ("window_closed", f.window_closed),
        ):
            if draw < rate:
                if result == "timeout" and self._rng.random() < f.timeout_delivers:
                    self._deliver(now, address, reply, key)  # taken, but the answer was lost
                return self._fail(now, address, key, result)
            draw -= rate
        if self._latency:
            await self._sleep(self._latency)
        self.calls.append(Call(now, address, key, "sent"))
        return self._deliver(now, address, reply, key)

    def _deliver(self, now: float, address: str, reply: Reply, key: str | None) -> SendResult:
        message = Message(now, address, reply, key, f"{self.channel.value}-{len(self.messages)}")
        self.messages.append(message)
        result = SendResult(message.message_id)
        if key is not None:
            self._accepted[key] = result
        if self.after_send is not None:
            self.after_send(message)
        return result

    def _fail(self, now: float, address: str, key: str | None, result: str) -> SendResult:
        self.calls.append(Call(now, address, key, result))
        if result == "rate_limited":
            self._paused_until = max(self._paused_until, now + self.faults.retry_after)
            raise RateLimited(self.faults.retry_after)
        if result == "blocked":
            self.blocked.add(address)
            raise RecipientGone("Forbidden: bot was blocked by the user")
        if result == "window_closed":
            self.closed.add(address)
            raise WindowClosed("45015 response out of time limit")
        raise Transient(result)


class KeyedFakeSender(FakeSender):
    """A platform that honours idempotency keys: a resent key is not shown twice."""

    async def send_keyed(self, address: str, reply: Reply, key: str) -> SendResult:
        """Send once per key; a repeat returns the first result."""
        return await self._call(address, reply, key)
