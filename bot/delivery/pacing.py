"""Per-channel pacing: never more sends than a channel declares, in any window.

A declared rate r becomes "at most N sends in any W seconds" with W = N / r: N = floor(r) for
r >= 1 (Telegram 30/s: 30 in any 1 s), N = 1 below (WeCom robot 20/min: 1 in any 3 s). A
sliding-window log of the sends in flight and those completed within the last W seconds
enforces it exactly, allows a burst of N (PTB's AIORateLimiter bursts 30 too) and, unlike
spacing sends 1/r apart, loses no throughput to late wake-ups. Each address also keeps its own
minimum gap. A `RateLimited` pauses the whole channel (the platform counts every call, not just
ours to one user).
"""

from __future__ import annotations

import asyncio
import bisect
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from bot.channels.base import Pace

# The platform sees our call a few microseconds after we decide it; 0.2% of a window (2 ms of
# a 1 s window) absorbs that jitter for 0.2% of throughput.
SAFETY = 0.002
# Forget per-address gaps older than this many gaps (keeps the map small).
PRUNE_EVERY = 4096

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def window_of(pace: Pace) -> tuple[int, float] | None:
    """The declared global rate as (N sends, in W seconds); None when unpaced."""
    rate = pace.global_per_s
    if rate is None or rate <= 0:
        return None
    count = max(1, math.floor(rate))
    return count, count / rate


class _Send:
    """One counted send: when it started, and when it completed (None while in flight)."""

    __slots__ = ("done", "started")

    def __init__(self, started: float) -> None:
        self.started = started
        self.done: float | None = None

    def at(self, now: float) -> float:
        """The latest time the platform may see it: its completion, or now while in flight."""
        return now if self.done is None else self.done


class Pacer:
    """One channel's pace: the global window, each address's gap and platform pauses.

    A send counts from its start until one window (or one gap) after it completed: the platform
    sees it at some moment in between, so a send in flight holds its slot however long it takes
    (a stalled process, a slow platform), and the next window's sends cannot bunch with it.
    A new pacer starts closed for one window (and one per-address gap), so that a restarted
    dispatcher cannot add a burst to the one its predecessor sent just before it stopped.
    """

    def __init__(
        self,
        pace: Pace,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        cold_start: bool = True,
    ) -> None:
        self.pace = pace
        self._clock = clock
        self._sleep = sleep
        self._window = window_of(pace)
        self._counted: list[_Send] = []  # sends in flight, or completed within one window
        self._gap = pace.per_recipient_s * (1 + SAFETY)
        self._last: dict[str, _Send] = {}
        self._span = self._window[1] * (1 + SAFETY) if self._window else 0.0
        self._paused_until = clock()
        self._notes = 0
        if cold_start:
            self.close_one_window()

    def delay(self, address: str | None, now: float) -> float:
        """Seconds until a send to `address` is allowed (0 when it is allowed now); None asks
        for the global window only (a reply within a user's own turn)."""
        wait = self._paused_until - now
        if self._window:
            self._forget(now)
            if len(self._counted) >= self._window[0]:
                # the first slot to free; a send still in flight counts as if it ended now
                wait = max(wait, min(c.at(now) for c in self._counted) + self._span - now)
        last = self._last.get(address) if address is not None else None
        if last is not None and self._gap:
            wait = max(wait, last.at(now) + self._gap - now)
        return max(0.0, wait)

    def delay_now(self, address: str | None) -> float:
        """`delay` at the pacer's clock's current time."""
        return self.delay(address, self._clock())

    def _forget(self, now: float) -> None:
        """Drop the sends that completed a whole window ago: they no longer count."""
        span = self._span
        if any(c.done is not None and c.done + span <= now for c in self._counted):
            self._counted = [c for c in self._counted if c.done is None or c.done + span > now]

    def note(self, address: str | None, now: float) -> _Send:
        """Count a send starting now; hand what it returns to `completed` when it returns."""
        send = _Send(now)
        if self._window:
            self._counted.append(send)
        if self._gap and address is not None:
            self._last[address] = send
            self._notes += 1
            if self._notes % PRUNE_EVERY == 0:
                self._last = {a: c for a, c in self._last.items() if c.at(now) + self._gap > now}
        return send

    def completed(self, send: _Send) -> None:
        """The send has returned (sent or not): from now on it counts from its completion."""
        send.done = max(send.started, self._clock())

    async def acquire(self, address: str | None) -> _Send:
        """Wait until a send to `address` (None: the global window only) is allowed and count
        it; call the sender right after, and `completed` when it returns (`sending` does both).

        Nothing awaits between the final check and the count, so concurrent workers cannot
        both take the last slot of a window.
        """
        while True:
            now = self._clock()
            wait = self.delay(address, now)
            if wait <= 0:
                return self.note(address, now)
            await self._sleep(wait)

    @asynccontextmanager
    async def sending(self, address: str | None) -> AsyncIterator[None]:
        """`acquire`, run the body (the send), then `completed`, however the body ends.

        Replies and pushes on one account share the window (the platform counts both); the
        per-address gap is for pushes (address None skips it), since a reply answers a message
        the user just sent.
        """
        send = await self.acquire(address)
        try:
            yield
        finally:
            self.completed(send)

    def close_one_window(self) -> None:
        """Hold every send for one window (and one per-address gap) from now: the sender this
        lane replaces (a restart, or a standby taking over from a worker that died) may have sent
        a full window just before it stopped."""
        self._paused_until = max(self._paused_until, self._clock() + max(self._span, self._gap))

    def paused_for(self) -> float:
        """Seconds until no pause holds the channel (a closed window, a platform's wait)."""
        return max(0.0, self._paused_until - self._clock())

    def pause(self, seconds: float) -> None:
        """The platform said wait (`retry_after`): hold every send of the channel."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)


def pace_violations(sends: Sequence[tuple[float, str]], pace: Pace) -> list[str]:
    """Every breach of a declared pace in a record of (time, address) sends, oldest first.

    Checks the global limit as "no N + 1 sends in any half-open window of W seconds" and each
    address's minimum gap; used by the tests and the dispatch benchmark.
    """
    problems: list[str] = []
    times = sorted(t for t, _ in sends)
    window = window_of(pace)
    if window:
        count, span = window
        for i in range(len(times) - count):
            if times[i + count] - times[i] < span:
                problems.append(
                    f"{count + 1} sends within {times[i + count] - times[i]:.4f}s"
                    f" (limit {count} per {span:.3f}s) at t={times[i]:.4f}"
                )
    if pace.per_recipient_s:
        last: dict[str, float] = {}
        for at, address in sorted(sends):
            before = last.get(address)
            if before is not None and at - before < pace.per_recipient_s:
                problems.append(f"{address}: {at - before:.4f}s between sends at t={at:.4f}")
            last[address] = at
    return problems


def achieved_rate(times: Sequence[float], pace: Pace) -> float:
    """Sends per second a record sustained, measured in whole windows from its first send.

    Over the longest whole number of windows (k * W) that fits the record, counted from the
    first send: a pacer that uses every slot reaches exactly the declared rate (k * N sends in
    k * W seconds); slow wake-ups or idle gaps show as less; more means the limit was broken.
    """
    window = window_of(pace)
    ordered = sorted(times)
    if window is None or len(ordered) < 2:
        return 0.0
    _, span = window
    stretch = math.floor((ordered[-1] - ordered[0]) / span) * span
    if stretch <= 0:
        return 0.0
    return bisect.bisect_left(ordered, ordered[0] + stretch) / stretch
