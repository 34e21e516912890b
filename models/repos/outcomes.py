"""Record what became of sends: the row's next state and its attempt history, in one transaction.

Every update is guarded by the claim token, so a worker whose lease ran out (and whose row was
claimed again by another) cannot overwrite the newer claim's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.db import Database, Tx
from models.delivery import DeliveryState
from models.dispatch import Hold, Kind, Outcome
from models.repos.deliveries import suppress_user_in
from models.repos.outbox import attach_in, end_in, requeue_in
from models.timeutil import to_db

UNSUBSCRIBED = "unsubscribed"


class OutcomeRepo:
    """Writes send outcomes for pushes, digests and notices."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, outcomes: Sequence[Outcome], now: datetime) -> int:
        """Apply outcomes whose lease still holds; returns how many were applied."""
        if not outcomes:
            return 0
        async with self._db.transaction() as tx:
            applied = await _sent_pushes(tx, [o for o in outcomes if _is_sent_push(o)], now)
            for o in outcomes:
                if _is_sent_push(o):
                    continue
                if o.claimed.kind == Kind.DELIVERY:
                    ok = await _push(tx, o, now)
                else:
                    ok = await _outbox(tx, o, now)
                applied += int(ok)
                if ok and o.unsubscribe:
                    await suppress_user_in(tx, o.claimed.recipient.user_id, UNSUBSCRIBED, now)
            return applied


def _is_sent_push(o: Outcome) -> bool:
    return o.claimed.kind == Kind.DELIVERY and o.state == DeliveryState.SENT


async def _sent_pushes(tx: Tx, outcomes: Sequence[Outcome], now: datetime) -> int:
    """The common case, batched: a push went out."""
    if not outcomes:
        return 0
    at = to_db(now)
    applied = await tx.executemany(
        "UPDATE deliveries SET state = 'sent', outcome = 'sent', sent_at = ?, message_id = ?,"
        " attempts = attempts + 1, hold = NULL, claimed_until = NULL, claim_token = NULL,"
        " updated_at = ? WHERE id = ? AND claim_token = ? AND state = 'sending'",
        [(at, o.message_id, at, o.claimed.id, o.claimed.token) for o in outcomes],
    )
    await tx.executemany(
        "INSERT INTO delivery_attempts (delivery_id, at, outcome, detail) VALUES (?, ?, ?, ?)",
        [(o.claimed.id, at, o.attempt, o.message_id) for o in outcomes],
    )
    return applied


async def _push(tx: Tx, o: Outcome, now: datetime) -> bool:
    """A push that did not go out: retry later, wait in a digest, or end with the reason."""
    c, at = o.claimed, to_db(now)
    await tx.execute(
        "INSERT INTO delivery_attempts (delivery_id, at, outcome, detail) VALUES (?, ?, ?, ?)",
        (c.id, at, o.attempt, o.outcome),
    )
    if o.state == DeliveryState.QUEUED and o.hold == Hold.WINDOW:
        cur = await tx.execute(
            "UPDATE deliveries SET outcome = ?, attempts = attempts + ?, claimed_until = NULL,"
            " claim_token = NULL, updated_at = ? WHERE id = ? AND claim_token = ?"
            " AND state = 'sending'",
            (o.outcome, int(o.counted), at, c.id, c.token),
        )
        if cur.rowcount:
            # WeChat's window is closed: the push waits in the seeker's digest for their next
            # message (one message then carries all that waited; the window allows only 5).
            channel = await tx.fetchone("SELECT channel FROM deliveries WHERE id = ?", (c.id,))
            await attach_in(
                tx, c.recipient.user_id, channel[0] if channel else "", [c.id],
                o.due_at or now, now, Hold.WINDOW,
            )  # fmt: skip
        return bool(cur.rowcount)
    terminal = o.state != DeliveryState.QUEUED
    cur = await tx.execute(
        "UPDATE deliveries SET state = ?, outcome = ?, due_at = COALESCE(?, due_at), hold = ?,"
        " attempts = attempts + ?, claimed_until = NULL, claim_token = NULL, updated_at = ?"
        " WHERE id = ? AND claim_token = ? AND state = 'sending'",
        (
            o.state.value,
            o.outcome,
            None if terminal else to_db(o.due_at or now),
            None if terminal else o.hold,
            int(o.counted),
            at,
            c.id,
            c.token,
        ),
    )
    return bool(cur.rowcount)


async def _outbox(tx: Tx, o: Outcome, now: datetime) -> bool:
    """A digest or notice: sent (with its members), retried or ended."""
    c, at = o.claimed, to_db(now)
    cur = await tx.execute(
        "UPDATE outbox SET outcome = ? WHERE id = ? AND claim_token = ? AND state = 'sending'",
        (o.outcome, c.id, c.token),
    )
    if not cur.rowcount:
        return False
    members = [i.delivery_id for i in c.items]
    await tx.executemany(
        "INSERT INTO delivery_attempts (delivery_id, at, outcome, detail) VALUES (?, ?, ?, ?)",
        [(m, at, o.attempt, f"{c.kind.value} {c.id}: {o.outcome}") for m in members],
    )
    if o.state == DeliveryState.SENT:
        await tx.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?,"
            " attempts = attempts + 1, hold = NULL, claimed_until = NULL, claim_token = NULL,"
            " updated_at = ? WHERE id = ?",
            (at, o.message_id, at, c.id),
        )
        await tx.executemany(
            "UPDATE deliveries SET state = 'sent', outcome = ?, sent_at = ?, message_id = ?,"
            " hold = NULL, updated_at = ? WHERE id = ? AND digest_id = ? AND state = 'queued'",
            [(f"digest:{c.id}", at, o.message_id, at, m, c.id) for m in members],
        )
    elif o.state == DeliveryState.QUEUED:
        await requeue_in(tx, c.id, o.due_at or now, o.hold, now, o.counted)
    else:
        await tx.execute(
            "UPDATE outbox SET attempts = attempts + ? WHERE id = ?", (int(o.counted), c.id)
        )
        await end_in(tx, c.id, o.state, o.outcome, now)
    return True
