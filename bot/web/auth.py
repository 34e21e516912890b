"""Sign-in for the web console: one-time links, session cookies and form (CSRF) tokens.

A link holds a random token valid for TOKEN_MINUTES and usable once; spending it opens a
session whose random id goes into an HttpOnly, SameSite=Strict cookie for SESSION_HOURS.
Every POST carries the session's CSRF token in a hidden field; a missing or wrong one is 403.
Only staff (caseworker, admin) get links or sessions, and a user who lost the role is refused
on the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from handlers.context import Services
from models.user import User

TOKEN_MINUTES = 15  # a link read off a chat message is used within minutes
SESSION_HOURS = 8  # one working day at the desk, then sign in again
COOKIE = "yizhan_console"
SECRET_BYTES = 32  # 256 bits, URL-safe base64


class NotStaff(Exception):
    """Links and sessions are for caseworkers and admins only."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A request's signed-in caseworker and the secrets bound to their session."""

    user: User
    session_hash: str
    csrf: str


def digest(secret: str) -> str:
    """What the database keeps of a secret (SHA-256 hex)."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_token(services: Services, user: User) -> str:
    """A fresh one-time sign-in token for a staff user (raises NotStaff for anyone else)."""
    if not user.is_staff:
        raise NotStaff(str(user.key))
    token = secrets.token_urlsafe(SECRET_BYTES)
    now = services.clock()
    await services.repos.web_sessions.add_token(
        digest(token), user.id, now, now + timedelta(minutes=TOKEN_MINUTES)
    )
    await services.audit.record(
        str(user.key), "web:link", allowed=True, now=now, target=str(user.id)
    )
    return token


def sign_in_path(token: str) -> str:
    """The path of a sign-in link (joined to the console's base URL)."""
    return f"/console/login?token={token}"


async def open_session(services: Services, token: str) -> tuple[str, User] | None:
    """Spend a token: a new session id and its user; None if unknown, used, expired, not staff."""
    repo = services.repos.web_sessions
    now = services.clock()
    await repo.purge(now)
    user_id = await repo.use_token(digest(token), now)
    user = await services.users.by_id(user_id) if user_id is not None else None
    if user is None or not user.is_staff:
        await services.audit.record(
            str(user.key) if user else "web", "web:signin", allowed=False, now=now,
            target=str(user_id) if user_id else None,
        )  # fmt: skip
        return None
    session = secrets.token_urlsafe(SECRET_BYTES)
    csrf = secrets.token_urlsafe(SECRET_BYTES)
    expires = now + timedelta(hours=SESSION_HOURS)
    await repo.add_session(digest(session), user.id, csrf, now, expires)
    await services.audit.record(str(user.key), "web:signin", allowed=True, now=now)
    return session, user


async def current(services: Services, cookie: str | None) -> SignedIn | None:
    """The signed-in staff user of a cookie, or None (no, unknown or expired session)."""
    if not cookie:
        return None
    session_hash = digest(cookie)
    found = await services.repos.web_sessions.session(session_hash, services.clock())
    if found is None:
        return None
    user = await services.users.by_id(found.user_id)
    if user is None or not user.is_staff:
        return None
    return SignedIn(user, session_hash, found.csrf)


def csrf_ok(signed_in: SignedIn, sent: str | None) -> bool:
    """Whether a form carried this session's CSRF token (constant-time compare)."""
    return sent is not None and hmac.compare_digest(signed_in.csrf, sent)
