"""Digests and notices: the `outbox` rows the dispatcher sends besides single job pushes.

A digest groups a seeker's job pushes into one message (digest mode, the daily cap's overflow,
or pushes waiting for WeChat's window); a seeker has at most one open (queued) digest. A notice
is a one-off message to a poster or caseworker, raised once per `dedupe_key`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.db import Database, Row, Tx
from models.delivery import DeliveryState
from models.dispatch import (
    DUE_TOPIC,
    Action,
    Candidate,
    Claimed,
    Hold,
    Item,
    Kind,
    Recipient,
    Verdict,
)
from models.messages import Choice, Reply
from models.repos.postings import near_duplicate
from models.repos.workers import beat_in, stale_claim, stale_params
from models.timeutil import from_db, to_db

ISOLATE_AFTER = 3  # recoveries after which a row is claimed alone (see deliveries.py)

RECIPIENT_COLUMNS = (
    "u.id AS uid, u.channel_user_id, u.lang, u.subscribed, s.user_id AS profile, s.consent,"
    " s.paused, s.status, s.quiet_start, s.quiet_end, s.daily_cap, s.digest_hour"
)

# A near-duplicate of the posting `p` already reached seeker `d`.
NEAR_DUPLICATE_SENT = (
    "EXISTS (SELECT 1 FROM deliveries d2 JOIN postings p2 ON p2.id = d2.posting_id"
    " WHERE d2.seeker_user_id = d.seeker_user_id AND d2.id != d.id"
    f" AND d2.state IN ('sent', 'sending') AND {near_duplicate('p2', 'p')})"
)

ITEM_COLUMNS = (
    "d.id AS did, d.posting_id, d.score, d.reason, p.status AS p_status,"
    " p.expires_at AS p_expires, COALESCE(p.dup_of, p.id) AS p_root, p.text_hash AS p_hash,"
    f" {NEAR_DUPLICATE_SENT} AS dup_sent"
)


def recipient_from(row: Row) -> Recipient:
    """The recipient part of a row selected with `RECIPIENT_COLUMNS`."""
    has_profile = row["profile"] is not None
    return Recipient(
        user_id=row["uid"],
        address=row["channel_user_id"],
        lang=row["lang"],
        subscribed=bool(row["subscribed"]),
        has_profile=has_profile,
        consent=None if row["consent"] is None else bool(row["consent"]),
        paused=bool(row["paused"]) if has_profile else False,
        status=row["status"] if has_profile else "active",
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
        daily_cap=row["daily_cap"],
        digest_hour=row["digest_hour"],
    )


def item_from(row: Row) -> Item:
    """The job part of a row selected with `ITEM_COLUMNS`."""
    return Item(
        delivery_id=row["did"],
        posting_id=row["posting_id"],
        score=row["score"],
        reason=row["reason"],
        posting_status=row["p_status"],
        posting_expires_at=from_db(row["p_expires"]),
        near_duplicate_sent=bool(row["dup_sent"]),
        group=(row["p_root"], row["p_hash"]),
    )


def reply_to_json(reply: Reply) -> str:
    """A notice's text and buttons as stored."""
    choices = [[c.label, c.payload] for c in reply.choices]
    return json.dumps({"text": reply.text, "choices": choices}, ensure_ascii=False)


def reply_from_json(text: str) -> Reply:
    """Inverse of `reply_to_json`."""
    data = json.loads(text)
    return Reply(data["text"], tuple(Choice(label, payload) for label, payload in data["choices"]))


