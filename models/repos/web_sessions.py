"""Sign-in links and sessions of the caseworker web console; only hashes of secrets are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.db import Database
from models.timeutil import to_db


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in browser: whose it is and the token its forms must carry."""

    user_id: int
    csrf: str
    expires_at: str


class WebSessionRepo:
    """The only code that writes web_tokens and web_sessions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_token(
        self, token_hash: str, user_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """Store a one-time sign-in token."""
        await self._db.execute(
            "INSERT INTO web_tokens (token_hash, user_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash, user_id, to_db(now), to_db(expires_at)),
        )

    async def use_token(self, token_hash: str, now: datetime) -> int | None:
        """Spend a token: its user id if it was unused and unexpired, else None."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT user_id FROM web_tokens WHERE token_hash = ? AND used_at IS NULL"
                " AND expires_at > ?",
                (token_hash, to_db(now)),
            )
            if row is None:
                return None
            await tx.execute(
                "UPDATE web_tokens SET used_at = ? WHERE token_hash = ?", (to_db(now), token_hash)
            )
        return int(row["user_id"])

    async def add_session(
        self, session_hash: str, user_id: int, csrf: str, now: datetime, expires_at: datetime
    ) -> None:
        """Open a session after a token was spent."""
        await self._db.execute(
            "INSERT INTO web_sessions (session_hash, user_id, csrf, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (session_hash, user_id, csrf, to_db(now), to_db(expires_at)),
        )

    async def session(self, session_hash: str, now: datetime) -> WebSession | None:
        """The live session for a cookie, or None when unknown or expired."""
        row = await self._db.fetchone(
            "SELECT user_id, csrf, expires_at FROM web_sessions"
            " WHERE session_hash = ? AND expires_at > ?",
            (session_hash, to_db(now)),
        )
        if row is None:
            return None
        return WebSession(int(row["user_id"]), row["csrf"], row["expires_at"])

    async def end_session(self, session_hash: str) -> None:
        """Sign out."""
        await self._db.execute("DELETE FROM web_sessions WHERE session_hash = ?", (session_hash,))

    async def set_flash(self, session_hash: str, text: str) -> None:
        """Keep a notice for the next page (post, redirect, get)."""
        await self._db.execute(
            "UPDATE web_sessions SET flash = ? WHERE session_hash = ?", (text, session_hash)
        )

    async def pop_flash(self, session_hash: str) -> str | None:
        """The notice kept for this page, cleared once read."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT flash FROM web_sessions WHERE session_hash = ?", (session_hash,)
            )
            if row is None or row["flash"] is None:
                return None
            await tx.execute(
                "UPDATE web_sessions SET flash = NULL WHERE session_hash = ?", (session_hash,)
            )
        return str(row["flash"])

    async def purge(self, now: datetime) -> None:
        """Drop expired sessions and tokens (called at each sign-in; the tables stay small)."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (to_db(now),))
            await tx.execute("DELETE FROM web_tokens WHERE expires_at <= ?", (to_db(now),))
