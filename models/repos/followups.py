"""Follow-up queries: monthly check-ins, who is overdue for contact, seekers by need.

"Contacted" always means a contact record in the period whose outcome is not UNREACHED, linked
to the person either by register row or by chat identity (the statistics use the same rule).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from models.db import Database, Tx
from models.register import UNREACHED
from models.repos.personal import KEY_COLUMN, key_join, key_select, unseal
from models.timeutil import from_db, from_db_required, to_db

# Register rows still on a caseworker's books (employed and closed rows need no follow-up).
OPEN_STATUSES = ("registered", "unreachable")


@dataclass(frozen=True, slots=True)
class CheckinTarget:
    """A person due for the monthly check-in: their chat identity and register row if any."""

    user_id: int
    register_id: int | None
    lang: str = "zh"


@dataclass(frozen=True, slots=True)
class NeedRow:
    """A seeker who asked for help (补贴申领 / 职业指导 / 技能培训 / 创业培训)."""

    user_id: int
    name: str | None  # the register name, else the chat display name
    channel: str
    needs: tuple[str, ...]
    register_id: int | None
    subscribed: bool


@dataclass(frozen=True, slots=True)
class FeedbackAnswer:
    """One 感兴趣 / 不感兴趣 answer to a push, with what the contact record needs."""

    user_id: int
    channel: str
    register_id: int | None
    kind: str
    reason: str | None
    posting_id: int | None
    title: str | None
    at: datetime


_CONTACTED = (
    "EXISTS (SELECT 1 FROM contacts k WHERE k.at >= ? AND (k.outcome IS NULL OR k.outcome != ?)"
    " AND (k.user_id = u.id OR (r.id IS NOT NULL AND k.register_id = r.id)))"
)


class FollowupRepo:
    """The checkins and feedback_contacts tables and read-only follow-up queries."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def checkin_targets(self, month: str, start: datetime) -> list[CheckinTarget]:
        """People to ask this month: reachable by the bot, still looking, not contacted since
        `start`, and not asked yet this month.

        A seeker counts with a completed profile and consent; a person linked from the register
        counts unless they said no to contact (consent 0) or their registration ended.
        """
        rows = await self._db.fetchall(
            "SELECT u.id AS uid, r.id AS rid, u.lang FROM users u"
            " LEFT JOIN seekers s ON s.user_id = u.id"
            " LEFT JOIN register r ON r.user_id = u.id"
            " WHERE u.subscribed = 1 AND u.role = 'seeker' AND u.channel != 'wecom'"
            " AND (s.user_id IS NULL OR (s.status = 'active' AND COALESCE(s.consent, 1) = 1))"
            f" AND (r.id IS NULL OR r.status IN {OPEN_STATUSES})"
            " AND (r.id IS NOT NULL OR (s.consent = 1 AND s.completed_at IS NOT NULL))"
            " AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.user_id = u.id AND c.month = ?)"
            f" AND NOT {_CONTACTED} ORDER BY u.id",
            (month, to_db(start), UNREACHED),
        )
        return [CheckinTarget(int(r["uid"]), r["rid"], r["lang"]) for r in rows]

    async def mark_checkin_in(self, tx: Tx, user_id: int, month: str, now: datetime) -> bool:
        """Note the check-in as sent; False when this month's was sent before."""
        cur = await tx.execute(
            "INSERT INTO checkins (user_id, month, sent_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, month) DO NOTHING",
            (user_id, month, to_db(now)),
        )
        return cur.rowcount > 0

    async def open_checkin(self, user_id: int, since: datetime) -> str | None:
        """The month of an unanswered check-in sent after `since`, if there is one."""
        row = await self._db.fetchone(
            "SELECT month FROM checkins WHERE user_id = ? AND answered_at IS NULL"
            " AND sent_at >= ? ORDER BY sent_at DESC LIMIT 1",
            (user_id, to_db(since)),
        )
        return str(row["month"]) if row else None

    async def answer_checkin(self, user_id: int, month: str, answer: str, now: datetime) -> None:
        """Store the answer to a month's check-in (the first answer is kept)."""
        await self._db.execute(
            "UPDATE checkins SET answer = ?, answered_at = ?"
            " WHERE user_id = ? AND month = ? AND answered_at IS NULL",
            (answer, to_db(now), user_id, month),
        )

    async def checkin_answers(self, month: str) -> dict[str | None, int]:
        """How many check-ins of a month got each answer (None: not answered)."""
        rows = await self._db.fetchall(
            "SELECT answer, COUNT(*) AS n FROM checkins WHERE month = ? GROUP BY answer", (month,)
        )
        return {r["answer"]: int(r["n"]) for r in rows}

    async def last_contacts(self, district: str | None) -> dict[int, datetime | None]:
        """Per register row (of a district, or all): the time of the last successful contact."""
        rows = await self._db.fetchall(
            "SELECT r.id, MAX(k.at) AS last_ok FROM register r LEFT JOIN contacts k"
            " ON (k.register_id = r.id OR (r.user_id IS NOT NULL AND k.user_id = r.user_id))"
            " AND (k.outcome IS NULL OR k.outcome != ?)"
            " WHERE (? IS NULL OR r.district = ?) GROUP BY r.id",
            (UNREACHED, district, district),
        )
        return {int(r["id"]): from_db(r["last_ok"]) for r in rows}

    async def last_attempts(self, district: str | None) -> dict[int, tuple[datetime, bool]]:
        """Per register row: the time of the latest contact of any outcome and whether it
        reached the person (failed attempts show, not only successes)."""
        rows = await self._db.fetchall(
            "SELECT r.id, k.at, k.outcome FROM register r JOIN contacts k"
            " ON (k.register_id = r.id OR (r.user_id IS NOT NULL AND k.user_id = r.user_id))"
            " WHERE (? IS NULL OR r.district = ?) ORDER BY r.id, k.at, k.id",
            (district, district),
        )
        last: dict[int, tuple[datetime, bool]] = {}
        for r in rows:
            last[int(r["id"])] = (from_db_required(r["at"]), r["outcome"] != UNREACHED)
        return last

    async def with_needs(self, district: str | None, need: str | None) -> list[NeedRow]:
        """Seekers of a district (or all) who asked for help, optionally for one need."""
        sql = (
            "SELECT u.id, u.display_name, u.channel, u.subscribed, s.needs, r.id AS rid, r.name,"
            f" {key_select()} FROM seekers s JOIN users u ON u.id = s.user_id{key_join('u', 'id')}"
            " LEFT JOIN register r ON r.user_id = u.id WHERE s.needs != '[]'"
        )
        params: list[object] = []
        if district is not None:
            sql += (
                " AND (EXISTS (SELECT 1 FROM json_each(s.districts) WHERE value = ?)"
                " OR r.district = ?)"
            )
            params += [district, district]
        if need is not None:
            sql += " AND EXISTS (SELECT 1 FROM json_each(s.needs) WHERE value = ?)"
            params.append(need)
        rows = await self._db.fetchall(sql + " ORDER BY u.id", tuple(params))
        return [
            NeedRow(int(r["id"]),
                    r["name"] or unseal(r[KEY_COLUMN], r["id"], "display_name", r["display_name"]),
                    r["channel"],
                    tuple(json.loads(r["needs"])), r["rid"], bool(r["subscribed"]))
            for r in rows
        ]  # fmt: skip

    async def feedback_answers(self, start: datetime, end: datetime) -> list[FeedbackAnswer]:
        """感兴趣 / 不感兴趣 answers to pushes in [start, end), by person and time."""
        rows = await self._db.fetchall(
            "SELECT f.user_id, u.channel, r.id AS rid, f.kind, f.reason, f.posting_id, p.title,"
            " f.at FROM feedback f JOIN users u ON u.id = f.user_id"
            " LEFT JOIN register r ON r.user_id = f.user_id"
            " LEFT JOIN postings p ON p.id = f.posting_id"
            " WHERE f.kind IN ('interested', 'not') AND f.at >= ? AND f.at < ?"
            " ORDER BY f.user_id, f.at, f.id",
            (to_db(start), to_db(end)),
        )
        return [
            FeedbackAnswer(r["user_id"], r["channel"], r["rid"], r["kind"], r["reason"],
                           r["posting_id"], r["title"], from_db_required(r["at"]))
            for r in rows
        ]  # fmt: skip

    async def claim_feedback_day(self, user_id: int, day: str) -> bool:
        """Claim the contact record of a person's push answers on one day; False if written."""
        async with self._db.transaction() as tx:  # rowcount, not lastrowid: a no-op insert
            cur = await tx.execute(  # leaves the connection's last rowid in place
                "INSERT INTO feedback_contacts (user_id, day) VALUES (?, ?)"
                " ON CONFLICT (user_id, day) DO NOTHING",
                (user_id, day),
            )
            return cur.rowcount > 0
