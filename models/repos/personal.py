"""Personal fields sealed with a key of their own per user, so deletion can shred them.

PostgreSQL keeps a deleted row's old versions in its pages until they are overwritten, and in
its WAL, WAL archives, replicas and `pg_dump` files. So a seeker's free text (their wish, skills,
experience, the answers of a dialog in progress) is never written in the clear: it is sealed
with AES-256-GCM under a random key of theirs in `user_keys`, and 删除我的信息 deletes that key.
Every copy of the text, wherever it survives, is then noise (crypto-shredding, issue 20).

The associated data binds each sealed value to its user and field, so a value copied into
another row or column does not open. A value without the prefix is read as it is (rows written
before this existed; they are sealed the next time they are saved).
"""

from __future__ import annotations

import base64
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from models.db import Tx
from models.timeutil import to_db

PREFIX = "pk1:"  # a sealed value; the digit names the scheme (AES-256-GCM, 96-bit nonce)
KEY_COLUMN = "personal_key"  # how reads that join user_keys name the key
_NONCE_BYTES = 12  # GCM's standard nonce; random per value (2^32 values per key stay safe)


def key_join(alias: str, user_column: str = "user_id") -> str:
    """`LEFT JOIN user_keys …` giving a read the row's key as `personal_key` (NULL if shred)."""
    return f" LEFT JOIN user_keys pk ON pk.user_id = {alias}.{user_column}"


def key_select() -> str:
    """The column list entry that goes with `key_join`."""
    return f"pk.key AS {KEY_COLUMN}"


def seal(key: bytes, user_id: int, field: str, text: str | None) -> str | None:
    """The text sealed for storage (None stays None: nothing personal to hide)."""
    if text is None:
        return None
    return PREFIX + base64.b64encode(seal_bytes(key, user_id, field, text.encode())).decode()


def seal_bytes(key: bytes, user_id: int, field: str, data: bytes) -> bytes:
    """Bytes sealed for storage: the nonce, then the ciphertext and its tag."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, _aad(user_id, field))


def unseal_bytes(key: bytes | None, user_id: int, field: str, data: bytes) -> bytes | None:
    """`seal_bytes` undone; None when the key was shredded or the data does not open."""
    if key is None:
        return None
    try:
        return AESGCM(bytes(key)).decrypt(
            data[:_NONCE_BYTES], data[_NONCE_BYTES:], _aad(user_id, field)
        )
    except InvalidTag:
        return None


def unseal(key: bytes | None, user_id: int, field: str, value: str | None) -> str | None:
    """The stored value in the clear; None when its key was shredded or it does not open."""
    if value is None or not value.startswith(PREFIX):
        return value
    plain = unseal_bytes(key, user_id, field, base64.b64decode(value[len(PREFIX) :]))
    return None if plain is None else plain.decode()


def _aad(user_id: int, field: str) -> bytes:
    return f"{user_id}:{field}".encode()


async def key_in(tx: Tx, user_id: int, now: datetime) -> bytes:
    """The user's key, made on their first sealed write (inside the writer's transaction)."""
    row = await tx.fetchone("SELECT key FROM user_keys WHERE user_id = ?", (user_id,))
    if row is None:
        await tx.execute(
            "INSERT INTO user_keys (user_id, key, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO NOTHING",
            (user_id, AESGCM.generate_key(bit_length=256), to_db(now)),
        )
        row = await tx.fetchone("SELECT key FROM user_keys WHERE user_id = ?", (user_id,))
    if row is None:
        raise LookupError(f"no key for user {user_id}")
    return bytes(row["key"])


async def shred_in(tx: Tx, user_id: int) -> None:
    """Delete the user's key: whatever was sealed with it no longer opens, in any copy."""
    await tx.execute("DELETE FROM user_keys WHERE user_id = ?", (user_id,))
