"""Seeker profiles; the only code that writes the seekers table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from models.db import Database, Row
from models.messages import Location
from models.repos.audit import forget_actor
from models.repos.personal import KEY_COLUMN, key_in, key_join, key_select, seal, shred_in, unseal
from models.seeker import SeekerProfile
from models.timeutil import from_db, to_db
from models.values import Pay, WorkForm

# The profile's free text: what a seeker says about themselves, sealed with their key.
SEALED = ("other_category", "skills", "experience", "wish", "status_detail")
_SELECT = f"SELECT s.*, {key_select()} FROM seekers s{key_join('s')}"


def _profile(row: Row) -> SeekerProfile:
    key, user_id = row[KEY_COLUMN], row["user_id"]
    text = {f: unseal(key, user_id, f, row[f]) for f in SEALED}
    location = None
    if row["lat"] is not None and row["lon"] is not None:
        location = Location(row["lat"], row["lon"])
    return SeekerProfile(
        user_id=row["user_id"],
        work_form=WorkForm(row["work_form"]) if row["work_form"] else None,
        categories=tuple(json.loads(row["categories"])),
        other_category=text["other_category"],
        pay=Pay.from_json(json.loads(row["pay"])),
        pay_hard=bool(row["pay_hard"]),
        daily_settlement_only=bool(row["daily_settlement_only"]),
        districts=tuple(json.loads(row["districts"])),
        max_km=row["max_km"],
        location=location,
        education=row["education"],
        skills=text["skills"],
        experience=text["experience"],
        needs=tuple(json.loads(row["needs"])),
        age=row["age"],
        gender=row["gender"],
        benefits=tuple(json.loads(row["benefits"])),
        consent=None if row["consent"] is None else bool(row["consent"]),
        wish=text["wish"],
        paused=bool(row["paused"]),
        status=row["status"],
        status_detail=text["status_detail"],
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
        daily_cap=row["daily_cap"],
        digest_hour=row["digest_hour"],
        penalties=json.loads(row["penalties"]),
        completed_at=from_db(row["completed_at"]),
        updated_at=from_db(row["updated_at"]),
    )


def _values(p: SeekerProfile, now: datetime, key: bytes) -> tuple[object, ...]:
    uid = p.user_id
    return (
        p.user_id,
        p.work_form.value if p.work_form else None,
        json.dumps(list(p.categories), ensure_ascii=False),
        seal(key, uid, "other_category", p.other_category),
        json.dumps(p.pay.to_json(), ensure_ascii=False),
        int(p.pay_hard),
        int(p.daily_settlement_only),
        json.dumps(list(p.districts), ensure_ascii=False),
        p.max_km,
        p.location.lat if p.location else None,
        p.location.lon if p.location else None,
        p.education,
        seal(key, uid, "skills", p.skills),
        seal(key, uid, "experience", p.experience),
        json.dumps(list(p.needs), ensure_ascii=False),
        None if p.consent is None else int(p.consent),
        seal(key, uid, "wish", p.wish),
        int(p.paused),
        p.status,
        seal(key, uid, "status_detail", p.status_detail),
        p.quiet_start,
        p.quiet_end,
        p.daily_cap,
        p.digest_hour,
        json.dumps(p.penalties, ensure_ascii=False),
        to_db(p.completed_at),
        to_db(now),
        p.age,
        p.gender,
        json.dumps(list(p.benefits), ensure_ascii=False),
    )


_FIELDS = (
    "user_id, work_form, categories, other_category, pay, pay_hard, daily_settlement_only,"
    " districts, max_km, lat, lon, education, skills, experience, needs, consent, wish, paused,"
    " status, status_detail, quiet_start, quiet_end, daily_cap, digest_hour, penalties,"
    " completed_at, updated_at, age, gender, benefits"
)
_UPSERT = (
    f"INSERT INTO seekers ({_FIELDS}) VALUES ({','.join('?' * 30)})"
    " ON CONFLICT (user_id) DO UPDATE SET "
    + ", ".join(f"{f.strip()} = excluded.{f.strip()}" for f in _FIELDS.split(",")[1:])
)


class SeekerRepo:
    """Read and write seeker profiles."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> SeekerProfile | None:
        """The stored profile, if the user has started one."""
        row = await self._db.fetchone(f"{_SELECT} WHERE s.user_id = ?", (user_id,))
        return _profile(row) if row else None

    async def many(self, user_ids: Sequence[int]) -> dict[int, SeekerProfile]:
        """Stored profiles by user id (a push decision reads every reached seeker's)."""
        out: dict[int, SeekerProfile] = {}
        ids = list(dict.fromkeys(user_ids))
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-variable limit
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = await self._db.fetchall(f"{_SELECT} WHERE s.user_id IN ({marks})", tuple(chunk))
            out.update((r["user_id"], _profile(r)) for r in rows)
        return out

    async def save(self, profile: SeekerProfile, now: datetime) -> None:
        """Insert or replace the whole profile (answers are saved as they are given)."""
        async with self._db.transaction() as tx:
            key = await key_in(tx, profile.user_id, now)
            await tx.execute(_UPSERT, _values(profile, now, key))

    async def all_active(self) -> list[SeekerProfile]:
        """Profiles that may receive pushes: consented, not paused, still looking."""
        rows = await self._db.fetchall(
            f"{_SELECT} JOIN users u ON u.id = s.user_id"
            " WHERE s.consent = 1 AND s.paused = 0 AND s.status = 'active' AND u.subscribed = 1"
            " ORDER BY s.user_id"
        )
        return [_profile(r) for r in rows]

    async def all(self) -> list[SeekerProfile]:
        """Every stored profile (index rebuilds, statistics)."""
        rows = await self._db.fetchall(f"{_SELECT} ORDER BY s.user_id")
        return [_profile(r) for r in rows]

    async def delete_personal_data(self, user_id: int) -> None:
        """删除我的信息: remove the profile, dialog state, deliveries, feedback and identity.

        Contact records keep their date and method for the monthly statistics but lose the link
        and the content. The user's key goes first: every copy of their sealed fields (old row
        versions, the WAL, backups) stops opening. Then the checkpoint: no old page with the
        data stays in the files.
        """
        async with self._db.transaction() as tx:
            await shred_in(tx, user_id)
            identity = await tx.fetchone(
                "SELECT channel, channel_user_id FROM users WHERE id = ?", (user_id,)
            )
            if identity is not None:
                actor = f"{identity['channel']}:{identity['channel_user_id']}"
                await forget_actor(tx, actor)
            await tx.execute(
                "UPDATE contacts SET user_id = NULL, content = '(已删除)' WHERE user_id = ?",
                (user_id,),
            )
            await tx.execute(
                "UPDATE postings SET poster_user_id = NULL WHERE poster_user_id = ?", (user_id,)
            )
            for table in ("deliveries", "feedback", "dialog_states", "seekers"):
                column = "seeker_user_id" if table == "deliveries" else "user_id"
                await tx.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))
            await tx.execute("DELETE FROM users WHERE id = ?", (user_id,))
        await self._db.checkpoint()
