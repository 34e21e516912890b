"""Chat identities and roles."""

from __future__ import annotations

from datetime import datetime

from models.db import Database, Row
from models.messages import Channel, DialogKey
from models.repos.personal import KEY_COLUMN, key_in, key_join, key_select, seal, unseal
from models.timeutil import from_db, to_db
from models.user import User
from models.values import Role

# display_name is the person's name (a Telegram profile's, or a colleague's 张丽): sealed with
# their key like the profile's text, so deletion shreds every copy of it.
_SELECT = (
    "SELECT u.id, u.channel, u.channel_user_id, u.role, u.lang, u.display_name, u.district,"
    f" u.station, u.subscribed, u.last_inbound_at, u.created_at, {key_select()} FROM users u"
    + key_join("u", "id")
)


def _user(row: Row) -> User:
    return User(
        id=row["id"],
        key=DialogKey(Channel(row["channel"]), row["channel_user_id"]),
        role=Role(row["role"]),
        lang=row["lang"],
        display_name=unseal(row[KEY_COLUMN], row["id"], "display_name", row["display_name"]),
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
            f"{_SELECT} WHERE u.channel = ? AND u.channel_user_id = ?",
            (key.channel.value, key.user_id),
        )
        return _user(row) if row else None

    async def by_id(self, user_id: int) -> User | None:
        """The user with our internal id."""
        row = await self._db.fetchone(f"{_SELECT} WHERE u.id = ?", (user_id,))
        return _user(row) if row else None

    async def get_or_create(
        self, key: DialogKey, now: datetime, display_name: str | None = None
    ) -> User:
        """Find or register an identity; new identities are seekers.

        Every turn starts here, and nearly always the user exists: one read then, not a
        write transaction (on SQLite the writer lock, on PostgreSQL BEGIN … COMMIT)."""
        row = await self._db.fetchone(
            f"{_SELECT} WHERE u.channel = ? AND u.channel_user_id = ?",
            (key.channel.value, key.user_id),
        )
        if row is not None:
            return _user(row)
        async with self._db.transaction() as tx:
            cur = await tx.execute(
                "INSERT INTO users (channel, channel_user_id, created_at)"
                " VALUES (?, ?, ?) ON CONFLICT (channel, channel_user_id) DO NOTHING",
                (key.channel.value, key.user_id, to_db(now)),
            )
            if cur.rowcount > 0 and display_name is not None:  # the name goes in sealed
                user_id = int(cur.lastrowid or 0)
                sealed = seal(
                    await key_in(tx, user_id, now), user_id, "display_name", display_name
                )
                await tx.execute(
                    "UPDATE users SET display_name = ? WHERE id = ?", (sealed, user_id)
                )
            row = await tx.fetchone(
                f"{_SELECT} WHERE u.channel = ? AND u.channel_user_id = ?",
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

    async def set_display_name(self, user_id: int, name: str, now: datetime) -> None:
        """Name a staff member as colleagues know them (张丽), instead of a channel id."""
        async with self._db.transaction() as tx:
            sealed = seal(await key_in(tx, user_id, now), user_id, "display_name", name)
            await tx.execute("UPDATE users SET display_name = ? WHERE id = ?", (sealed, user_id))

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
            f"{_SELECT} WHERE u.role IN ({marks}) ORDER BY u.id",
            tuple(r.value for r in roles),
        )
        return [_user(r) for r in rows]
