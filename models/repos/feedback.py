"""Seekers' answers to pushed jobs: 感兴趣 / 不感兴趣 (with a reason) / 已找到工作."""

from __future__ import annotations

from datetime import datetime

from models.db import Database
from models.timeutil import to_db


class FeedbackRepo:
    """The feedback table; one answer of each kind per (seeker, posting)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self, user_id: int, posting_id: int, kind: str, now: datetime, reason: str | None = None
    ) -> bool:
        """Store an answer; a repeated tap keeps the first (a new reason replaces the old one).

        Returns True when this answer (or reason) is new.
        """
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT id, reason FROM feedback WHERE user_id = ? AND posting_id = ? AND kind = ?"
                " ORDER BY id LIMIT 1",
                (user_id, posting_id, kind),
            )
            if row is None:
                await tx.execute(
                    "INSERT INTO feedback (user_id, posting_id, kind, reason, at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (user_id, posting_id, kind, reason, to_db(now)),
                )
                return True
            if reason is None or row["reason"] == reason:
                return False
            await tx.execute(
                "UPDATE feedback SET reason = ?, at = ? WHERE id = ?",
                (reason, to_db(now), row["id"]),
            )
            return True

    async def count(self, posting_id: int, kind: str, reason: str | None = None) -> int:
        """How many distinct seekers gave this answer (and reason) on a posting."""
        row = await self._db.fetchone(
            "SELECT COUNT(DISTINCT user_id) AS n FROM feedback WHERE posting_id = ? AND kind = ?"
            " AND (? IS NULL OR reason = ?)",
            (posting_id, kind, reason, reason),
        )
        return int(row["n"]) if row else 0

    async def of_user(self, user_id: int, posting_id: int) -> list[tuple[str, str | None]]:
        """A seeker's answers on one posting as (kind, reason), oldest first."""
        rows = await self._db.fetchall(
            "SELECT kind, reason FROM feedback WHERE user_id = ? AND posting_id = ? ORDER BY id",
            (user_id, posting_id),
        )
        return [(r["kind"], r["reason"]) for r in rows]
