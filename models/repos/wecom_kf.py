"""微信客服 state that must survive restarts: sync cursor, inbox, who talks to which account.

The only writer of the wecom_kf_* tables (migration i21kf_cursor). A page of kf/sync_msg is
stored with its next cursor in one transaction (`store_page`), so the cursor never runs ahead of
what is kept: a restart either re-fetches the whole page or finds it in the inbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.db import Database
from models.timeutil import to_db

# sync_msg returns the messages of the last 3 days; a handled msgid older than that cannot recur.
KEEP_HANDLED = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class InboxMessage:
    """One stored 微信客服 message or event, not yet handled."""

    msgid: str
    open_kfid: str
    body: dict[str, Any]


class WeComKfRepo:
    """Read and write the wecom_kf_* tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def cursor(self, open_kfid: str) -> str:
        """The cursor to sync `open_kfid` from ("" = from the oldest message WeCom keeps)."""
        row = await self._db.fetchone(
            "SELECT next_cursor FROM wecom_kf_cursors WHERE open_kfid = ?", (open_kfid,)
        )
        return str(row["next_cursor"]) if row else ""

    async def accounts(self) -> list[str]:
        """Every 微信客服 account synced before (caught up again at start)."""
        rows = await self._db.fetchall("SELECT open_kfid FROM wecom_kf_cursors ORDER BY open_kfid")
        return [str(row["open_kfid"]) for row in rows]

    async def store_page(
        self, open_kfid: str, messages: list[dict[str, Any]], next_cursor: str, now: datetime
    ) -> int:
        """Keep a page's new messages and advance the cursor, at once; how many were new."""
        at = to_db(now)
        rows = [
            (
                str(m["msgid"]),
                open_kfid,
                json.dumps(m, ensure_ascii=False),
                int(m.get("send_time") or 0),
                at,
            )
            for m in messages
            if m.get("msgid")
        ]
        async with self._db.transaction() as tx:
            added = (
                await tx.executemany(
                    "INSERT INTO wecom_kf_inbox (msgid, open_kfid, body, send_time, at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (msgid) DO NOTHING",
                    rows,
                )
                if rows
                else 0
            )
            await tx.execute(
                "INSERT INTO wecom_kf_cursors (open_kfid, next_cursor, at) VALUES (?, ?, ?)"
                " ON CONFLICT (open_kfid) DO UPDATE SET next_cursor = excluded.next_cursor,"
                " at = excluded.at",
                (open_kfid, next_cursor, at),
            )
        return added

    async def pending(self, limit: int = 100) -> list[InboxMessage]:
        """Stored messages not yet handled, oldest first."""
        rows = await self._db.fetchall(
            "SELECT msgid, open_kfid, body FROM wecom_kf_inbox WHERE state = 'new'"
            " ORDER BY send_time, at, msgid LIMIT ?",
            (limit,),
        )
        return [InboxMessage(r["msgid"], r["open_kfid"], json.loads(r["body"])) for r in rows]

    async def handled(self, msgid: str, now: datetime) -> None:
        """Mark a message handled (its text is dropped) and prune handled rows past 3 days."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE wecom_kf_inbox SET state = 'done', body = '' WHERE msgid = ?", (msgid,)
            )
            await tx.execute(
                "DELETE FROM wecom_kf_inbox WHERE state = 'done' AND at < ?",
                (to_db(now - KEEP_HANDLED),),
            )

    async def set_account(self, user_id: int, open_kfid: str, now: datetime) -> None:
        """Remember which 微信客服 account the person last talked to."""
        await self._db.execute(
            "INSERT INTO wecom_kf_contacts (user_id, open_kfid, at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET open_kfid = excluded.open_kfid,"
            " at = excluded.at",
            (user_id, open_kfid, to_db(now)),
        )

    async def account_of(self, user_id: int) -> str | None:
        """The 微信客服 account the person talks to, if they ever wrote."""
        row = await self._db.fetchone(
            "SELECT open_kfid FROM wecom_kf_contacts WHERE user_id = ?", (user_id,)
        )
        return str(row["open_kfid"]) if row else None
