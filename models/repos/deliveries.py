"""The outbox of job pushes: one delivery per (seeker, posting), claimed under a lease.

States: queued → sending → sent, or a terminal failed / expired / suppressed, each with its
reason in `outcome`; `delivery_attempts` keeps the history. A worker claims due rows by setting
`state = 'sending'`, `claimed_until` (its lease) and `claim_token`; a row whose lease ran out is
recovered by the next claim, so a stopped worker loses nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.db import Database, Row, Tx
from models.delivery import Delivery, DeliveryState
from models.dispatch import DUE_TOPIC, Action, Candidate, Claimed, Hold, Kind, ReachStats, Verdict
from models.repos.outbox import (
    ISOLATE_AFTER,
    ITEM_COLUMNS,
    RECIPIENT_COLUMNS,
    attach_in,
    item_from,
    recipient_from,
)
from models.repos.workers import beat_in, stale_claim, stale_params
from models.timeutil import LOCAL_TZ, from_db, to_db

# A row recovered from stopped workers ISOLATE_AFTER times is claimed alone from then on. A
# crash loses every row of its batch, so counting alone cannot tell the row that crashes the
# worker from its batch-mates; alone, only the culprit keeps counting (to MAX_RECOVERIES).


@dataclass(frozen=True, slots=True)
class Attempt:
    """One line of a delivery's history."""

    at: datetime
    outcome: str
    detail: str | None


def _delivery(row: Row) -> Delivery:
    return Delivery(
        id=row["id"],
        seeker_user_id=row["seeker_user_id"],
        posting_id=row["posting_id"],
        state=DeliveryState(row["state"]),
        score=row["score"],
        reason=row["reason"],
        due_at=_required(row["due_at"]),
        attempts=row["attempts"],
        outcome=row["outcome"],
        digest=bool(row["digest"]),
        created_at=from_db(row["created_at"]),
        sent_at=from_db(row["sent_at"]),
        push_bars=row["push_bars"],
    )


@dataclass(slots=True)
class DueBatch:
    """Due pushes loaded and locked by `DeliveryRepo.claiming`, with each seeker's pushes sent
    today; `apply` writes the verdicts decided for them and leases those to send."""

    _tx: Tx
    _channel: str
    _now: datetime
    _token: str
    candidates: list[Candidate]
    pushes_today: dict[int, int]

    async def apply(self, verdicts: Sequence[Verdict], lease: timedelta) -> list[Claimed]:
        """Write one verdict per candidate, in order; returns the rows leased to send."""
        plan = list(zip(self.candidates, verdicts, strict=True))
        return await _apply(self._tx, plan, self._channel, self._now, self._token, lease)


