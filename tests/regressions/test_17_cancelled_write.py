"""Issue 17 item 13: a write cancelled during BEGIN IMMEDIATE leaves the connection usable.

Before the fix, the rollback checked `in_transaction` while BEGIN was still waiting in
aiosqlite's thread, skipped the rollback, and every later write failed with "cannot start a
transaction within a transaction".
"""

import asyncio
import sqlite3

from models.db import Database


async def test_a_write_cancelled_while_begin_waits_leaves_the_connection_usable(db_path):
    async with Database.open(db_path) as db:
        await db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # holds the write lock: our BEGIN waits (busy_timeout)

        async def write() -> None:
            await db.execute("INSERT INTO notes (body) VALUES ('cancelled')")

        task = asyncio.ensure_future(write())
        await asyncio.sleep(0.2)
        task.cancel()
        await asyncio.sleep(0.1)
        other.execute("ROLLBACK")
        other.close()
        done, _ = await asyncio.wait({task}, timeout=5)
        assert task in done
        assert task.cancelled()
        await db.execute("INSERT INTO notes (body) VALUES ('next')")
        rows = await db.fetchall("SELECT body FROM notes")
        assert [r["body"] for r in rows] == ["next"]
