"""Caseworker outreach: broadcasts, group-post replies and the postings a group post lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.db import Database, Tx
from models.timeutil import from_db_required, to_db


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One broadcast of a posting by a caseworker."""

    id: int
    posting_id: int
    staff: str
    district: str | None
    at: datetime
    matched: int
    queued: int
    group_notice: int | None


@dataclass(frozen=True, slots=True)
class ReplyCount:
    """Replies "J<id>" to group posts for one posting."""

    posting_id: int
    title: str
    replies: int
    people: int


class OutreachRepo:
    """The broadcasts and group_post_replies tables, and the queries that feed them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_broadcast_in(
        self,
        tx: Tx,
        posting_id: int,
        staff: str,
        district: str | None,
        matched: int,
        queued: int,
        group_notice: int | None,
        now: datetime,
    ) -> int:
        """Record a broadcast inside the caller's transaction; returns its id."""
        cur = await tx.execute(
            "INSERT INTO broadcasts (posting_id, staff, district, at, matched, queued,"
            " group_notice) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (posting_id, staff, district, to_db(now), matched, queued, group_notice),
        )
        return int(cur.lastrowid or 0)

    async def broadcasts(self, posting_id: int) -> list[Broadcast]:
        """A posting's broadcasts, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts WHERE posting_id = ? ORDER BY id", (posting_id,)
        )
        return [
            Broadcast(r["id"], r["posting_id"], r["staff"], r["district"],
                      from_db_required(r["at"]), r["matched"], r["queued"], r["group_notice"])
            for r in rows
        ]  # fmt: skip

    async def notice_state(self, outbox_id: int) -> str | None:
        """The delivery state of a queued group message (queued / sent / failed …)."""
        row = await self._db.fetchone("SELECT state FROM outbox WHERE id = ?", (outbox_id,))
        return str(row["state"]) if row else None

    async def last_notice_id_in(self, tx: Tx, dedupe_key: str) -> int | None:
        """The outbox id of a notice raised under `dedupe_key`."""
        row = await tx.fetchone("SELECT id FROM outbox WHERE dedupe_key = ?", (dedupe_key,))
        return int(row["id"]) if row else None

    async def record_reply(self, posting_id: int, user_id: int, now: datetime) -> None:
        """One "J<id>" reply from a reader of a group post."""
        await self._db.execute(
            "INSERT INTO group_post_replies (posting_id, user_id, at) VALUES (?, ?, ?)",
            (posting_id, user_id, to_db(now)),
        )

    async def reply_counts(
        self, district: str | None = None, posting_ids: Sequence[int] | None = None
    ) -> list[ReplyCount]:
        """Replies per posting (of one district, or of the given postings), most first."""
        where: list[str] = []
        params: list[object] = []
        if district is not None:
            where.append("p.district = ?")
            params.append(district)
        if posting_ids is not None:
            where.append(f"p.id IN ({','.join('?' * len(posting_ids)) or 'NULL'})")
            params.extend(posting_ids)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._db.fetchall(
            "SELECT p.id, p.title, COUNT(*) AS replies, COUNT(DISTINCT r.user_id) AS people"
            f" FROM group_post_replies r JOIN postings p ON p.id = r.posting_id {clause}"
            " GROUP BY p.id ORDER BY replies DESC, p.id",
            tuple(params),
        )
        return [ReplyCount(r["id"], r["title"], r["replies"], r["people"]) for r in rows]

    async def group_post_candidates(
        self,
        district: str,
        now: datetime,
        *,
        category: str | None,
        verified_only: bool = True,
    ) -> list[tuple[int, float]]:
        """Live postings of a district for a group post, verified first, newest first, with
        their risk scores (the caller leaves out the held ones: matching.push_rules.is_held).

        Near-duplicates (dup_of set) are left out: the same job pasted twice is listed once.
        """
        sql = (
            "SELECT id, risk_score FROM postings WHERE status = 'published' AND district = ?"
            " AND dup_of IS NULL AND (expires_at IS NULL OR expires_at > ?)"
        )
        params: list[object] = [district, to_db(now)]
        if verified_only:
            sql += " AND (trust = 'verified' OR verified_at IS NOT NULL)"
        if category is not None:
            sql += " AND EXISTS (SELECT 1 FROM json_each(postings.categories) WHERE value = ?)"
            params.append(category)
        sql += (
            " ORDER BY (trust = 'verified' OR verified_at IS NOT NULL) DESC,"
            " COALESCE(published_at, created_at) DESC, id DESC"
        )
        rows = await self._db.fetchall(sql, tuple(params))
        return [(int(r["id"]), float(r["risk_score"])) for r in rows]

    async def seekers_of_district(self, district: str) -> set[int]:
        """Seekers who named `district` among their districts, or whose register row is there."""
        rows = await self._db.fetchall(
            "SELECT s.user_id FROM seekers s"
            " WHERE EXISTS (SELECT 1 FROM json_each(s.districts) WHERE value = ?)"
            " UNION SELECT user_id FROM register WHERE district = ? AND user_id IS NOT NULL",
            (district, district),
        )
        return {int(r[0]) for r in rows}

    async def already_pushed(self, posting_id: int, user_ids: Sequence[int]) -> set[int]:
        """Which of these seekers already have a delivery row of the posting."""
        if not user_ids:
            return set()
        marks = ",".join("?" * len(user_ids))
        rows = await self._db.fetchall(
            f"SELECT seeker_user_id FROM deliveries WHERE posting_id = ?"
            f" AND seeker_user_id IN ({marks})",
            (posting_id, *user_ids),
        )
        return {int(r[0]) for r in rows}

    async def group_identities(self) -> dict[str, int]:
        """District -> user id of each WeCom group identity (channel "wecom")."""
        rows = await self._db.fetchall(
            "SELECT id, channel_user_id FROM users WHERE channel = 'wecom' ORDER BY id"
        )
        return {str(r["channel_user_id"]): int(r["id"]) for r in rows}