class DeliveryRepo:
    """Enqueue, claim, end and count job pushes. Methods taking `tx` join the caller's one."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue_in(
        self,
        tx: Tx,
        posting_id: int,
        matches: Sequence[tuple[int, float, str]],
        now: datetime,
        bars: Mapping[int, str] | None = None,
    ) -> tuple[int, int]:
        """Insert a delivery per (seeker, score, reason) unless one exists; returns counts.

        `bars` keeps, per seeker, the push bars the pair cleared (matching/push_rules.py).

        A seeker already reached (or about to be) by a near-duplicate of the posting gets a
        suppressed row with the reason, so the pair is never pushed. Returns (queued, suppressed).
        """
        if not matches:
            return 0, 0
        at = to_db(now)
        bars = bars or {}
        if self._db.backend == "postgresql":
            queued, suppressed = await _enqueue_postgres(tx, posting_id, matches, at, bars)
        else:
            reached = {
                r[0]
                for r in await tx.fetchall(
                    f"{_FAMILY_REACHED} SELECT uid FROM reached", (posting_id, posting_id)
                )
            }
            fresh = [m for m in matches if m[0] not in reached]
            again = [m for m in matches if m[0] in reached]
            queued = await _insert_sqlite(tx, posting_id, fresh, False, at, bars)
            suppressed = await _insert_sqlite(tx, posting_id, again, True, at, bars)
        if queued:
            await tx.notify(DUE_TOPIC)
        return queued, suppressed

    @asynccontextmanager
    async def claiming(
        self, channel: str, now: datetime, *, limit: int, token: str
    ) -> AsyncIterator[DueBatch]:
        """Lock and load the due pushes of one channel in one transaction, held while the caller
        decides (handlers.services.delivery_rules) and `apply`s the verdicts: storage never
        decides."""
        async with self._db.transaction() as tx:
            await beat_in(tx, token, now)
            ids = await _due_ids(tx, channel, now, limit)
            if not ids:
                yield DueBatch(tx, channel, now, token, [], {})
                return
            marks = ",".join("?" * len(ids))
            rows = await tx.fetchall(
                f"SELECT d.state, d.hold, d.attempts, d.recoveries, {ITEM_COLUMNS},"
                f" {RECIPIENT_COLUMNS} FROM deliveries d JOIN users u ON u.id = d.seeker_user_id"
                f" LEFT JOIN seekers s ON s.user_id = d.seeker_user_id"
                f" JOIN postings p ON p.id = d.posting_id WHERE d.id IN ({marks})"
                " ORDER BY d.due_at, d.id",
                ids,
            )
            pushed = await _pushes_today(tx, sorted({r["uid"] for r in rows}), now)
            candidates = []
            for row in rows:
                item = item_from(row)
                recovered = row["state"] == DeliveryState.SENDING.value
                candidates.append(
                    Candidate(
                        kind=Kind.DELIVERY,
                        id=item.delivery_id,
                        recipient=recipient_from(row),
                        hold=Hold(row["hold"]) if row["hold"] else None,
                        attempts=row["attempts"],
                        recoveries=row["recoveries"] + int(recovered),
                        recovered=recovered,
                        items=(item,),
                    )
                )
            yield DueBatch(tx, channel, now, token, candidates, pushed)

    async def end_for_posting_in(
        self, tx: Tx, posting_id: int, state: DeliveryState, outcome: str, now: datetime
    ) -> int:
        """End every queued push of a posting (closed, expired); sending ones finish first."""
        cur = await tx.execute(
            "UPDATE deliveries SET state = ?, outcome = ?, hold = NULL, updated_at = ?"
            " WHERE posting_id = ? AND state = 'queued'",
            (state.value, outcome, to_db(now), posting_id),
        )
        return cur.rowcount

    async def suppress_user(self, user_id: int, outcome: str, now: datetime) -> int:
        """Suppress everything still queued for a user (unsubscribed, employed)."""
        async with self._db.transaction() as tx:
            return await suppress_user_in(tx, user_id, outcome, now)

    async def next_due(self, channel: str) -> datetime | None:
        """When the next push of a channel is due (digest members wait for their digest)."""
        row = await self._db.fetchone(
            "SELECT MIN(due_at) AS due FROM deliveries WHERE channel = ? AND state = 'queued'"
            " AND digest_id IS NULL",
            (channel,),
        )
        return from_db(row["due"]) if row else None

    async def get(self, delivery_id: int) -> Delivery | None:
        """One delivery."""
        row = await self._db.fetchone("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        return _delivery(row) if row else None

    async def find(self, seeker_user_id: int, posting_id: int) -> Delivery | None:
        """The delivery of a posting to a seeker, if there is one."""
        row = await self._db.fetchone(
            "SELECT * FROM deliveries WHERE seeker_user_id = ? AND posting_id = ?",
            (seeker_user_id, posting_id),
        )
        return _delivery(row) if row else None

    async def for_posting(self, posting_id: int) -> list[Delivery]:
        """A posting's deliveries in id order."""
        rows = await self._db.fetchall(
            "SELECT * FROM deliveries WHERE posting_id = ? ORDER BY id", (posting_id,)
        )
        return [_delivery(r) for r in rows]

    async def for_seeker(self, user_id: int) -> list[Delivery]:
        """A seeker's deliveries in id order."""
        rows = await self._db.fetchall(
            "SELECT * FROM deliveries WHERE seeker_user_id = ? ORDER BY id", (user_id,)
        )
        return [_delivery(r) for r in rows]

    async def all(self) -> list[Delivery]:
        """Every delivery (tests, benchmarks, small exports)."""
        rows = await self._db.fetchall("SELECT * FROM deliveries ORDER BY id")
        return [_delivery(r) for r in rows]

    async def attempts(self, delivery_id: int) -> list[Attempt]:
        """A delivery's history, oldest first."""
        rows = await self._db.fetchall(
            "SELECT at, outcome, detail FROM delivery_attempts WHERE delivery_id = ? ORDER BY id",
            (delivery_id,),
        )
        return [Attempt(_required(r["at"]), r["outcome"], r["detail"]) for r in rows]

    async def reach_stats(self, posting_id: int) -> ReachStats:
        """How many seekers a posting reached and what they answered."""
        states = {
            r["state"]: r["n"]
            for r in await self._db.fetchall(
                "SELECT state, COUNT(*) AS n FROM deliveries WHERE posting_id = ? GROUP BY state",
                (posting_id,),
            )
        }
        answers: dict[tuple[str, str | None], int] = {
            (r["kind"], r["reason"]): r["n"]
            for r in await self._db.fetchall(
                "SELECT kind, reason, COUNT(DISTINCT user_id) AS n FROM feedback"
                " WHERE posting_id = ? GROUP BY kind, reason",
                (posting_id,),
            )
        }
        not_interested = await self._db.fetchone(
            "SELECT COUNT(DISTINCT user_id) AS n FROM feedback"
            " WHERE posting_id = ? AND kind = 'not'",
            (posting_id,),
        )
        return ReachStats(
            posting_id=posting_id,
            matched=sum(states.values()),
            sent=states.get("sent", 0),
            waiting=states.get("queued", 0) + states.get("sending", 0),
            suppressed=states.get("suppressed", 0),
            expired=states.get("expired", 0),
            failed=states.get("failed", 0),
            interested=answers.get(("interested", None), 0),
            not_interested=not_interested["n"] if not_interested else 0,
            found_job=answers.get(("found", None), 0),
            reported_full=answers.get(("not", "full"), 0),
        )


