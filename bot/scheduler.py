"""Persisted timers: what must happen at a time is a row in `timers`, so a restart loses none.

A timer has a unique name, a due time and a JSON payload naming its kind; the handler registered
for the kind runs when it is due and returns when to run again (None: done, the row goes).
Running is at-least-once: a timer is claimed as deliveries are (its worker's id and a lease), and
the one rule of models.repos.workers decides whether the claim still holds: while the lease runs
and its worker beats. A worker killed mid-run therefore loses its timers to the next claim once
its heartbeat stops (15 s), or at once when a worker starting on its host finds it gone; a run
that outlives the lease may be repeated. Handlers are therefore idempotent.

Digests and retries need no timer of their own: their time is the `due_at` of their outbox or
delivery row, persisted with the row, and the dispatcher sleeps until the earliest one. The
timers here are the jobs without a row: the posting-expiry sweep, and other areas' periodic
work (follow-up reminders) registered the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from handlers.context import Services
from handlers.services.publishing import expire_due
from models.repos.workers import beat_in, new_worker_id, stale_claim, stale_params
from models.timeutil import from_db, to_db

log = logging.getLogger(__name__)

TimerHandler = Callable[[datetime, dict[str, Any]], Awaitable[datetime | None]]

# A run that has not ended after this is taken for stuck even though its worker still beats.
LEASE = timedelta(minutes=10)
RETRY = LEASE  # a handler that failed runs again this much later
POLL_S = 30.0  # an idle scheduler re-reads the table at least this often (timers added elsewhere)
CLAIMED_POLL_S = 5.0  # while another worker holds a timer (its death is noticed within DEAD_AFTER)
EXPIRY_SWEEP = timedelta(minutes=10)  # postings expire at most this late (gigs live 3 days)
EXPIRY_TIMER = "postings:expire"


class Scheduler:
    """Runs due timers through the handlers registered for their kinds."""

    def __init__(self, services: Services, worker: str | None = None) -> None:
        self.services = services
        # The process's worker id: its dispatcher's heartbeat keeps this scheduler's claims held.
        self.worker = worker or new_worker_id()
        self._handlers: dict[str, TimerHandler] = {}
        self._wake = asyncio.Event()

    def register(self, kind: str, handler: TimerHandler) -> None:
        """Handle timers of `kind` (a kind has one handler)."""
        if kind in self._handlers:
            raise RuntimeError(f"timer kind {kind} registered twice")
        self._handlers[kind] = handler

    async def schedule(
        self, name: str, due_at: datetime, kind: str, payload: dict[str, Any] | None = None
    ) -> None:
        """Set (or move) the timer `name`."""
        await self.services.db.execute(
            "INSERT INTO timers (name, due_at, payload) VALUES (?, ?, ?) ON CONFLICT (name)"
            " DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload",
            (name, to_db(due_at), _payload(kind, payload)),
        )
        self._wake.set()

    async def ensure(
        self, name: str, due_at: datetime, kind: str, payload: dict[str, Any] | None = None
    ) -> bool:
        """Create the timer unless it exists (periodic jobs at start-up keep their time)."""
        created = await self.services.db.execute(
            "INSERT INTO timers (name, due_at, payload) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO NOTHING",
            (name, to_db(due_at), _payload(kind, payload)),
        )
        self._wake.set()
        return created > 0

    async def cancel(self, name: str) -> None:
        """Remove a timer."""
        await self.services.db.execute("DELETE FROM timers WHERE name = ?", (name,))

    async def due_at(self, name: str) -> datetime | None:
        """When a timer is due, if it exists."""
        row = await self.services.db.fetchone("SELECT due_at FROM timers WHERE name = ?", (name,))
        return from_db(row["due_at"]) if row else None

    async def run_due(self) -> int:
        """Run every timer due now, oldest first; returns how many ran."""
        ran = 0
        while (claimed := await self._claim_one()) is not None:
            name, kind, payload, now = claimed
            try:
                again = await self._handlers[kind](now, payload)
            except Exception:
                log.exception("timer %s (%s) failed; it fires again in %s", name, kind, RETRY)
                await self._release(name, now + RETRY)
                continue
            if again is None:
                await self.services.db.execute(
                    "DELETE FROM timers WHERE name = ? AND claim_token = ?", (name, self.worker)
                )
            else:
                await self._release(name, again)
            ran += 1
        return ran

    async def _release(self, name: str, due_at: datetime) -> None:
        """End this worker's claim (unless another took the timer since) and set its next time."""
        await self.services.db.execute(
            "UPDATE timers SET due_at = ?, claimed_until = NULL, claim_token = NULL"
            " WHERE name = ? AND claim_token = ?",
            (to_db(due_at), name, self.worker),
        )

    async def serve(self, stop: asyncio.Event) -> None:
        """Run timers as they fall due until `stop` is set."""
        while not stop.is_set():
            await self.run_due()
            row = await self.services.db.fetchone(
                "SELECT MIN(CASE WHEN claim_token IS NULL THEN due_at END) AS due,"
                " COUNT(claim_token) AS claimed FROM timers"
            )
            due = from_db(row["due"]) if row else None
            # Another worker's claim may go stale at any beat: look again soon while one exists.
            wait = CLAIMED_POLL_S if row and row["claimed"] else POLL_S
            if due is not None:
                wait = min(wait, max(0.0, (due - self.services.clock()).total_seconds()))
            self._wake.clear()
            await wait_any((stop, self._wake), wait)

    async def _claim_one(self) -> tuple[str, str, dict[str, Any], datetime] | None:
        """Take the oldest due timer whose kind has a handler: unclaimed and due, or claimed
        by a worker that no longer holds it (the rule deliveries follow)."""
        now = self.services.clock()
        kinds = sorted(self._handlers)
        if not kinds:
            return None
        marks = ",".join("?" * len(kinds))
        async with self.services.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT name, payload FROM timers WHERE due_at <= ? AND json_valid(payload)"
                f" AND json_extract(payload, '$.kind') IN ({marks})"
                f" AND (claim_token IS NULL OR {stale_claim('timers')}) ORDER BY due_at LIMIT 1"
                " FOR UPDATE SKIP LOCKED",  # another worker's claim in flight is not waited for
                (to_db(now), *kinds, *stale_params(now)),
            )
            if row is None:
                return None
            await tx.execute(
                "UPDATE timers SET claimed_until = ?, claim_token = ? WHERE name = ?",
                (to_db(now + LEASE), self.worker, row["name"]),
            )
            await beat_in(tx, self.worker, now)
        data = json.loads(row["payload"])
        return row["name"], data.pop("kind"), data, now


async def wait_any(events: Sequence[asyncio.Event], seconds: float) -> None:
    """Return when one of the events is set or after `seconds`."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _payload(kind: str, payload: dict[str, Any] | None) -> str:
    return json.dumps({**(payload or {}), "kind": kind}, ensure_ascii=False)


async def install_delivery_timers(scheduler: Scheduler) -> None:
    """Register the delivery area's periodic jobs and make sure their timers exist."""
    services = scheduler.services

    async def sweep_expired(now: datetime, payload: dict[str, Any]) -> datetime | None:
        expired = await expire_due(services, now)
        if expired:
            log.info("expired %s postings", expired)
        return now + EXPIRY_SWEEP

    scheduler.register("expire_postings", sweep_expired)
    await scheduler.ensure(EXPIRY_TIMER, services.clock(), "expire_postings")
