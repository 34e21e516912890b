"""The PostgreSQL database: a psycopg 3 connection pool behind the same interface as SQLite.

Queries and migrations are SQLite's text, translated by `models/dialect.py`. Values come back as
SQLite gives them to the repositories: timestamptz as the ISO text `to_db` writes, jsonb as its
JSON text, whole numerics as int, so `Row` reads the same on both backends. Transactions run
concurrently (READ COMMITTED); work queues claim rows with `FOR UPDATE SKIP LOCKED`, and
`user_lock` holds a session advisory lock for one user's turn across workers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql
from psycopg.adapt import Buffer, Dumper, Loader
from psycopg.rows import RowMaker
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool

from models.db import Cursor, Database, Params, Row, Tx
from models.dialect import for_postgres, inserted_table, schema_for_postgres
from models.migrations import MIGRATIONS, Migration
from models.timeutil import to_db, utcnow

log = logging.getLogger(__name__)

POOL_MAX = 8  # query connections per process
# A query waits at most this long for a pooled connection, then fails with PoolTimeout (which
# callers see as `unavailable`): within WeChat's 5 s, so a callback can still answer 503 when
# the server is down, where psycopg's default (30 s) would leave WeChat waiting.
POOL_TIMEOUT_S = 4.0
# Users whose turns run at once in one process, each holding a lock connection for its turn;
# 3 workers x (8 + 16) stay well inside PostgreSQL's default max_connections = 100.
LOCK_POOL_MAX = 16
LISTEN_RETRY_S = 2.0  # a dropped LISTEN connection is opened again after this
_MIGRATION_LOCK = 0x59_5A_4D_49  # "YZMI": workers starting together migrate one at a time
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # models.timeutil.to_db's text


class PgRow:
    """A row readable by name and position, like `sqlite3.Row`."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str, /) -> Any:
        if isinstance(key, str):
            found = self._index.get(key)
            if found is None:
                found = self._index[key.lower()]  # sqlite3.Row matches names case-insensitively
            return self._values[found]
        return self._values[key]

    def keys(self) -> list[str]:
        """Column names in order."""
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PgRow)
            and tuple(self) == tuple(other)
            and self.keys() == other.keys()
        )

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=True))!r})"


def _rows(cursor: psycopg.AsyncCursor[Any]) -> RowMaker[PgRow]:
    names = [c.name for c in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}
    for i, name in enumerate(names):
        index.setdefault(name.lower(), i)
    return lambda values: PgRow(index, values)


class _TimeText(Loader):
    """timestamptz → the ISO text SQLite stores (the session's time zone is UTC)."""

    def load(self, data: Buffer) -> str:
        value = datetime.fromisoformat(bytes(data).decode())
        return value.astimezone(UTC).strftime(_TIME_FORMAT)


