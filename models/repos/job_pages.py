"""The last page of a seeker's job list they were shown: the only writer of job_pages."""

from __future__ import annotations

from datetime import datetime

from models.db import Database
from models.timeutil import from_db_required, to_db


class JobPagesRepo:
    """Which page of 找工作's list each seeker saw last, and when."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def last(self, user_id: int) -> tuple[int, datetime] | None:
        """The page last shown to the seeker and when, if any."""
        row = await self._db.fetchone(
            "SELECT page, shown_at FROM job_pages WHERE user_id = ?", (user_id,)
        )
        return (int(row["page"]), from_db_required(str(row["shown_at"]))) if row else None

    async def shown(self, user_id: int, page: int, now: datetime) -> None:
        """Record that `page` was just shown to the seeker (replacing the previous one)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO job_pages (user_id, page, shown_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET page = excluded.page,"
                " shown_at = excluded.shown_at",
                (user_id, page, to_db(now)),
            )
