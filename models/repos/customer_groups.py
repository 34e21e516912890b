"""WeCom customer groups (客户群) and their digests: the only writer of the three tables (#21).

A group is synced from WeCom (name, owner, member count, dissolved) and tagged by a caseworker
(district, trades). A digest reserves its group's local day first (`reserve`), so two workers
or two clicks never create two WeCom tasks for one group and day; the reservation is dropped
when WeCom refuses the task, and its postings are kept so that none is sent to the group twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.db import Database, Row
from models.timeutil import from_db, from_db_required, to_db


@dataclass(frozen=True, slots=True)
class CustomerGroup:
    """One customer group as synced and tagged."""

    chat_id: str
    name: str
    owner: str
    member_count: int
    dissolved: bool
    district: str | None
    trades: tuple[str, ...]
    synced_at: datetime


@dataclass(frozen=True, slots=True)
class SyncedGroup:
    """What `groupchat/get` says of a group."""

    chat_id: str
    name: str
    owner: str
    member_count: int


@dataclass(frozen=True, slots=True)
class GroupDigest:
    """One digest task: its WeCom msgid, what it said, and where it stands."""

    id: int
    chat_id: str
    day: str
    msgid: str | None
    content: str
    status: str  # creating / waiting / sent / not_member / over_cap
    staff: str
    created_at: datetime
    checked_at: datetime | None
    sent_at: datetime | None
    posting_ids: tuple[int, ...] = ()


def _group(row: Row) -> CustomerGroup:
    return CustomerGroup(
        row["chat_id"], row["name"], row["owner"], int(row["member_count"]),
        bool(row["dissolved"]), row["district"], tuple(json.loads(row["trades"])),
        from_db_required(row["synced_at"]),
    )  # fmt: skip


_GROUP_COLUMNS = "chat_id, name, owner, member_count, dissolved, district, trades, synced_at"
_DIGEST_COLUMNS = (
    "id, chat_id, day, msgid, content, status, staff, created_at, checked_at, sent_at"
)


def _digest(row: Row, posting_ids: tuple[int, ...] = ()) -> GroupDigest:
    return GroupDigest(
        int(row["id"]), row["chat_id"], row["day"], row["msgid"], row["content"], row["status"],
        row["staff"], from_db_required(row["created_at"]), from_db(row["checked_at"]),
        from_db(row["sent_at"]), posting_ids,
    )  # fmt: skip


# A synced group: name, owner and member count as WeCom says; the caseworker's tags are kept.
_UPSERT = (
    "INSERT INTO customer_groups (chat_id, name, owner, member_count, dissolved, synced_at)"
    " VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (chat_id) DO UPDATE SET name = excluded.name,"
    " owner = excluded.owner, member_count = excluded.member_count, dissolved = 0,"
    " synced_at = excluded.synced_at"
)


class CustomerGroupRepo:
    """Read and write customer_groups, group_digests and group_digest_postings."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # groups ------------------------------------------------------------------------------------
    async def save_synced(self, groups: Sequence[SyncedGroup], now: datetime) -> None:
        """Store what WeCom listed (tags kept); a group it no longer lists is marked dissolved."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                _UPSERT, [(g.chat_id, g.name, g.owner, g.member_count, to_db(now)) for g in groups]
            )
            listed = [g.chat_id for g in groups]
            marks = ",".join("?" * len(listed)) or "NULL"
            await tx.execute(
                f"UPDATE customer_groups SET dissolved = 1 WHERE chat_id NOT IN ({marks})",
                tuple(listed),
            )

    async def save_one(self, group: SyncedGroup, now: datetime) -> None:
        """Store one group as WeCom describes it now (tags kept), e.g. after a change event."""
        await self._db.execute(
            _UPSERT, (group.chat_id, group.name, group.owner, group.member_count, to_db(now))
        )

    async def mark_dissolved(self, chat_id: str) -> None:
        """WeCom said the group no longer exists (dissolved, or no longer a customer group)."""
        await self._db.execute(
            "UPDATE customer_groups SET dissolved = 1 WHERE chat_id = ?", (chat_id,)
        )

    async def tag(self, chat_id: str, district: str, trades: Sequence[str], staff: str) -> bool:
        """Set the group's 群标签; False when no such group was synced."""
        changed = await self._db.execute(
            "UPDATE customer_groups SET district = ?, trades = ?, tagged_by = ? WHERE chat_id = ?",
            (district, json.dumps(list(trades)), staff, chat_id),
        )
        return changed > 0

    async def get(self, chat_id: str) -> CustomerGroup | None:
        """One group."""
        row = await self._db.fetchone(
            f"SELECT {_GROUP_COLUMNS} FROM customer_groups WHERE chat_id = ?", (chat_id,)
        )
        return _group(row) if row else None

    async def all(self, district: str | None = None) -> list[CustomerGroup]:
        """Groups (of one district, or all), live ones first, by name."""
        where, params = ("WHERE district = ?", (district,)) if district else ("", ())
        rows = await self._db.fetchall(
            f"SELECT {_GROUP_COLUMNS} FROM customer_groups {where}"
            " ORDER BY dissolved, name, chat_id",
            params,
        )
        return [_group(r) for r in rows]

    # digests -----------------------------------------------------------------------------------
    async def sent_posting_ids(self, chat_id: str) -> set[int]:
        """Postings already in one of the group's digests."""
        rows = await self._db.fetchall(
            "SELECT posting_id FROM group_digest_postings WHERE chat_id = ?", (chat_id,)
        )
        return {int(r["posting_id"]) for r in rows}

    async def digests_since(self, chat_id: str, since_day: str) -> int:
        """Digests of the group on or after a local day (YYYY-MM-DD): its used receive cap."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM group_digests WHERE chat_id = ? AND day >= ?",
            (chat_id, since_day),
        )
        return int(row["n"]) if row else 0

    async def reserve(
        self,
        chat_id: str,
        day: str,
        content: str,
        posting_ids: Sequence[int],
        staff: str,
        now: datetime,
    ) -> int | None:
        """Take the group's day for a digest; None when the day already has one."""
        async with self._db.transaction() as tx:
            taken = await tx.fetchone(
                "SELECT id FROM group_digests WHERE chat_id = ? AND day = ?", (chat_id, day)
            )
            if taken is not None:
                return None
            await tx.execute(
                "INSERT INTO group_digests (chat_id, day, content, status, staff, created_at)"
                " VALUES (?, ?, ?, 'creating', ?, ?)",
                (chat_id, day, content, staff, to_db(now)),
            )
            row = await tx.fetchone(
                "SELECT id FROM group_digests WHERE chat_id = ? AND day = ?", (chat_id, day)
            )
            assert row is not None
            digest_id = int(row["id"])
            await tx.executemany(
                "INSERT INTO group_digest_postings (chat_id, posting_id, digest_id)"
                " VALUES (?, ?, ?) ON CONFLICT (chat_id, posting_id) DO NOTHING",
                [(chat_id, pid, digest_id) for pid in posting_ids],
            )
        return digest_id

    async def created(self, digest_id: int, msgid: str) -> None:
        """WeCom accepted the task: it waits for the owner's confirmation."""
        await self._db.execute(
            "UPDATE group_digests SET msgid = ?, status = 'waiting' WHERE id = ?",
            (msgid, digest_id),
        )

    async def release(self, digest_id: int) -> None:
        """WeCom refused the task: free the day and the postings for another try."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM group_digest_postings WHERE digest_id = ?", (digest_id,))
            await tx.execute("DELETE FROM group_digests WHERE id = ?", (digest_id,))

    async def set_result(
        self, digest_id: int, status: str, sent_at: datetime | None, now: datetime
    ) -> None:
        """What get_groupmsg_send_result said of the task, as of `now`."""
        await self._db.execute(
            "UPDATE group_digests SET status = ?, sent_at = ?, checked_at = ? WHERE id = ?",
            (status, to_db(sent_at), to_db(now), digest_id),
        )

    async def digests(
        self, chat_id: str | None = None, statuses: Sequence[str] | None = None
    ) -> list[GroupDigest]:
        """Digests (of one group, of some states), newest first, with their postings."""
        where: list[str] = []
        params: list[object] = []
        if chat_id is not None:
            where.append("chat_id = ?")
            params.append(chat_id)
        if statuses:
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._db.fetchall(
            f"SELECT {_DIGEST_COLUMNS} FROM group_digests {clause} ORDER BY day DESC, id DESC",
            tuple(params),
        )
        links = await self._db.fetchall(
            "SELECT digest_id, posting_id FROM group_digest_postings ORDER BY posting_id"
        )
        by_digest: dict[int, list[int]] = {}
        for link in links:
            by_digest.setdefault(int(link["digest_id"]), []).append(int(link["posting_id"]))
        return [_digest(r, tuple(by_digest.get(int(r["id"]), ()))) for r in rows]

    async def live_posting_ids(self, district: str, now: datetime) -> list[int]:
        """Published, unexpired, not near-duplicate postings of a district: digest candidates."""
        rows = await self._db.fetchall(
            "SELECT id FROM postings WHERE status = 'published' AND district = ?"
            " AND dup_of IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY id",
            (district, to_db(now)),
        )
        return [int(r["id"]) for r in rows]
