"""WeChat official-account state that must survive restarts: token, choices, windows, consent.

The only writer of the wechat_* tables (migration 0007_wechat). Rows keyed by user cascade away
with the user on 删除我的信息. The console channel keeps its last numbered list here as well:
choices are keyed by our user id, so one table serves every text-only channel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.db import Database
from models.messages import Choice
from models.timeutil import from_db, to_db


@dataclass(frozen=True, slots=True)
class StoredToken:
    """An access token and the moment it stops working."""

    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class StoredChoices:
    """The numbered options a user was last offered."""

    choices: tuple[Choice, ...]
    multi: bool
    numeric: bool = False  # the question asks for a number: a typed 5 is 5, not choice 5


class WeChatRepo:
    """Read and write the wechat_* tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def token(self, app_id: str) -> StoredToken | None:
        """The stored access token of an account, if any (possibly expired)."""
        row = await self._db.fetchone(
            "SELECT token, expires_at FROM wechat_tokens WHERE app_id = ?", (app_id,)
        )
        if row is None:
            return None
        expires_at = from_db(row["expires_at"])
        assert expires_at is not None
        return StoredToken(row["token"], expires_at)

    async def save_token(self, app_id: str, token: StoredToken) -> None:
        """Replace the account's access token."""
        await self._db.execute(
            "INSERT INTO wechat_tokens (app_id, token, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (app_id) DO UPDATE SET token = excluded.token,"
            " expires_at = excluded.expires_at",
            (app_id, token.token, to_db(token.expires_at)),
        )

    async def choices(self, user_id: int) -> StoredChoices | None:
        """The options last offered to the user, if the last message offered any."""
        row = await self._db.fetchone(
            "SELECT choices, multi, numeric_reply FROM wechat_choices WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        pairs = json.loads(row["choices"])
        return StoredChoices(
            tuple(Choice(label, payload) for label, payload in pairs),
            bool(row["multi"]),
            bool(row["numeric_reply"]),
        )

    async def save_choices(
        self,
        user_id: int,
        choices: tuple[Choice, ...],
        multi: bool,
        now: datetime,
        numeric: bool = False,
    ) -> None:
        """Remember the options just offered; an empty tuple forgets the previous ones."""
        if not choices:
            await self._db.execute("DELETE FROM wechat_choices WHERE user_id = ?", (user_id,))
            return
        pairs = json.dumps([[c.label, c.payload] for c in choices], ensure_ascii=False)
        await self._db.execute(
            "INSERT INTO wechat_choices (user_id, choices, multi, numeric_reply, sent_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET choices = excluded.choices,"
            " multi = excluded.multi, numeric_reply = excluded.numeric_reply,"
            " sent_at = excluded.sent_at",
            (user_id, pairs, int(multi), int(numeric), to_db(now)),
        )

    async def take_window_slot(self, user_id: int, opened_at: datetime, limit: int) -> bool:
        """Count one customer-service message in the window opened at `opened_at`.

        False (nothing counted) when `limit` messages were already sent in that window.
        """
        opened = to_db(opened_at)
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT opened_at, sent FROM wechat_windows WHERE user_id = ?", (user_id,)
            )
            if row is not None and row["opened_at"] == opened and row["sent"] >= limit:
                return False
            sent = row["sent"] + 1 if row is not None and row["opened_at"] == opened else 1
            await tx.execute(
                "INSERT INTO wechat_windows (user_id, opened_at, sent) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at,"
                " sent = excluded.sent",
                (user_id, opened, sent),
            )
            return True

    async def give_back_window_slot(self, user_id: int, opened_at: datetime) -> None:
        """Undo `take_window_slot` for a message the platform certainly did not deliver."""
        await self._db.execute(
            "UPDATE wechat_windows SET sent = sent - 1"
            " WHERE user_id = ? AND opened_at = ? AND sent > 0",
            (user_id, to_db(opened_at)),
        )

    async def spend_window(self, user_id: int, opened_at: datetime, limit: int) -> None:
        """Mark the window used up (WeChat said so before our count did)."""
        await self._db.execute(
            "INSERT INTO wechat_windows (user_id, opened_at, sent) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at,"
            " sent = excluded.sent",
            (user_id, to_db(opened_at), limit),
        )

    async def window_sent(self, user_id: int, opened_at: datetime) -> int:
        """How many customer-service messages went out in the window opened at `opened_at`."""
        row = await self._db.fetchone(
            "SELECT sent FROM wechat_windows WHERE user_id = ? AND opened_at = ?",
            (user_id, to_db(opened_at)),
        )
        return int(row["sent"]) if row else 0

    async def set_subscription(
        self, user_id: int, template_id: str, accepted: bool, now: datetime
    ) -> None:
        """Record the user's consent (or refusal) to a 订阅通知 template."""
        await self._db.execute(
            "INSERT INTO wechat_subscriptions (user_id, template_id, status, at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, template_id) DO UPDATE SET status = excluded.status,"
            " at = excluded.at",
            (user_id, template_id, "accept" if accepted else "reject", to_db(now)),
        )

    async def subscribed(self, user_id: int, template_id: str) -> bool:
        """Whether the user currently accepts the template."""
        row = await self._db.fetchone(
            "SELECT status FROM wechat_subscriptions WHERE user_id = ? AND template_id = ?",
            (user_id, template_id),
        )
        return row is not None and row["status"] == "accept"

    async def remember_request(
        self, key: str, digest: str, now: datetime, keep: timedelta
    ) -> str | None:
        """Record a signed request with its body digest; the earlier digest if seen in `keep`."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM wechat_replays WHERE at < ?", (to_db(now - keep),))
            row = await tx.fetchone("SELECT digest FROM wechat_replays WHERE key = ?", (key,))
            if row is not None:
                return str(row["digest"])
            await tx.execute(
                "INSERT INTO wechat_replays (key, digest, at) VALUES (?, ?, ?)",
                (key, digest, to_db(now)),
            )
            return None

    async def forget_request(self, key: str) -> None:
        """Drop a request's record: it failed, and WeChat's retry of it must be handled."""
        await self._db.execute("DELETE FROM wechat_replays WHERE key = ?", (key,))