async def attach_in(
    tx: Tx,
    user_id: int,
    channel: str,
    delivery_ids: Sequence[int],
    due_at: datetime,
    now: datetime,
    hold: Hold | None = None,
) -> int:
    """Put job pushes into the seeker's open digest (opened if needed); returns its id.

    An existing digest keeps its hold but comes forward to `due_at` when that is earlier.
    """
    row = await tx.fetchone(
        "SELECT id, due_at FROM outbox WHERE user_id = ? AND kind = 'digest' AND state = 'queued'",
        (user_id,),
    )
    if row is None:
        cur = await tx.execute(
            "INSERT INTO outbox (kind, user_id, channel, state, due_at, hold, held_at, created_at,"
            " updated_at) VALUES ('digest', ?, ?, 'queued', ?, ?, ?, ?, ?)",
            (user_id, channel, to_db(due_at), hold, to_db(now), to_db(now), to_db(now)),
        )
        digest_id = int(cur.lastrowid or 0)
    else:
        digest_id = row["id"]
        if to_db(due_at) < row["due_at"]:  # ISO UTC text sorts as time
            await tx.execute(
                "UPDATE outbox SET due_at = ?, updated_at = ? WHERE id = ?",
                (to_db(due_at), to_db(now), digest_id),
            )
    await tx.executemany(
        "UPDATE deliveries SET state = 'queued', digest_id = ?, digest = 1, hold = 'digest',"
        " due_at = ?, claimed_until = NULL, claim_token = NULL, updated_at = ? WHERE id = ?",
        [(digest_id, to_db(due_at), to_db(now), i) for i in delivery_ids],
    )
    return digest_id


async def requeue_in(
    tx: Tx, outbox_id: int, due_at: datetime, hold: str | None, now: datetime, counted: bool
) -> None:
    """Back to queued until `due_at`; a digest merges into a newer open digest of the seeker."""
    row = await tx.fetchone("SELECT kind, user_id FROM outbox WHERE id = ?", (outbox_id,))
    if row is None:
        return
    if row["kind"] == Kind.DIGEST.value:
        other = await tx.fetchone(
            "SELECT id FROM outbox WHERE user_id = ? AND kind = 'digest' AND state = 'queued'"
            " AND id != ?",
            (row["user_id"], outbox_id),
        )
        if other is not None:
            # A newer digest opened while this one was out: one open digest per seeker.
            await tx.execute(
                "UPDATE deliveries SET digest_id = ? WHERE digest_id = ? AND state = 'queued'",
                (other["id"], outbox_id),
            )
            await tx.execute(
                "UPDATE outbox SET due_at = MIN(due_at, ?), updated_at = ? WHERE id = ?",
                (to_db(due_at), to_db(now), other["id"]),
            )
            await end_in(tx, outbox_id, DeliveryState.SUPPRESSED, f"merged:{other['id']}", now)
            return
    await tx.execute(
        "UPDATE outbox SET state = 'queued', due_at = ?, hold = ?, held_at = ?,"
        " attempts = attempts + ?, claimed_until = NULL, claim_token = NULL, updated_at = ?"
        " WHERE id = ?",
        (to_db(due_at), hold, to_db(now), int(counted), to_db(now), outbox_id),
    )


async def end_in(
    tx: Tx, outbox_id: int, state: DeliveryState, outcome: str, now: datetime
) -> None:
    """A terminal state for a digest or notice; a digest's queued members end with it."""
    await tx.execute(
        "UPDATE outbox SET state = ?, outcome = ?, hold = NULL, claimed_until = NULL,"
        " claim_token = NULL, updated_at = ? WHERE id = ?",
        (state.value, outcome, to_db(now), outbox_id),
    )
    await tx.execute(
        "UPDATE deliveries SET state = ?, outcome = ?, hold = NULL, updated_at = ?"
        " WHERE digest_id = ? AND state = 'queued'",
        (state.value, f"digest_{outcome}", to_db(now), outbox_id),
    )


@dataclass(slots=True)
class DueOutbox:
    """Due digests and notices loaded and locked by `OutboxRepo.claiming`; `apply` writes the
    verdicts decided for them and leases those to send."""

    _tx: Tx
    _now: datetime
    _token: str
    candidates: list[Candidate]

    @property
    def pushes_today(self) -> dict[int, int]:
        """Nothing: digests and notices do not count against the daily cap of single pushes."""
        return {}

    async def apply(self, verdicts: Sequence[Verdict], lease: timedelta) -> list[Claimed]:
        """Write one verdict per candidate, in order; returns the rows leased to send."""
        claimed = []
        for candidate, verdict in zip(self.candidates, verdicts, strict=True):
            leased = await _apply(self._tx, candidate, verdict, self._now, self._token, lease)
            if leased is not None:
                claimed.append(leased)
        return claimed


