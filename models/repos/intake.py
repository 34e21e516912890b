"""Intake's storage: dedup lookup keys, phones per posting, sightings, risk, trust and the queue.

The postings rows themselves are written through `PostingRepo`; this repository owns the
`posting_dedup_keys` and `posting_phones` tables (migration 0004_intake) and the few narrow
updates intake makes (seen again, risk, trust). Lookups take many keys at once, so a bulk import
asks once per batch instead of once per row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from models.db import Database, Row, Tx
from models.posting import Posting, PostingStatus, Trust
from models.repos.postings import posting_from_row
from models.timeutil import to_db
from models.values import Pay

_CHUNK = 500  # SQLite's default limit on bound parameters is 999
PER_KEY = 10  # postings kept per lookup key (the newest)
PER_ITEM = 12  # near-duplicate candidates compared per new posting (the newest)


@dataclass(slots=True)
class Candidates:
    """Live postings that share a hash or a lookup key with the postings being stored (only
    the columns dedup compares; read the full row before acting on one)."""

    postings: dict[int, Posting] = field(default_factory=dict)
    by_key: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_hash: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, posting: Posting, keys: Iterable[int]) -> None:
        """Make a posting stored in this batch a candidate for the rest of the batch."""
        assert posting.id is not None
        self.postings[posting.id] = posting
        for key in keys:
            self.by_key[key].add(posting.id)
        if posting.text_hash:
            self.by_hash[posting.text_hash].add(posting.id)

    def near(self, text_hash: str, keys: Iterable[int]) -> set[int]:
        """Ids sharing the hash or any key."""
        ids = set(self.by_hash.get(text_hash, ()))
        for key in keys:
            ids |= self.by_key.get(key, set())
        return {i for i in ids if i in self.postings}


# What dedup compares; the full row is read only for the posting a new one duplicates.
_LIGHT = "id, title, description, text_hash, categories, district, phones, pay, status"


def _light(row: Row) -> Posting:
    return Posting(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        text_hash=row["text_hash"],
        categories=tuple(json.loads(row["categories"])),
        district=row["district"],
        phones=tuple(json.loads(row["phones"])),
        pay=Pay.from_json(json.loads(row["pay"])),
        status=PostingStatus(row["status"]),
    )


def _chunks(values: Sequence[object]) -> Iterable[list[object]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


class IntakeRepo:
    """Dedup candidates, phone history, sightings and the narrow updates of intake."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def candidates_in(
        self, tx: Tx, wanted: Sequence[tuple[str, Sequence[int]]], since: datetime
    ) -> Candidates:
        """Live postings (pending or published, not duplicates) created since `since` that share
        the hash or a key of any (hash, keys) in `wanted`: for each, the exact copies and the
        `PER_ITEM` newest sharing a key."""
        found = Candidates()
        by_key: dict[int, set[int]] = defaultdict(set)
        for chunk in _chunks(sorted({k for _, keys in wanted for k in keys})):
            rows = await tx.fetchall(
                "SELECT key, posting_id FROM posting_dedup_keys"
                f" WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for r in rows:
                by_key[r["key"]].add(r["posting_id"])
        by_hash: dict[str, set[int]] = defaultdict(set)
        for chunk in _chunks(sorted({h for h, _ in wanted})):
            rows = await tx.fetchall(
                "SELECT id, text_hash FROM postings"
                f" WHERE text_hash IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for r in rows:
                by_hash[r["text_hash"]].add(r["id"])
        ids: set[int] = set()
        for text_hash, keys in wanted:
            ids |= by_hash.get(text_hash, set())
            near = set().union(*(by_key.get(k, set()) for k in keys)) if keys else set()
            ids.update(sorted(near)[-PER_ITEM:])
        for chunk in _chunks(sorted(ids)):
            rows = await tx.fetchall(
                f"SELECT {_LIGHT} FROM postings WHERE id IN ({','.join('?' * len(chunk))})"
                " AND dup_of IS NULL AND status IN ('pending', 'published') AND created_at >= ?",
                (*chunk, to_db(since)),
            )
            for row in rows:
                posting = _light(row)
                assert posting.id is not None
                found.postings[posting.id] = posting
        for text_hash, pids in by_hash.items():
            found.by_hash[text_hash] |= pids
        for key, pids in by_key.items():
            found.by_key[key] |= pids
        return found

    async def phone_history_in(
        self, tx: Tx, phones: Sequence[str], since: datetime
    ) -> dict[str, dict[int, tuple[str, ...]]]:
        """phone → {posting id: category codes} of live and past postings since `since`."""
        out: dict[str, dict[int, tuple[str, ...]]] = defaultdict(dict)
        for chunk in _chunks(sorted(set(phones))):
            rows = await tx.fetchall(
                "SELECT pp.phone, p.id, p.categories FROM posting_phones pp"
                " JOIN postings p ON p.id = pp.posting_id"
                f" WHERE pp.phone IN ({','.join('?' * len(chunk))})"
                " AND p.created_at >= ? AND p.dup_of IS NULL",
                (*chunk, to_db(since)),
            )
            for r in rows:
                out[r["phone"]][r["id"]] = tuple(json.loads(r["categories"]))
        return out

    async def add_keys_in(
        self,
        tx: Tx,
        keys: Sequence[tuple[int, int]],
        phones: Sequence[tuple[str, int]],
        crowded: Iterable[int] = (),
    ) -> None:
        """Store (key, posting id) and (phone, posting id) pairs of new postings.

        A key keeps its `PER_KEY` newest postings: a band shared by more is template text, and
        an older exact copy is still found by its hash. This bounds every lookup. `crowded`
        names the keys that may now hold more (the caller counted them).
        """
        if keys:
            await tx.executemany(
                "INSERT OR IGNORE INTO posting_dedup_keys (key, posting_id) VALUES (?, ?)", keys
            )
            for chunk in _chunks(sorted(set(crowded))):
                await tx.execute(
                    "DELETE FROM posting_dedup_keys WHERE (key, posting_id) IN (SELECT key,"
                    " posting_id FROM (SELECT key, posting_id, ROW_NUMBER() OVER (PARTITION BY"
                    " key ORDER BY posting_id DESC) AS n FROM posting_dedup_keys"
                    f" WHERE key IN ({','.join('?' * len(chunk))})) AS ranked WHERE n > ?)",
                    (*chunk, PER_KEY),
                )
        if phones:
            await tx.executemany(
                "INSERT OR IGNORE INTO posting_phones (phone, posting_id) VALUES (?, ?)", phones
            )

    async def replace_keys_in(
        self, tx: Tx, posting_id: int, keys: Sequence[int], phones: Sequence[str]
    ) -> None:
        """Replace a posting's lookup keys and phones after its content changed."""
        await tx.execute("DELETE FROM posting_dedup_keys WHERE posting_id = ?", (posting_id,))
        await tx.execute("DELETE FROM posting_phones WHERE posting_id = ?", (posting_id,))
        pairs = [(k, posting_id) for k in keys]
        await self.add_keys_in(tx, pairs, [(p, posting_id) for p in phones], crowded=keys)

    async def by_external_in(self, tx: Tx, external_ids: Sequence[str]) -> dict[str, Posting]:
        """Postings by importer id, read inside the transaction."""
        out: dict[str, Posting] = {}
        for chunk in _chunks(sorted(set(external_ids))):
            rows = await tx.fetchall(
                f"SELECT * FROM postings WHERE external_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            out.update({r["external_id"]: posting_from_row(r) for r in rows})
        return out

    async def sources_known_in(self, tx: Tx, sources: Sequence[str]) -> set[str]:
        """Which source references ("import:feed#123") were already recorded."""
        out: set[str] = set()
        for chunk in _chunks(sorted(set(sources))):
            rows = await tx.fetchall(
                "SELECT DISTINCT source FROM posting_sources"
                f" WHERE source IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            out.update(r["source"] for r in rows)
        return out

    async def seen_again_in(self, tx: Tx, posting_id: int, now: datetime) -> int:
        """One more sighting of a posting; returns the new count."""
        await tx.execute(
            "UPDATE postings SET seen_count = seen_count + 1, updated_at = ? WHERE id = ?",
            (to_db(now), posting_id),
        )
        row = await tx.fetchone("SELECT seen_count FROM postings WHERE id = ?", (posting_id,))
        return int(row["seen_count"]) if row else 0

    async def sightings_since_in(self, tx: Tx, posting_id: int, since: datetime) -> int:
        """How many times a posting was seen (sources recorded) since `since`."""
        row = await tx.fetchone(
            "SELECT COUNT(*) AS n FROM posting_sources WHERE posting_id = ? AND seen_at >= ?",
            (posting_id, to_db(since)),
        )
        return int(row["n"]) if row else 0

    async def set_risk_in(
        self, tx: Tx, posting_id: int, score: float, reasons: Sequence[str], now: datetime
    ) -> None:
        """Store a new risk assessment."""
        await tx.execute(
            "UPDATE postings SET risk_score = ?, risk_reasons = ?, updated_at = ? WHERE id = ?",
            (score, json.dumps(list(reasons), ensure_ascii=False), to_db(now), posting_id),
        )

    async def set_trust(self, posting_id: int, trust: Trust, now: datetime) -> None:
        """Mark a posting verified by phone (or change where it is trusted to come from)."""
        verified = to_db(now) if trust == Trust.VERIFIED else None
        await self._db.execute(
            "UPDATE postings SET trust = ?, verified_at = COALESCE(?, verified_at),"
            " updated_at = ? WHERE id = ?",
            (trust.value, verified, to_db(now), posting_id),
        )

    async def pending(self, limit: int = 20) -> list[Posting]:
        """The moderation queue: held postings, highest risk first, then oldest."""
        rows = await self._db.fetchall(
            "SELECT * FROM postings WHERE status = ? ORDER BY risk_score DESC, id LIMIT ?",
            (PostingStatus.PENDING.value, limit),
        )
        return [posting_from_row(r) for r in rows]

    async def count_pending(self) -> int:
        """How many postings wait for a caseworker."""
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM postings WHERE status = ?", (PostingStatus.PENDING.value,)
        )
        return int(row["n"]) if row else 0

    async def rejection_reason(self, posting_id: int) -> str | None:
        """The reason a caseworker gave when rejecting a posting (from the audit log)."""
        row = await self._db.fetchone(
            "SELECT detail FROM audit_log WHERE action = 'moderation:reject' AND target = ?"
            " AND allowed = 1 ORDER BY id DESC LIMIT 1",
            (str(posting_id),),
        )
        return None if row is None else row["detail"]
