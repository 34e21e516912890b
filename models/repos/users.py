"""Chat identities and roles."""

from __future__ import annotations

from datetime import datetime

from models.db import Database, Row
from models.messages import Channel, DialogKey
from models.timeutil import from_db, to_db
from models.user import User
from models.values import Role

_COLUMNS = (
    "id, channel, channel_user_id, role, lang, display_name, district, station, subscribed,"
    " last_inbound_at, created_at"
)


def _user(row: Row) -> User:
    return User(
        id=row["id"],
        key=DialogKey(Channel(row["channel"]), row["channel_user_id"]),
        role=Role(row["role"]),
        lang=row["lang"],
        display_name=row["display_name"],
        district=row["district"],
        station=row["station"],
        subscribed=bool(row["subscribed"]),
        last_inbound_at=from_db(row["last_inbound_at"]),
        created_at=from_db(row["created_at"]),
    )


class UserRepo:
    """The users table: identities, roles, language, subscription and inbound time."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: DialogKey) -> User | None:
        """The user for a chat identity, if known."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM users WHERE channel = ? AND channel_user_id = ?",
            (key.channel.value, key.user_id),
        )
        return _user(row) if row else None

    async def by_id(self, user_id: int) -> User | None:
        """The user with our internal id."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    async def get_or_create(
        self, key: DialogKey, now: datetime, display_name: str | None = None
    ) -> User:
        """Find or register an identity; new identities are seekers."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (channel, channel_user_id, display_name, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (channel, channel_user_id) DO NOTHING",
                (key.channel.value, key.user_id, display_name, to_db(now)),
            )
            row = await tx.fetchone(
                f"SELECT {_COLUMNS} FROM users WHERE channel = ? AND channel_user_id = ?",
                (key.channel.value, key.user_id),
            )
        assert row is not None
        return _user(row)

    async def set_role(
        self,
        user_id: int,
        role: Role,
        district: str | None = None,
        station: str | None = None,
    ) -> None:
        """Change what a user may do (staff roles carry their district and 驿站)."""
        await self._db.execute(
            "UPDATE users SET role = ?, district = ?, station = ? WHERE id = ?",
            (role.value, district, station, user_id),
        )

    async def set_display_name(self, user_id: int, name: str) -> None:
        """Name a staff member as colleagues know them (张丽), instead of a channel id."""
        await self._db.execute("UPDATE users SET display_name = ? WHERE id = ?", (name, user_id))

    async def set_lang(self, user_id: int, lang: str) -> None:
        """Remember the user's language (zh or en)."""
        await self._db.execute("UPDATE users SET lang = ? WHERE id = ?", (lang, user_id))

    async def set_subscribed(self, user_id: int, subscribed: bool) -> None:
        """Unsubscribe after "blocked by user"/unfollow; resubscribe when they come back."""
        await self._db.execute(
            "UPDATE users SET subscribed = ? WHERE id = ?", (int(subscribed), user_id)
        )

    async def touch_inbound(self, user_id: int, now: datetime) -> None:
        """Record the time of the user's last message (opens WeChat's 48-hour window)."""
        await self._db.execute(
            "UPDATE users SET last_inbound_at = ?, subscribed = 1 WHERE id = ?",
            (to_db(now), user_id),
        )

    async def with_role(self, *roles: Role) -> list[User]:
        """All users having one of the roles (e.g. caseworkers to notify)."""
        marks = ",".join("?" * len(roles))
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM users WHERE role IN ({marks}) ORDER BY id",
            tuple(r.value for r in roles),
        )
        return [_user(r) for r in rows]