async def suppress_user_in(tx: Tx, user_id: int, outcome: str, now: datetime) -> int:
    """Suppress a user's queued pushes, digests and notices with one reason."""
    at = to_db(now)
    cur = await tx.execute(
        "UPDATE deliveries SET state = 'suppressed', outcome = ?, hold = NULL, updated_at = ?"
        " WHERE seeker_user_id = ? AND state = 'queued'",
        (outcome, at, user_id),
    )
    await tx.execute(
        "UPDATE outbox SET state = 'suppressed', outcome = ?, hold = NULL, updated_at = ?"
        " WHERE user_id = ? AND state = 'queued'",
        (outcome, at, user_id),
    )
    return cur.rowcount


def _required(value: str | None) -> datetime:
    at = from_db(value)
    if at is None:
        raise ValueError("missing timestamp in a NOT NULL column")
    return at


# The seekers a near-duplicate of a posting already reached or is about to (queued, sending,
# sent): its family is its root (dup_of), the root's other duplicates and postings of the same
# text. Parameters: the posting's id, twice.
_FAMILY_REACHED = (
    "WITH me AS (SELECT COALESCE(dup_of, id) AS root, text_hash AS h FROM postings"
    " WHERE id = ?), family AS (SELECT p.id FROM postings p, me WHERE p.id = me.root"
    " UNION SELECT p.id FROM postings p, me WHERE p.dup_of = me.root"
    " UNION SELECT p.id FROM postings p, me WHERE p.text_hash = me.h),"
    " reached AS (SELECT DISTINCT seeker_user_id AS uid FROM deliveries WHERE posting_id != ?"
    " AND posting_id IN (SELECT id FROM family) AND state IN ('queued', 'sending', 'sent'))"
)
_COLUMNS = (
    "seeker_user_id, posting_id, channel, state, score, reason, push_bars, due_at, outcome,"
    " created_at, updated_at"
)
_CONFLICT = "ON CONFLICT (seeker_user_id, posting_id) DO NOTHING"


