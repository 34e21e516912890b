"""Read-only figures about the outbox for operators: what waits per channel, and since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.db import Database
from models.timeutil import from_db


@dataclass(frozen=True, slots=True)
class QueueStat:
    """One channel's queued rows (pushes, digests and notices) and the earliest due time."""

    channel: str
    depth: int
    oldest_due: datetime | None


class QueueRepo:
    """Counts over `deliveries` and `outbox`; writes nothing."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def stats(self) -> list[QueueStat]:
        """Queued rows per channel, sorted by channel name."""
        rows = await self._db.fetchall(
            "SELECT channel, COUNT(*) AS n, MIN(due_at) AS due FROM deliveries"
            " WHERE state = 'queued' GROUP BY channel"
            " UNION ALL SELECT channel, COUNT(*) AS n, MIN(due_at) AS due FROM outbox"
            " WHERE state = 'queued' GROUP BY channel"
        )
        merged: dict[str, tuple[int, datetime | None]] = {}
        for row in rows:
            due = from_db(row["due"])
            depth, oldest = merged.get(row["channel"], (0, None))
            if oldest is None or (due is not None and due < oldest):
                oldest = due
            merged[row["channel"]] = (depth + int(row["n"]), oldest)
        return [QueueStat(ch, depth, oldest) for ch, (depth, oldest) in sorted(merged.items())]
