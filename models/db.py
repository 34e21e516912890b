"""The database behind the repositories: SQLite (embedded default) or PostgreSQL (a city).

`Database.open(target)` takes a file path, `sqlite:///path` or `postgresql://…`; repositories
write SQLite's SQL with `?` placeholders and `models/dialect.py` turns it into PostgreSQL's.

SQLite: one write connection in short BEGIN IMMEDIATE transactions, one reader. WAL lets the
reader see committed data while a write is in progress. `secure_delete` zeroes freed pages so
that 删除我的信息 leaves no personal data in the file (checked by a test).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from models.dialect import for_sqlite
from models.migrations import MIGRATIONS, Migration
from models.timeutil import to_db, utcnow

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
SQLITE_PREFIX = "sqlite:///"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


class Row(Protocol):
    """A result row read by column name or position, as `sqlite3.Row` is on both backends."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def keys(self) -> list[str]:
        """Column names in order."""
        ...

    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...


class Cursor(Protocol):
    """What a write tells its caller: rows changed and, for an insert, the new id."""

    @property
    def rowcount(self) -> int:
        """Rows the statement changed."""
        ...

    @property
    def lastrowid(self) -> int | None:
        """The id an INSERT gave its row."""
        ...


def is_postgres(target: Path | str) -> bool:
    """Whether a database target names a PostgreSQL server rather than a SQLite file."""
    return str(target).startswith(POSTGRES_PREFIXES)


def sqlite_path(target: Path | str) -> Path:
    """The file of a SQLite target (`sqlite:///abs/path`, `sqlite:///rel/path` or a path)."""
    text = str(target)
    return Path(text[len(SQLITE_PREFIX) :]) if text.startswith(SQLITE_PREFIX) else Path(text)


class Tx(ABC):
    """Statements inside one write transaction."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement; the cursor gives `lastrowid` and `rowcount`."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement for many parameter rows; returns the rows changed in all."""

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read inside the transaction (sees its own uncommitted writes)."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read many rows inside the transaction."""

    @abstractmethod
    async def notify(self, topic: str) -> None:
        """Tell the listeners of `topic` in every process, when this transaction commits."""


class Database(ABC):
    """Owns the connections; use `async with Database.open(target) as db`."""

    #: Names the database's files beside it (index files); one per database.
    stem: str
    #: The backend's name: "sqlite" or "postgresql".
    backend: str
    #: Errors meaning "the database cannot serve now, try again later" (down, locked, pool
    #: exhausted, a serialization failure); a webhook answers them with 503 so the platform
    #: retries, instead of losing the message.
    unavailable: tuple[type[Exception], ...]

    @staticmethod
    def open(
        target: Path | str, migrations: Sequence[Migration] = MIGRATIONS
    ) -> AbstractAsyncContextManager[Database]:
        """Open (creating if needed), apply pending migrations, and close on exit."""
        if is_postgres(target):
            from models.db_postgres import PostgresDatabase  # psycopg only when it is used

            return PostgresDatabase.open(str(target), migrations)
        return SqliteDatabase.open(sqlite_path(target), migrations)

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """A write transaction; commits on success, rolls back on any exception."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One write in its own transaction; returns the new id for inserts, else rowcount."""
        async with self.transaction() as tx:
            cur = await tx.execute(sql, params)
            if sql.lstrip()[:6].upper() == "INSERT":
                # lastrowid keeps the previous insert's id when ON CONFLICT DO NOTHING skipped.
                return int(cur.lastrowid or 0) if cur.rowcount > 0 else 0
            return cur.rowcount

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read one row of committed data."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read all rows of committed data."""

    @abstractmethod
    async def checkpoint(self) -> None:
        """Make deleted personal data unreadable in the files the server keeps."""

    @abstractmethod
    def exclusive(self, key: str) -> AbstractAsyncContextManager[bool]:
        """Try to become the one holder of `key` among all processes; yields whether it did.

        Held until the block ends, or until the holder's process dies.
        """

    @abstractmethod
    def user_lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """Hold `key` against every process on this database (one user's turn at a time)."""

    @abstractmethod
    def listen(self, topic: str, heard: Callable[[], None]) -> AbstractAsyncContextManager[None]:
        """Call `heard()` whenever a transaction notifies `topic`, while the block runs."""


_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",  # WAL + NORMAL is durable across application crashes
)


class SqliteTx(Tx):
    """Statements inside one SQLite write transaction (the one writer holds the file)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement; the cursor gives `lastrowid` and `rowcount`."""
        return await self._conn.execute(for_sqlite(sql), params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement for many parameter rows; returns the rows changed in all."""
        cur = await self._conn.executemany(for_sqlite(sql), rows)
        return max(cur.rowcount, 0)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read inside the transaction (sees its own uncommitted writes)."""
        async with self._conn.execute(for_sqlite(sql), params) as cur:
            row: Row | None = await cur.fetchone()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read many rows inside the transaction."""
        async with self._conn.execute(for_sqlite(sql), params) as cur:
            return list(await cur.fetchall())

    async def notify(self, topic: str) -> None:
        """Nothing to do: one process serves a SQLite file, and its lanes poll (POLL_S)."""


class SqliteDatabase(Database):
    """One SQLite file; use `async with Database.open(path) as db`."""

    backend = "sqlite"
    unavailable = (sqlite3.OperationalError,)  # locked beyond busy_timeout, disk full, read-only

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self.stem = path.stem
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()

    @classmethod
    @asynccontextmanager
    async def open(
        cls, path: Path | str, migrations: Sequence[Migration] = MIGRATIONS
    ) -> AsyncIterator[SqliteDatabase]:
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
                f" '{to_db(utcnow())}');\nCOMMIT;"
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
                yield SqliteTx(self._writer)
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

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read one row of committed data."""
        async with self._reader.execute(for_sqlite(sql), params) as cur:
            row: Row | None = await cur.fetchone()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read all rows of committed data."""
        async with self._reader.execute(for_sqlite(sql), params) as cur:
            return list(await cur.fetchall())

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[bool]:
        """Always granted: one process serves a SQLite file, so it is the only candidate."""
        yield True

    @asynccontextmanager
    async def user_lock(self, key: str) -> AsyncIterator[None]:
        """Already held: one process serves a SQLite file, and its in-process lock (the
        router's UserLocks) orders the turns; no transaction may stay open for a whole turn."""
        yield

    @asynccontextmanager
    async def listen(self, topic: str, heard: Callable[[], None]) -> AsyncIterator[None]:
        """Never called: no other process writes a SQLite file that this one serves."""
        yield

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