async def _enqueue_postgres(
    tx: Tx,
    posting_id: int,
    matches: Sequence[tuple[int, float, str]],
    at: str | None,
    bars: Mapping[int, str],
) -> tuple[int, int]:
    """The near-duplicate check and the insert as one set-based statement over arrays, best
    first (ids follow the matches' order); returns the new rows, (queued, suppressed).

    A statement per row took 1-2 s for a posting reaching tens of thousands at 1M seekers, and
    each round trip costs more on a loaded server than the statement itself."""
    row = await tx.fetchone(
        f"{_FAMILY_REACHED}, ins AS (INSERT INTO deliveries ({_COLUMNS})"
        " SELECT u.id, ?, u.channel, CASE WHEN r.uid IS NULL THEN 'queued' ELSE 'suppressed' END,"
        " m.score, m.reason, m.bars, ?, CASE WHEN r.uid IS NULL THEN NULL"
        " ELSE 'near_duplicate' END, ?, ?"
        " FROM unnest(CAST(? AS BIGINT[]), CAST(? AS DOUBLE PRECISION[]),"
        " CAST(? AS TEXT[]), CAST(? AS TEXT[])) WITH ORDINALITY"
        " AS m(uid, score, reason, bars, n) JOIN users u ON u.id = m.uid"
        f" LEFT JOIN reached r ON r.uid = m.uid ORDER BY m.n {_CONFLICT} RETURNING state)"
        " SELECT COUNT(CASE WHEN state = 'queued' THEN 1 END) AS queued,"
        " COUNT(CASE WHEN state = 'suppressed' THEN 1 END) AS suppressed FROM ins",
        (
            posting_id,
            posting_id,
            posting_id,
            at,
            at,
            at,
            [m[0] for m in matches],
            [m[1] for m in matches],
            [m[2] for m in matches],
            [bars.get(m[0], "") for m in matches],
        ),
    )
    return (row["queued"], row["suppressed"]) if row else (0, 0)


async def _insert_sqlite(
    tx: Tx,
    posting_id: int,
    matches: Sequence[tuple[int, float, str]],
    suppressed: bool,
    at: str | None,
    bars: Mapping[int, str],
) -> int:
    """Insert the deliveries of one state (queued, or suppressed as a near-duplicate), best
    first; returns how many were new. A statement per row: SQLite runs in process, where that
    is as fast as one over a set."""
    if not matches:
        return 0
    state, outcome = ("suppressed", "near_duplicate") if suppressed else ("queued", None)
    rows = [
        (posting_id, state, score, reason, bars.get(user_id, ""), at, outcome, at, at, user_id)
        for user_id, score, reason in matches
    ]
    return await tx.executemany(
        f"INSERT INTO deliveries ({_COLUMNS}) SELECT u.id, ?, u.channel, ?, ?, ?, ?, ?, ?, ?, ?"
        f" FROM users u WHERE u.id = ? {_CONFLICT}",
        rows,
    )


async def _due_ids(tx: Tx, channel: str, now: datetime, limit: int) -> list[int]:
    """Stale claims first (a stopped worker's), then due pushes, oldest first; rows another
    worker is claiming right now are skipped, not waited for."""
    at = to_db(now)
    stale = await tx.fetchall(
        "SELECT id, recoveries FROM deliveries WHERE channel = ? AND state = 'sending'"
        f" AND {stale_claim('deliveries')} ORDER BY recoveries DESC, claimed_until LIMIT ?"
        " FOR UPDATE SKIP LOCKED",
        (channel, *stale_params(now), limit),
    )
    if stale and stale[0]["recoveries"] + 1 >= ISOLATE_AFTER:
        return [stale[0]["id"]]  # claimed alone: if it is what stops workers, only it suffers
    ids = [r["id"] for r in stale]
    if len(ids) < limit:
        ids += [
            r[0]
            for r in await tx.fetchall(
                "SELECT id FROM deliveries WHERE channel = ? AND state = 'queued' AND due_at <= ?"
                " AND digest_id IS NULL ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
                (channel, at, limit - len(ids)),
            )
        ]
    return ids


