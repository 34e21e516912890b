"""One-time staff invite codes: an admin creates one, a new caseworker redeems it in chat."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.db import Database, Row
from models.timeutil import from_db, from_db_required, to_db
from models.values import Role

# Staff codes start with "S" and are longer than the 6-character seeker invites, so one look
# tells the two apart; the alphabet avoids look-alikes (0/O, 1/I/L) like the register's codes.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 7
STAFF_PREFIX = "S"
# An invite is handed over in person or by phone within days; a week covers a weekend.
INVITE_DAYS = 7


def new_staff_code() -> str:
    """A random one-time staff code, e.g. "S4KX9P2M"."""
    return STAFF_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))


@dataclass(frozen=True, slots=True)
class StaffInvite:
    """What a staff code grants and whether it was used."""

    code: str
    role: Role
    district: str | None
    station: str | None
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None


def _invite(row: Row) -> StaffInvite:
    return StaffInvite(
        code=row["code"],
        role=Role(row["role"]),
        district=row["district"],
        station=row["station"],
        created_by=row["created_by"],
        created_at=from_db_required(row["created_at"]),
        expires_at=from_db_required(row["expires_at"]),
        used_by=row["used_by"],
        used_at=from_db(row["used_at"]),
    )


class StaffRepo:
    """The staff_invites table; roles themselves live on users (UserRepo.set_role)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_invite(
        self,
        role: Role,
        district: str | None,
        station: str | None,
        created_by: str,
        now: datetime,
        days: int = INVITE_DAYS,
    ) -> StaffInvite:
        """A new unused code for `role` in `district`, valid for `days`."""
        if role not in (Role.CASEWORKER, Role.ADMIN):
            raise ValueError(f"staff invites are for caseworkers and admins, not {role}")
        invite = StaffInvite(
            code=new_staff_code(),
            role=role,
            district=district,
            station=station,
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        await self._db.execute(
            "INSERT INTO staff_invites (code, role, district, station, created_by, created_at,"
            " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (invite.code, role.value, district, station, created_by, to_db(now),
             to_db(invite.expires_at)),
        )  # fmt: skip
        return invite

    async def get(self, code: str) -> StaffInvite | None:
        """An invite by code (case-insensitive), used or not."""
        row = await self._db.fetchone(
            "SELECT * FROM staff_invites WHERE code = ?", (code.strip().upper(),)
        )
        return _invite(row) if row else None

    async def redeem(self, code: str, user_id: int, now: datetime) -> StaffInvite | None:
        """Mark an unused, unexpired code used by `user_id`; None when it cannot be used.

        The check and the mark are one UPDATE, so two people racing for one code get one win.
        """
        key = code.strip().upper()
        async with self._db.transaction() as tx:
            cur = await tx.execute(
                "UPDATE staff_invites SET used_by = ?, used_at = ?"
                " WHERE code = ? AND used_by IS NULL AND used_at IS NULL AND expires_at > ?",
                (user_id, to_db(now), key, to_db(now)),
            )
            if cur.rowcount != 1:
                return None
            row = await tx.fetchone("SELECT * FROM staff_invites WHERE code = ?", (key,))
        return _invite(row) if row else None

    async def open_invites(self, now: datetime) -> list[StaffInvite]:
        """Unused invites that have not expired, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM staff_invites WHERE used_at IS NULL AND expires_at > ?"
            " ORDER BY created_at DESC",
            (to_db(now),),
        )
        return [_invite(r) for r in rows]
