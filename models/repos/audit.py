"""The audit log of privileged actions, allowed or refused."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from models.db import Database, Tx
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

    async def refused_since(
        self,
        actions: tuple[str, ...],
        since: datetime,
        *,
        actor: str | None = None,
        actor_prefix: str | None = None,
    ) -> int:
        """How many of `actions` were refused since `since`, for one actor or actor prefix."""
        marks = ", ".join("?" for _ in actions)
        sql = f"SELECT COUNT(*) AS n FROM audit_log WHERE allowed = 0 AND action IN ({marks})"
        params: list[object] = [*actions]
        if actor is not None:
            sql += " AND actor = ?"
            params.append(actor)
        if actor_prefix is not None:
            sql += " AND actor LIKE ?"
            params.append(actor_prefix.replace("%", "") + "%")
        sql += " AND at >= ?"
        params.append(to_db(since))
        row = await self._db.fetchone(sql, params)
        return int(row["n"]) if row else 0

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


async def forget_actor(tx: Tx, actor: str) -> None:
    """删除我的信息: the person's rows keep what happened under a pseudonym, not their words.

    The actor ("wechat:openid", "console:<name>") becomes one random pseudonym for all of the
    person's rows; `detail` (refused commands' text) goes; a target stays only when it is one
    of our numeric ids (a posting), since a typed code or name is the person's words too.
    """
    pseudonym = f"deleted:{secrets.token_hex(6)}"
    rows = await tx.fetchall("SELECT id, target FROM audit_log WHERE actor = ?", (actor,))
    for row in rows:
        target = row["target"]
        kept = target if target is not None and target.isascii() and target.isdigit() else None
        await tx.execute(
            "UPDATE audit_log SET actor = ?, target = ?, detail = NULL WHERE id = ?",
            (pseudonym, kept, row["id"]),
        )
    await tx.execute("UPDATE audit_log SET target = ? WHERE target = ?", (pseudonym, actor))