class OutboxRepo:
    """Digests and notices: raise, claim for sending, and release WeChat window holds."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_notice(self, user_id: int, dedupe_key: str, reply: Reply, now: datetime) -> bool:
        """Queue a notice to a user once per key; False when that key was raised before."""
        async with self._db.transaction() as tx:
            return await self.add_notice_in(tx, user_id, dedupe_key, reply, now)

    async def add_notice_in(
        self, tx: Tx, user_id: int, dedupe_key: str, reply: Reply, now: datetime
    ) -> bool:
        """`add_notice` inside the caller's transaction."""
        cur = await tx.execute(
            "INSERT INTO outbox (kind, user_id, channel, dedupe_key, reply, state, due_at,"
            " created_at, updated_at) SELECT 'notice', u.id, u.channel, ?, ?, 'queued', ?, ?, ?"
            " FROM users u WHERE u.id = ? ON CONFLICT (dedupe_key) DO NOTHING",
            (dedupe_key, reply_to_json(reply), to_db(now), to_db(now), to_db(now), user_id),
        )
        if cur.rowcount > 0:
            await tx.notify(DUE_TOPIC)
        return cur.rowcount > 0

    async def release_window(self, user_id: int, now: datetime) -> int:
        """The user wrote: what waited for WeChat's window is due now; returns how many rows."""
        async with self._db.transaction() as tx:
            cur = await tx.execute(
                "UPDATE outbox SET due_at = ?, hold = NULL, updated_at = ?"
                " WHERE user_id = ? AND state = 'queued' AND hold = 'window'",
                (to_db(now), to_db(now), user_id),
            )
            if cur.rowcount:  # the active sender may be another worker
                await tx.notify(DUE_TOPIC)
            return cur.rowcount

    async def get(self, outbox_id: int) -> Row | None:
        """One outbox row as stored (tests, the CLI)."""
        return await self._db.fetchone("SELECT * FROM outbox WHERE id = ?", (outbox_id,))

    async def for_user(self, user_id: int) -> list[Row]:
        """A user's digests and notices, oldest first."""
        return await self._db.fetchall(
            "SELECT * FROM outbox WHERE user_id = ? ORDER BY id", (user_id,)
        )

    @asynccontextmanager
    async def claiming(
        self, channel: str, now: datetime, *, limit: int, token: str
    ) -> AsyncIterator[DueOutbox]:
        """Lock and load the due digests and notices of one channel in one transaction, held
        while the caller decides (handlers.services.delivery_rules) and `apply`s the verdicts."""
        async with self._db.transaction() as tx:
            await beat_in(tx, token, now)
            ids = await _due_ids(tx, channel, now, limit)
            if not ids:
                yield DueOutbox(tx, now, token, [])
                return
            marks = ",".join("?" * len(ids))
            rows = await tx.fetchall(
                f"SELECT o.id, o.kind, o.state, o.hold, o.attempts, o.recoveries, o.reply,"
                f" CASE WHEN u.last_inbound_at > o.held_at THEN 1 ELSE 0 END AS wrote,"
                f" {RECIPIENT_COLUMNS} FROM outbox o JOIN users u ON u.id = o.user_id"
                f" LEFT JOIN seekers s ON s.user_id = o.user_id WHERE o.id IN ({marks})"
                " ORDER BY o.due_at, o.id",
                ids,
            )
            members = await tx.fetchall(
                f"SELECT d.digest_id, {ITEM_COLUMNS} FROM deliveries d"
                f" JOIN postings p ON p.id = d.posting_id"
                f" WHERE d.digest_id IN ({marks}) AND d.state = 'queued' ORDER BY d.id",
                ids,
            )
            items: dict[int, list[Item]] = {}
            for m in members:
                items.setdefault(m["digest_id"], []).append(item_from(m))
            candidates = []
            for row in rows:
                recovered = row["state"] == DeliveryState.SENDING.value
                candidates.append(
                    Candidate(
                        kind=Kind(row["kind"]),
                        id=row["id"],
                        recipient=recipient_from(row),
                        hold=Hold(row["hold"]) if row["hold"] else None,
                        attempts=row["attempts"],
                        recoveries=row["recoveries"] + int(recovered),
                        recovered=recovered,
                        items=tuple(items.get(row["id"], ())),
                        reply=reply_from_json(row["reply"]) if row["reply"] else None,
                        user_wrote=bool(row["wrote"]),
                    )
                )
            yield DueOutbox(tx, now, token, candidates)

    async def next_due(self, channel: str) -> datetime | None:
        """When the next digest or notice of a channel is due (held rows excepted)."""
        row = await self._db.fetchone(
            "SELECT MIN(due_at) AS due FROM outbox WHERE channel = ? AND state = 'queued'"
            " AND (hold IS NULL OR hold != 'window')",
            (channel,),
        )
        return from_db(row["due"]) if row else None