async def _pushes_today(tx: Tx, user_ids: Sequence[int], now: datetime) -> dict[int, int]:
    """Single pushes sent since local midnight or out now, per seeker (digests not counted)."""
    if not user_ids:
        return {}
    midnight = now.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    marks = ",".join("?" * len(user_ids))
    rows = await tx.fetchall(
        "SELECT seeker_user_id AS uid, COUNT(*) AS n FROM deliveries"
        f" WHERE seeker_user_id IN ({marks}) AND digest_id IS NULL"
        " AND ((state = 'sent' AND sent_at >= ?) OR (state = 'sending' AND claimed_until > ?))"
        " GROUP BY seeker_user_id",
        (*user_ids, to_db(midnight), to_db(now)),
    )
    return {r["uid"]: r["n"] for r in rows}


async def _apply(
    tx: Tx,
    plan: Sequence[tuple[Candidate, Verdict]],
    channel: str,
    now: datetime,
    token: str,
    lease: timedelta,
) -> list[Claimed]:
    """Write the verdicts of one claim, grouped into a few statements."""
    at = to_db(now)
    history: list[tuple[object, ...]] = []
    leased: list[Claimed] = []
    sends: list[tuple[object, ...]] = []
    defers: list[tuple[object, ...]] = []
    ends: list[tuple[object, ...]] = []
    for c, v in plan:
        if c.recovered:
            history.append((c.id, at, "recovered", "lease expired: the worker stopped"))
        if v.action == Action.SEND:
            sends.append((to_db(now + lease), token, c.recoveries, at, c.id))
            leased.append(Claimed(Kind.DELIVERY, c.id, token, c.recipient, c.attempts, c.items))
        elif v.action == Action.DEFER:
            defers.append((to_db(v.due_at or now), v.hold, c.recoveries, at, c.id))
            history.append((c.id, at, "deferred", v.outcome))
        elif v.action == Action.DIGEST:
            await tx.execute(
                "UPDATE deliveries SET recoveries = ? WHERE id = ?", (c.recoveries, c.id)
            )
            digest_id = await attach_in(
                tx, c.recipient.user_id, channel, [c.id], v.due_at or now, now
            )
            history.append((c.id, at, "digest", f"{v.outcome or 'digest'} -> digest {digest_id}"))
        else:
            state = v.state or DeliveryState.SUPPRESSED
            ends.append((state.value, v.outcome, c.recoveries, at, c.id))
            history.append((c.id, at, state.value, v.outcome))
    statements = (
        (
            "UPDATE deliveries SET state = 'sending', hold = NULL, claimed_until = ?,"
            " claim_token = ?, recoveries = ?, updated_at = ? WHERE id = ?",
            sends,
        ),
        (
            "UPDATE deliveries SET state = 'queued', due_at = ?, hold = ?, claimed_until = NULL,"
            " claim_token = NULL, recoveries = ?, updated_at = ? WHERE id = ?",
            defers,
        ),
        (
            "UPDATE deliveries SET state = ?, outcome = ?, hold = NULL, claimed_until = NULL,"
            " claim_token = NULL, recoveries = ?, updated_at = ? WHERE id = ?",
            ends,
        ),
        (
            "INSERT INTO delivery_attempts (delivery_id, at, outcome, detail) VALUES (?, ?, ?, ?)",
            history,
        ),
    )
    for sql, rows in statements:
        if rows:  # each statement is a round trip to the database thread
            await tx.executemany(sql, rows)
    return leased
