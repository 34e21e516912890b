"""Follow-up contact records (联系服务记录)."""

from __future__ import annotations

from datetime import datetime

from models.db import Database, Row
from models.delivery import ContactRecord
from models.timeutil import from_db_required, to_db


def _record(row: Row) -> ContactRecord:
    return ContactRecord(
        id=row["id"],
        user_id=row["user_id"],
        at=from_db_required(row["at"]),
        method=row["method"],
        content=row["content"],
        staff=row["staff"],
        register_id=row["register_id"],
        outcome=row["outcome"],
    )


class ContactRepo:
    """Append and list contact records."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, record: ContactRecord) -> int:
        """Store one contact; returns its id."""
        return await self._db.execute(
            "INSERT INTO contacts (user_id, register_id, at, method, content, staff, outcome)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record.user_id,
                record.register_id,
                to_db(record.at),
                record.method,
                record.content,
                record.staff,
                record.outcome,
            ),
        )

    async def for_user(self, user_id: int) -> list[ContactRecord]:
        """A user's contacts, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM contacts WHERE user_id = ? ORDER BY at, id", (user_id,)
        )
        return [_record(r) for r in rows]

    async def for_person(self, register_id: int, user_id: int | None) -> list[ContactRecord]:
        """A register person's contacts (by row or by their chat identity), newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM contacts WHERE register_id = ? OR (? IS NOT NULL AND user_id = ?)"
            " ORDER BY at DESC, id DESC",
            (register_id, user_id, user_id),
        )
        return [_record(r) for r in rows]

    async def between(self, start: datetime, end: datetime) -> list[ContactRecord]:
        """Contacts in [start, end), e.g. one month."""
        rows = await self._db.fetchall(
            "SELECT * FROM contacts WHERE at >= ? AND at < ? ORDER BY at, id",
            (to_db(start), to_db(end)),
        )
        return [_record(r) for r in rows]