class _Number(Loader):
    """numeric (SUM of integers, AVG) → int when whole, else float, as SQLite returns them."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data).decode()
        return float(text) if any(c in text for c in ".eEN") else int(text)


class _BoolAsInt(Dumper):
    """Flags are INTEGER 0/1 columns on both backends."""

    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    conn.adapters.register_loader("timestamptz", _TimeText)
    conn.adapters.register_loader("jsonb", TextLoader)
    conn.adapters.register_loader("json", TextLoader)
    conn.adapters.register_loader("numeric", _Number)
    conn.adapters.register_dumper(bool, _BoolAsInt)
    await conn.execute("SET TIME ZONE 'UTC'")


@dataclass(frozen=True, slots=True)
class _Result:
    rowcount: int
    lastrowid: int | None


class PostgresTx(Tx):
    """Statements inside one PostgreSQL transaction on one pooled connection."""

    def __init__(self, conn: psycopg.AsyncConnection[PgRow], identity: frozenset[str]) -> None:
        self._conn = conn
        self._identity = identity

    async def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement; inserts into tables with an identity id return it."""
        returning = inserted_table(sql) in self._identity
        cur = await self._conn.execute(for_postgres(sql, returning), params or None)
        lastrowid = None
        if returning and cur.rowcount > 0:
            row = await cur.fetchone()
            lastrowid = int(row[0]) if row is not None else None
        return _Result(cur.rowcount, lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement for many parameter rows (pipelined); returns the rows changed."""
        batch = list(rows)
        if not batch:
            return 0
        async with self._conn.cursor() as cur:
            await cur.executemany(for_postgres(sql), batch)
            return max(cur.rowcount, 0)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read inside the transaction (sees its own uncommitted writes)."""
        cur = await self._conn.execute(for_postgres(sql), params or None)
        return await cur.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read many rows inside the transaction."""
        cur = await self._conn.execute(for_postgres(sql), params or None)
        return list(await cur.fetchall())

    async def notify(self, topic: str) -> None:
        """NOTIFY, delivered at commit (never for a rollback), once per transaction and topic."""
        await self._conn.execute("SELECT pg_notify(%s, '')", (topic,))


class PostgresDatabase(Database):
    """A PostgreSQL database shared by every worker; use `async with Database.open(url)`."""

    backend = "postgresql"
    # Server down or restarting, connection terminated, PoolTimeout, SerializationFailure and
    # DeadlockDetected all derive from OperationalError; a bad query (ProgrammingError) does not.
    unavailable = (psycopg.OperationalError,)

    def __init__(
        self,
        url: str,
        pool: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]],
        locks: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]],
    ):
        self.url = url
        self._pool = pool
        self._locks = locks
        self._identity: frozenset[str] = frozenset()
        parts = urlsplit(url)
        self.stem = "pg-" + (parts.path.lstrip("/") or "postgres")

    @classmethod
    @asynccontextmanager
    async def open(  # type: ignore[override]
        cls, url: str, migrations: Sequence[Migration] = MIGRATIONS
    ) -> AsyncIterator[PostgresDatabase]:
        """Connect a pool, apply pending migrations, and close on exit."""
        pool: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]] = AsyncConnectionPool(
            conninfo=_conninfo(url),
            min_size=1,
            max_size=POOL_MAX,
            timeout=POOL_TIMEOUT_S,
            kwargs={"autocommit": True, "row_factory": _rows},
            configure=_configure,
            open=False,
        )
        locks: AsyncConnectionPool[psycopg.AsyncConnection[PgRow]] = AsyncConnectionPool(
            conninfo=_conninfo(url),
            min_size=0,
            max_size=LOCK_POOL_MAX,
            kwargs={"autocommit": True},
            open=False,
        )
        await pool.open(wait=True, timeout=10)
        try:
            await locks.open()
            db = cls(url, pool, locks)
            await db._migrate(migrations)
            yield db
        finally:
            await locks.close()
            await pool.close()

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations"
                " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            cur = await conn.execute("SELECT name FROM _migrations")
            done = {row[0] for row in await cur.fetchall()}
            for migration in migrations:
                if migration.name in done:
                    continue
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                    cur = await conn.execute(
                        "SELECT 1 FROM _migrations WHERE name = %s", (migration.name,)
                    )
                    if await cur.fetchone() is not None:
                        continue  # another worker applied it while this one waited
                    log.info("applying migration %s", migration.name)
                    await conn.execute(schema_for_postgres(migration.sql).encode())
                    await conn.execute(
                        "INSERT INTO _migrations (name, applied_at) VALUES (%s, %s)",
                        (migration.name, to_db(utcnow())),
                    )
            cur = await conn.execute(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'id'"
                " AND is_identity = 'YES' AND table_schema = current_schema()"
            )
            self._identity = frozenset(str(r[0]) for r in await cur.fetchall())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A transaction on one pooled connection; commits on success, else rolls back."""
        async with self._pool.connection() as conn, conn.transaction():
            yield PostgresTx(conn, self._identity)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One write, autocommitted: a single statement is its own transaction, so one round
        trip instead of BEGIN, the statement and COMMIT."""
        async with self._pool.connection() as conn:
            cur = await PostgresTx(conn, self._identity).execute(sql, params)
        if sql.lstrip()[:6].upper() == "INSERT":
            return int(cur.lastrowid or 0) if cur.rowcount > 0 else 0
        return cur.rowcount

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """Read one row of committed data."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(for_postgres(sql), params or None)
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Read all rows of committed data."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(for_postgres(sql), params or None)
            return list(await cur.fetchall())

    @asynccontextmanager
    async def exclusive(self, key: str) -> AsyncIterator[bool]:
        """`pg_try_advisory_lock` on a connection of its own, kept while the block runs; the
        server frees it when that connection drops (the worker died), and a standby takes it."""
        async with await psycopg.AsyncConnection.connect(
            _conninfo(self.url), autocommit=True
        ) as conn:
            cur = await conn.execute(
                "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (key,)
            )
            row = await cur.fetchone()
            yield bool(row and row[0])

    @asynccontextmanager
    async def user_lock(self, key: str) -> AsyncIterator[None]:
        """A session advisory lock on a connection of the lock pool, held for the whole turn.

        Several workers answer one user's messages in order; a worker that dies mid-turn loses
        its connection and with it the lock. The lock pool is separate so that turns waiting for
        a lock never starve the queries of the turn holding it.
        """
        async with self._locks.connection() as conn:
            await conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
            try:
                yield
            finally:
                await asyncio.shield(
                    conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
                )

    @asynccontextmanager
    async def listen(self, topic: str, heard: Callable[[], None]) -> AsyncIterator[None]:
        """LISTEN on a connection of its own, in a task that reconnects when it drops.

        `heard()` is also called on every (re)connection: what was notified while no one
        listened is then looked for at once. Polling stays the fallback meanwhile.
        """
        task = asyncio.create_task(self._listen(topic, heard), name=f"listen:{topic}")
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _listen(self, topic: str, heard: Callable[[], None]) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    _conninfo(self.url), autocommit=True
                ) as conn:
                    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(topic)))
                    heard()
                    async for _ in conn.notifies():
                        heard()
            except psycopg.OperationalError as exc:
                log.warning("LISTEN %s lost (%s); again in %s s", topic, exc, LISTEN_RETRY_S)
            await asyncio.sleep(LISTEN_RETRY_S)

    async def checkpoint(self) -> None:
        """VACUUM FULL of the key table (its file is rewritten without the deleted keys, so no
        dead tuple of one survives in it), then VACUUM: dead tuples become free space."""
        async with self._pool.connection() as conn:
            await conn.execute("VACUUM FULL user_keys")
            await conn.execute("VACUUM")


def _conninfo(url: str) -> str:
    """libpq reads `postgresql://` URLs; `postgres://` is the older spelling of the same."""
    return "postgresql://" + url.split("://", 1)[1]
