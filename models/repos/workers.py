"""Workers that claim outbox rows, and the one rule for whether a claim is still held.

A claim (`state = 'sending'`, `claim_token`, `claimed_until`) is held while its lease runs and
its worker's heartbeat is fresher than DEAD_AFTER. Every claim beats for its worker, and a
serving dispatcher beats every HEARTBEAT. A worker starting on a host removes the rows of that
host's processes that are gone (kill -9, OOM), so what they had claimed is recovered at once
(#17 item 14); a worker on another host that died is noticed after DEAD_AFTER.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from models.db import Database, Tx
from models.timeutil import to_db

HEARTBEAT = timedelta(seconds=2)
# Several missed beats: a worker busy on a slow database is not taken for dead.
DEAD_AFTER = timedelta(seconds=15)


def new_worker_id() -> str:
    """A worker's id, unique across hosts and restarts; one per process, shared by its parts."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def stale_claim(table: str) -> str:
    """SQL true for a `sending` row of `table` nobody holds; parameters: now, now - DEAD_AFTER."""
    return (
        f"({table}.claimed_until <= ? OR NOT EXISTS (SELECT 1 FROM workers w"
        f" WHERE w.id = {table}.claim_token AND w.heartbeat_at > ?))"
    )


def stale_params(now: datetime) -> tuple[str | None, str | None]:
    """The parameters of `stale_claim` at `now`."""
    return to_db(now), to_db(now - DEAD_AFTER)


async def beat_in(tx: Tx, worker_id: str, now: datetime) -> None:
    """Record that the worker is alive (creating its row on its first claim)."""
    at = to_db(now)
    await tx.execute(
        "INSERT INTO workers (id, started_at, heartbeat_at) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
        (worker_id, at, at),
    )


class WorkerRepo:
    """Joining, beating and leaving; the only code that writes the workers table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def join(
        self,
        worker_id: str,
        host: str,
        process: tuple[int, str | None],
        now: datetime,
        alive: Callable[[int, str | None], bool],
    ) -> list[str]:
        """Register this worker and drop the rows of this host's dead workers; returns those.

        `process` is (pid, start stamp); `alive(pid, stamp)` tells whether that very process
        still runs (a pid reused after a restart has another stamp).
        """
        pid, stamp = process
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT id, pid, pid_stamp FROM workers WHERE host = ? AND id != ?",
                (host, worker_id),
            )
            dead = [r["id"] for r in rows if not alive(int(r["pid"]), r["pid_stamp"])]
            for gone in dead:
                await tx.execute("DELETE FROM workers WHERE id = ?", (gone,))
            at = to_db(now)
            await tx.execute(
                "INSERT INTO workers (id, host, pid, pid_stamp, started_at, heartbeat_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET host = excluded.host,"
                " pid = excluded.pid, pid_stamp = excluded.pid_stamp,"
                " heartbeat_at = excluded.heartbeat_at",
                (worker_id, host, pid, stamp, at, at),
            )
        return dead

    async def beat(self, worker_id: str, now: datetime) -> None:
        """The periodic heartbeat of a serving worker."""
        async with self._db.transaction() as tx:
            await beat_in(tx, worker_id, now)

    async def leave(self, worker_id: str) -> None:
        """A clean stop: its claims (normally none left) are free at once."""
        await self._db.execute("DELETE FROM workers WHERE id = ?", (worker_id,))

    async def live(self, now: datetime) -> list[str]:
        """Ids of the workers whose heartbeat is fresh."""
        rows = await self._db.fetchall(
            "SELECT id FROM workers WHERE heartbeat_at > ? ORDER BY id",
            (to_db(now - DEAD_AFTER),),
        )
        return [r["id"] for r in rows]
