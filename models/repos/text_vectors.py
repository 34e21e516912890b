"""Encoded vectors stored once in the database: the only reader and writer of text_vectors.

A posting's (or a category's) vector is keyed by a hash of the encoder's identity and the
text, so workers share it and another model never reuses it. A seeker's is keyed by the
identity and their user id, and holds the text's hash with the vector sealed under their key
(models/repos/personal.py): no hash of their wish sits in the clear, a changed wish replaces the
row, and after 删除我的信息 nothing of it opens (the row itself goes with the user).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from models.db import Database
from models.repos.personal import key_in, seal_bytes, unseal_bytes

FIELD = "text_vector"  # the sealed field's name in the associated data
_CHUNK = 500  # keys per IN (...), below SQLite's limit on bound parameters
_DIGEST = 32  # sha256


@dataclass(frozen=True, slots=True)
class TextKey:
    """Which vector: the encoder's identity (model and kind), the text, the seeker if theirs."""

    identity: str
    text: str
    user_id: int | None = None

    @property
    def row_key(self) -> bytes:
        """The row's primary key."""
        whose = f"user:{self.user_id}" if self.user_id is not None else f"text:{self.text}"
        return hashlib.sha256(f"{self.identity}\n{whose}".encode()).digest()

    @property
    def text_digest(self) -> bytes:
        """The text's hash, checked inside a seeker's sealed row."""
        return hashlib.sha256(self.text.encode()).digest()


class TextVectorRepo:
    """Stored vectors by `TextKey`, as float32 little-endian bytes."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def found(self, keys: Sequence[TextKey]) -> dict[int, bytes]:
        """The stored vectors among `keys`, by position; a seeker's only for their current text."""
        by_row: dict[bytes, list[int]] = {}
        for i, key in enumerate(keys):
            by_row.setdefault(key.row_key, []).append(i)  # one text may come twice in a batch
        rows = []
        wanted = list(by_row)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows += await self._db.fetchall(
                "SELECT v.text_key, v.user_id, v.vector, k.key FROM text_vectors v"
                " LEFT JOIN user_keys k ON k.user_id = v.user_id"
                f" WHERE v.text_key IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            )
        out: dict[int, bytes] = {}
        for row in rows:
            stored = bytes(row["vector"])
            for i in by_row[bytes(row["text_key"])]:
                if row["user_id"] is None:
                    out[i] = stored
                    continue
                plain = unseal_bytes(row["key"], int(row["user_id"]), FIELD, stored)
                if plain is not None and plain[:_DIGEST] == keys[i].text_digest:
                    out[i] = plain[_DIGEST:]
        return out

    async def store(self, items: Sequence[tuple[TextKey, bytes]], now: datetime) -> None:
        """Keep vectors (replacing a seeker's earlier one), in one transaction."""
        if not items:
            return
        async with self._db.transaction() as tx:
            keys: dict[int, bytes] = {}
            rows = []
            for key, vector in items:
                value = vector
                if key.user_id is not None:
                    if key.user_id not in keys:
                        keys[key.user_id] = await key_in(tx, key.user_id, now)
                    plain = key.text_digest + vector
                    value = seal_bytes(keys[key.user_id], key.user_id, FIELD, plain)
                rows.append((key.row_key, key.user_id, value))
            await tx.executemany(
                "INSERT INTO text_vectors (text_key, user_id, vector) VALUES (?, ?, ?)"
                " ON CONFLICT (text_key) DO UPDATE SET vector = excluded.vector",
                rows,
            )
