"""Postings and where they were seen; the only code that writes postings and posting_sources."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from models.db import Database, Row, Tx
from models.posting import Posting, PostingStatus, Trust
from models.timeutil import from_db, from_db_required, to_db
from models.values import Pay


def near_duplicate(q: str, p: str) -> str:
    """SQL: posting `q` is a near-duplicate of posting `p` (table aliases), `p` itself included.

    The one statement of the rule for queueing a push and for claiming one: the same dup root
    (`dup_of`, or the posting itself when it is a root) or the same text. Three equalities, not
    `COALESCE(q.dup_of, q.id) = …`, so each term can use its index (id, postings_dup,
    postings_hash); a NULL text hash matches nothing.
    """
    root = f"COALESCE({p}.dup_of, {p}.id)"
    return f"({q}.id = {root} OR {q}.dup_of = {root} OR {q}.text_hash = {p}.text_hash)"


def posting_from_row(row: Row) -> Posting:
    """Build a `Posting` from a `SELECT * FROM postings` row."""
    return Posting(
        id=row["id"],
        external_id=row["external_id"],
        source=row["source"],
        title=row["title"],
        description=row["description"],
        categories=tuple(json.loads(row["categories"])),
        category_confidence=row["category_confidence"],
        district=row["district"],
        address=row["address"],
        lat=row["lat"],
        lon=row["lon"],
        pay=Pay.from_json(json.loads(row["pay"])),
        work_form=row["work_form"],
        contact=row["contact"],
        phones=tuple(json.loads(row["phones"])),
        headcount=row["headcount"],
        age_min=row["age_min"],
        age_max=row["age_max"],
        gender=row["gender"],
        benefits=tuple(json.loads(row["benefits"])),
        start=row["start"],
        trust=Trust(row["trust"]),
        risk_score=row["risk_score"],
        risk_reasons=tuple(json.loads(row["risk_reasons"])),
        status=PostingStatus(row["status"]),
        poster_user_id=row["poster_user_id"],
        original_text=row["original_text"],
        text_hash=row["text_hash"],
        dup_of=row["dup_of"],
        seen_count=row["seen_count"],
        created_at=from_db(row["created_at"]),
        published_at=from_db(row["published_at"]),
        expires_at=from_db(row["expires_at"]),
        verified_at=from_db(row["verified_at"]),
    )


_FIELDS = (
    "external_id", "source", "title", "description", "categories", "category_confidence",
    "district", "address", "lat", "lon", "pay", "pay_monthly", "work_form", "contact", "phones",
    "headcount", "age_min", "age_max", "gender", "benefits", "start", "trust", "risk_score",
    "risk_reasons", "status", "poster_user_id", "original_text", "text_hash", "dup_of",
    "seen_count", "created_at", "published_at", "expires_at", "verified_at", "updated_at",
)  # fmt: skip


def _values(p: Posting, now: datetime) -> tuple[object, ...]:
    def js(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    return (
        p.external_id, p.source, p.title, p.description, js(list(p.categories)),
        p.category_confidence, p.district, p.address, p.lat, p.lon, js(p.pay.to_json()),
        p.pay.monthly(), p.work_form, p.contact, js(list(p.phones)), p.headcount, p.age_min,
        p.age_max, p.gender, js(list(p.benefits)), p.start, p.trust.value, p.risk_score,
        js(list(p.risk_reasons)), p.status.value, p.poster_user_id, p.original_text, p.text_hash,
        p.dup_of, p.seen_count, to_db(p.created_at or now), to_db(p.published_at),
        to_db(p.expires_at), to_db(p.verified_at), to_db(now),
    )  # fmt: skip


class PostingRepo:
    """Read and write postings. Methods taking `tx` run inside a caller's transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, posting_id: int) -> Posting | None:
        """One posting by our id."""
        row = await self._db.fetchone("SELECT * FROM postings WHERE id = ?", (posting_id,))
        return posting_from_row(row) if row else None

    async def by_external_id(self, external_id: str) -> Posting | None:
        """One posting by the importer's id."""
        row = await self._db.fetchone(
            "SELECT * FROM postings WHERE external_id = ?", (external_id,)
        )
        return posting_from_row(row) if row else None

    async def many(self, ids: Sequence[int]) -> dict[int, Posting]:
        """Postings by id, for ranking candidates fetched from the index."""
        out: dict[int, Posting] = {}
        for start in range(0, len(ids), 500):  # SQLite's default limit on bound parameters
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = await self._db.fetchall(
                f"SELECT * FROM postings WHERE id IN ({marks})", tuple(chunk)
            )
            out.update({r["id"]: posting_from_row(r) for r in rows})
        return out

    async def with_status(self, *statuses: PostingStatus) -> list[Posting]:
        """All postings in some states, oldest first."""
        marks = ",".join("?" * len(statuses))
        rows = await self._db.fetchall(
            f"SELECT * FROM postings WHERE status IN ({marks}) ORDER BY id",
            tuple(s.value for s in statuses),
        )
        return [posting_from_row(r) for r in rows]

    async def by_poster(self, user_id: int) -> list[Posting]:
        """An employer's own postings, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM postings WHERE poster_user_id = ? ORDER BY id DESC", (user_id,)
        )
        return [posting_from_row(r) for r in rows]

    async def add(self, posting: Posting, now: datetime) -> int:
        """Insert a new posting; returns its id."""
        async with self._db.transaction() as tx:
            return await self.add_in(tx, posting, now)

    async def add_in(self, tx: Tx, posting: Posting, now: datetime) -> int:
        """Insert inside the caller's transaction."""
        cur = await tx.execute(
            f"INSERT INTO postings ({', '.join(_FIELDS)}) VALUES ({','.join('?' * len(_FIELDS))})",
            _values(posting, now),
        )
        return int(cur.lastrowid or 0)

    async def update(self, posting: Posting, now: datetime) -> None:
        """Replace every field of an existing posting."""
        async with self._db.transaction() as tx:
            await self.update_in(tx, posting, now)

    async def update_in(self, tx: Tx, posting: Posting, now: datetime) -> None:
        """Replace every field inside the caller's transaction."""
        if posting.id is None:
            raise ValueError("update needs a posting id")
        sets = ", ".join(f"{f} = ?" for f in _FIELDS)
        await tx.execute(
            f"UPDATE postings SET {sets} WHERE id = ?", (*_values(posting, now), posting.id)
        )

    async def set_status_in(
        self, tx: Tx, posting_id: int, status: PostingStatus, now: datetime
    ) -> None:
        """Change a posting's state (published_at is set on first publication)."""
        await tx.execute(
            "UPDATE postings SET status = ?, updated_at = ?,"
            " published_at = CASE WHEN ? = 'published' THEN COALESCE(published_at, ?)"
            " ELSE published_at END WHERE id = ?",
            (status.value, to_db(now), status.value, to_db(now), posting_id),
        )

    async def add_source_in(
        self, tx: Tx, posting_id: int, source: str, now: datetime, raw_text: str | None
    ) -> None:
        """Record one more sighting of a posting (a group, an import, a repost)."""
        await tx.execute(
            "INSERT INTO posting_sources (posting_id, source, seen_at, raw_text)"
            " VALUES (?, ?, ?, ?)",
            (posting_id, source, to_db(now), raw_text),
        )

    async def sources(self, posting_id: int) -> list[tuple[str, datetime]]:
        """Where and when a posting was seen."""
        rows = await self._db.fetchall(
            "SELECT source, seen_at FROM posting_sources WHERE posting_id = ? ORDER BY id",
            (posting_id,),
        )
        return [(r["source"], from_db_required(r["seen_at"])) for r in rows]

    # Matching (issue 3): cheap reads the matcher syncs its index and columns with.

    async def matchable_versions(self, ids: Sequence[int] | None = None) -> dict[int, str]:
        """id -> updated_at of postings that may be matched (published, not a duplicate)."""
        sql = "SELECT id, updated_at FROM postings WHERE status = 'published' AND dup_of IS NULL"
        if ids is None:
            return {r["id"]: r["updated_at"] for r in await self._db.fetchall(sql)}
        out: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = await self._db.fetchall(
                f"{sql} AND id IN ({','.join('?' * len(chunk))})", tuple(chunk)
            )
            out.update({r["id"]: r["updated_at"] for r in rows})
        return out

    async def still_matchable(self, ids: Sequence[int], now: datetime) -> set[int]:
        """Those of `ids` that are published, not duplicates and not expired at `now`."""
        out: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = await self._db.fetchall(
                f"SELECT id FROM postings WHERE id IN ({','.join('?' * len(chunk))})"
                " AND status = 'published' AND dup_of IS NULL"
                " AND (expires_at IS NULL OR expires_at > ?)",
                (*chunk, to_db(now)),
            )
            out.update(r["id"] for r in rows)
        return out

    async def external_ids(self, ids: Sequence[int]) -> dict[int, str | None]:
        """Our id -> the importer's id, for reports keyed by the imported ids."""
        out: dict[int, str | None] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = await self._db.fetchall(
                f"SELECT id, external_id FROM postings WHERE id IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            )
            out.update({r["id"]: r["external_id"] for r in rows})
        return out

    async def get_in(self, tx: Tx, posting_id: int) -> Posting | None:
        """One posting read inside the caller's transaction (sees its own writes)."""
        row = await tx.fetchone("SELECT * FROM postings WHERE id = ?", (posting_id,))
        return posting_from_row(row) if row else None

    async def set_expiry_in(
        self, tx: Tx, posting_id: int, expires_at: datetime | None, now: datetime
    ) -> None:
        """When a posting stops being pushed (publishing sets it from the policy)."""
        await tx.execute(
            "UPDATE postings SET expires_at = ?, updated_at = ? WHERE id = ?",
            (to_db(expires_at), to_db(now), posting_id),
        )

    async def past_expiry(self, now: datetime, limit: int = 500) -> list[int]:
        """Published postings whose expiry has passed, oldest expiry first."""
        rows = await self._db.fetchall(
            "SELECT id FROM postings WHERE status = 'published' AND expires_at <= ?"
            " ORDER BY expires_at LIMIT ?",
            (to_db(now), limit),
        )
        return [r["id"] for r in rows]
