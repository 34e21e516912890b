"""The SQLite database: one write connection in short BEGIN IMMEDIATE transactions, one reader.

WAL lets the reader see committed data while a write is in progress. `secure_delete` zeroes freed
pages so that 删除我的信息 leaves no personal data in the file (checked by a test).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from models.migrations import MIGRATIONS, Migration

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",  # WAL + NORMAL is durable across application crashes
)


class Tx:
    """Statements inside one write transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        """Run one statement; the cursor gives `lastrowid` and `rowcount`."""
        return await self._conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter rows."""
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read inside the transaction (sees its own uncommitted writes)."""
        async with self._conn.execute(sql, params) as cur:
            row: Row | None = await cur.fetchone()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read many rows inside the transaction."""
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())


class Database:
    """Owns the connections; use `async with Database.open(path) as db`."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()

    @classmethod
    @asynccontextmanager
    async def open(
        cls, path: Path | str, migrations: Sequence[Migration] = MIGRATIONS
    ) -> AsyncIterator[Database]:
        """Open (creating if needed), apply pending migrations, and close on exit."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        try:
            reader = await _connect(path)
        except BaseException:
            await writer.close()
            raise
        db = cls(path, writer, reader)
        try:
            await db._migrate(migrations)
            yield db
        finally:
            await reader.close()
            await writer.close()

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        await self._writer.execute(
            "CREATE TABLE IF NOT EXISTS _migrations"
            " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        async with self._writer.execute("SELECT name FROM _migrations") as cur:
            done = {row[0] for row in await cur.fetchall()}
        for migration in migrations:
            if migration.name in done:
                continue
            log.info("applying migration %s", migration.name)
            # Each migration runs in one transaction together with the record of it (sqlite-utils).
            script = (
                "BEGIN IMMEDIATE;\n"
                f"{migration.sql}\n;"
                f"INSERT INTO _migrations (name, applied_at) VALUES ('{migration.name}',"
                " strftime('%Y-%m-%dT%H:%M:%SZ','now'));\nCOMMIT;"
            )
            try:
                await self._writer.executescript(script)
            except BaseException:
                if self._writer.in_transaction:
                    await self._writer.rollback()
                raise

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A write transaction; commits on success, rolls back on any exception."""
        async with self._write_lock:
            try:
                # BEGIN inside the try: a task cancelled while BEGIN runs in aiosqlite's thread
                # must not leave the shared write connection inside a transaction.
                await self._writer.execute("BEGIN IMMEDIATE")
                yield Tx(self._writer)
            except BaseException:
                await asyncio.shield(self._rollback())
                raise
            await self._writer.commit()

    async def _rollback(self) -> None:
        # A cancelled `execute` returns at once while its statement still runs in aiosqlite's
        # thread: `in_transaction` is only true once BEGIN has run there. A no-op queued behind
        # it waits for that, so the check sees the connection as it really is.
        await self._writer.execute("SELECT 1")
        if self._writer.in_transaction:
            await self._writer.rollback()

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One write in its own transaction; returns lastrowid for inserts, else rowcount."""
        async with self.transaction() as tx:
            cur = await tx.execute(sql, params)
            if sql.lstrip()[:6].upper() == "INSERT":
                # lastrowid keeps the previous insert's id when ON CONFLICT DO NOTHING skipped.
                return int(cur.lastrowid or 0) if cur.rowcount > 0 else 0
            return cur.rowcount

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read one row of committed data."""
        async with self._reader.execute(sql, params) as cur:
            row: Row | None = await cur.fetchone()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read all rows of committed data."""
        async with self._reader.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it (after deleting personal data)."""
        async with self._write_lock:
            await self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def _connect(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        await conn.execute(pragma)
    return conn