async def _due_ids(tx: Tx, channel: str, now: datetime, limit: int) -> list[int]:
    """Stale claims first (recovery), then window holds the user ended by writing, then due;
    rows another worker is claiming right now are skipped."""
    at = to_db(now)
    stale = await tx.fetchone(
        "SELECT id, recoveries FROM outbox WHERE channel = ? AND state = 'sending'"
        f" AND {stale_claim('outbox')} ORDER BY recoveries DESC LIMIT 1 FOR UPDATE SKIP LOCKED",
        (channel, *stale_params(now)),
    )
    if stale and stale["recoveries"] + 1 >= ISOLATE_AFTER:
        return [stale["id"]]  # see deliveries.ISOLATE_AFTER
    queries: tuple[tuple[str, tuple[object, ...]], ...] = (
        (
            "SELECT id FROM outbox WHERE channel = ? AND state = 'sending'"
            f" AND {stale_claim('outbox')} ORDER BY claimed_until LIMIT ? FOR UPDATE SKIP LOCKED",
            (channel, *stale_params(now)),
        ),
        (
            "SELECT o.id FROM outbox o JOIN users u ON u.id = o.user_id WHERE o.hold = 'window'"
            " AND o.channel = ? AND o.state = 'queued' AND u.last_inbound_at > o.held_at"
            " ORDER BY o.id LIMIT ? FOR UPDATE OF o SKIP LOCKED",
            (channel,),
        ),
        (
            "SELECT id FROM outbox WHERE channel = ? AND state = 'queued' AND due_at <= ?"
            " ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
            (channel, at),
        ),
    )
    ids: dict[int, None] = {}  # insertion-ordered set
    for sql, params in queries:
        if len(ids) >= limit:
            break
        for row in await tx.fetchall(sql, (*params, limit - len(ids))):
            ids.setdefault(row[0], None)
    return list(ids)


async def _apply(
    tx: Tx, c: Candidate, v: Verdict, now: datetime, token: str, lease: timedelta
) -> Claimed | None:
    """Write one verdict; returns the lease when the row is to be sent."""
    if c.recovered:
        await tx.execute("UPDATE outbox SET recoveries = ? WHERE id = ?", (c.recoveries, c.id))
    for delivery_id, state, outcome in v.drop:
        await tx.execute(
            "UPDATE deliveries SET state = ?, outcome = ?, hold = NULL, updated_at = ?"
            " WHERE id = ?",
            (state.value, outcome, to_db(now), delivery_id),
        )
    if v.action == Action.SEND:
        await tx.execute(
            "UPDATE outbox SET state = 'sending', hold = NULL, claimed_until = ?,"
            " claim_token = ?, updated_at = ? WHERE id = ?",
            (to_db(now + lease), token, to_db(now), c.id),
        )
        chosen = tuple(i for i in c.items if i.delivery_id in set(v.include))
        return Claimed(c.kind, c.id, token, c.recipient, c.attempts, chosen, c.reply)
    if v.action == Action.DEFER:
        await requeue_in(tx, c.id, v.due_at or now, v.hold, now, counted=False)
    else:
        await end_in(tx, c.id, v.state or DeliveryState.SUPPRESSED, v.outcome or "ended", now)
    return None
