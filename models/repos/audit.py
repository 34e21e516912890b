"""The audit log of privileged actions, allowed or refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.db import Database
from models.timeutil import from_db_required, to_db


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did (or tried) what, when."""

    at: datetime
    actor: str
    action: str
    target: str | None
    detail: str | None
    allowed: bool


class AuditRepo:
    """Append-only audit log."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        actor: str,
        action: str,
        *,
        allowed: bool,
        now: datetime,
        target: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Append one entry."""
        await self._db.execute(
            "INSERT INTO audit_log (at, actor, action, target, detail, allowed)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (to_db(now), actor, action, target, detail, int(allowed)),
        )

    async def recent(self, limit: int = 100) -> list[AuditEntry]:
        """Newest entries first."""
        rows = await self._db.fetchall(
            "SELECT at, actor, action, target, detail, allowed FROM audit_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            AuditEntry(
                at=from_db_required(r["at"]),
                actor=r["actor"],
                action=r["action"],
                target=r["target"],
                detail=r["detail"],
                allowed=bool(r["allowed"]),
            )
            for r in rows
        ]
