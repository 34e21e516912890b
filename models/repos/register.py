"""The register of unemployed people: import, invite codes, linking and statuses."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime

from models.db import Database, Row, Tx
from models.register import RegisterEntry, RegisterStatus
from models.timeutil import from_db, to_db

# Invite codes avoid look-alike characters (0/O, 1/I/L) because people type them from paper.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_CODE_LENGTH = 6


def new_invite_code() -> str:
    """A short random code a person types or follows as a link to join."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


async def _fresh_codes(tx: Tx, given: Sequence[str | None]) -> list[str]:
    """Invite codes for new rows: the given ones, else random ones not in use.

    31^6 codes: among tens of thousands of people a random clash is likely, so drawn codes are
    checked against the table (one query per round) and redrawn.
    """
    codes = [g or new_invite_code() for g in given]
    drawn = {i for i, g in enumerate(given) if g is None}
    seen: set[str] = {g for g in given if g is not None}
    while drawn:
        wanted = sorted({codes[i] for i in drawn})
        taken: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = await tx.fetchall(
                f"SELECT invite_code FROM register WHERE invite_code IN ({marks})", tuple(chunk)
            )
            taken.update(r[0] for r in rows)
        again = set()
        for i in sorted(drawn):
            if codes[i] in taken or codes[i] in seen:
                codes[i] = new_invite_code()
                again.add(i)
            else:
                seen.add(codes[i])
        drawn = again
    return codes


def _entry(row: Row) -> RegisterEntry:
    registered = row["registered_on"]
    return RegisterEntry(
        id=row["id"],
        name=row["name"],
        phone=row["phone"],
        gender=row["gender"],
        education=row["education"],
        skills=row["skills"],
        registered_on=date.fromisoformat(registered) if registered else None,
        address=row["address"],
        district=row["district"],
        wish=row["wish"],
        street=row["street"],
        community=row["community"],
        user_id=row["user_id"],
        invite_code=row["invite_code"],
        status=RegisterStatus(row["status"]),
        status_detail=row["status_detail"],
        status_at=from_db(row["status_at"]),
        failed_attempts=row["failed_attempts"],
        imported_at=from_db(row["imported_at"]),
    )


class RegisterRepo:
    """The register table; the only writer of it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert_many(self, entries: Sequence[RegisterEntry], now: datetime) -> list[int]:
        """Insert people (or refresh them, matched by name + phone); returns their ids.

        A person imported twice keeps their id, invite code, link and status.
        """
        ids: list[int] = []
        async with self._db.transaction() as tx:
            codes = await _fresh_codes(tx, [e.invite_code for e in entries])
            for e, code in zip(entries, codes, strict=True):
                row = await tx.fetchone(
                    "INSERT INTO register (name, phone, gender, education, skills, registered_on,"
                    " address, district, wish, street, community, invite_code, imported_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (name, phone) DO UPDATE SET gender = excluded.gender,"
                    " education = excluded.education, skills = excluded.skills,"
                    " registered_on = excluded.registered_on, address = excluded.address,"
                    " district = excluded.district, wish = excluded.wish,"
                    " street = excluded.street, community = excluded.community RETURNING id",
                    (
                        e.name, e.phone, e.gender, e.education, e.skills,
                        e.registered_on.isoformat() if e.registered_on else None,
                        e.address, e.district, e.wish, e.street, e.community,
                        code, to_db(now),
                    ),
                )  # fmt: skip
                assert row is not None
                ids.append(int(row["id"]))
        return ids

    async def by_phones(self, phones: Sequence[str]) -> dict[str, tuple[int, str]]:
        """People already on the register with one of these phones: phone → (id, name)."""
        found: dict[str, tuple[int, str]] = {}
        for start in range(0, len(phones), 500):
            chunk = list(phones[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            rows = await self._db.fetchall(
                f"SELECT id, name, phone FROM register WHERE phone IN ({marks})", tuple(chunk)
            )
            found.update({r["phone"]: (int(r["id"]), r["name"]) for r in rows})
        return found

    async def get(self, entry_id: int) -> RegisterEntry | None:
        """One person by id."""
        row = await self._db.fetchone("SELECT * FROM register WHERE id = ?", (entry_id,))
        return _entry(row) if row else None

    async def by_invite(self, code: str) -> RegisterEntry | None:
        """The person an invite code belongs to (codes are case-insensitive)."""
        row = await self._db.fetchone(
            "SELECT * FROM register WHERE invite_code = ?", (code.strip().upper(),)
        )
        return _entry(row) if row else None

    async def by_user(self, user_id: int) -> RegisterEntry | None:
        """The register row linked to a chat identity, if any."""
        row = await self._db.fetchone("SELECT * FROM register WHERE user_id = ?", (user_id,))
        return _entry(row) if row else None

    async def in_district(self, district: str | None = None) -> list[RegisterEntry]:
        """Everyone on the register, optionally of one district."""
        if district is None:
            rows = await self._db.fetchall("SELECT * FROM register ORDER BY id")
        else:
            rows = await self._db.fetchall(
                "SELECT * FROM register WHERE district = ? ORDER BY id", (district,)
            )
        return [_entry(r) for r in rows]

    async def link(self, entry_id: int, user_id: int) -> None:
        """Bind a chat identity to a register row (the invite was used)."""
        await self._db.execute("UPDATE register SET user_id = ? WHERE id = ?", (user_id, entry_id))

    async def set_status(
        self, entry_id: int, status: RegisterStatus, detail: str | None, now: datetime
    ) -> None:
        """Record 已就业 (with how), 注销 (with the reason) or 联系不到."""
        await self._db.execute(
            "UPDATE register SET status = ?, status_detail = ?, status_at = ? WHERE id = ?",
            (status.value, detail, to_db(now), entry_id),
        )

    async def count_failed_attempt(self, entry_id: int) -> int:
        """One more unanswered contact attempt; returns the new count."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE register SET failed_attempts = failed_attempts + 1 WHERE id = ?",
                (entry_id,),
            )
            row = await tx.fetchone(
                "SELECT failed_attempts FROM register WHERE id = ?", (entry_id,)
            )
        return int(row["failed_attempts"]) if row else 0
