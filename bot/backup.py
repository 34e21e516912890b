"""`yizhan backup`: a consistent copy of the live database, on either backend.

SQLite: the online backup API copies the file page by page while workers keep writing (a plain
file copy of a WAL database can miss committed pages). PostgreSQL: `pg_dump` in its custom
format, one consistent snapshot, restored with `pg_restore`. Retention is the operator's: a
backup holds whatever personal data existed when it was taken (ARCHITECTURE.md, deletion).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from models.db import is_postgres, sqlite_path


class BackupError(Exception):
    """The backup could not be made; the message says why (in the catalogue's words)."""


async def backup(target: Path | str, dest: Path) -> str:
    """Copy the database named by `target` into `dest` (a new file); returns the method."""
    await asyncio.to_thread(_prepare, dest)
    if is_postgres(target):
        await _pg_dump(str(target), dest)
        return "pg_dump"
    await asyncio.to_thread(_sqlite_backup, sqlite_path(target), dest)
    return "sqlite"


def _prepare(dest: Path) -> None:
    if dest.exists():
        raise BackupError("backup.exists")
    dest.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_backup(source: Path, dest: Path) -> None:
    if not source.exists():
        raise BackupError("backup.missing")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(dest)) as out:
        src.backup(out, pages=1024)  # in steps, so writers are not held up for long


async def _pg_dump(url: str, dest: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("backup.no_pg_dump")
    proc = await asyncio.create_subprocess_exec(
        program, "--format=custom", "--no-owner", f"--file={dest}", url,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    if proc.returncode != 0:
        await asyncio.to_thread(dest.unlink, missing_ok=True)
        raise BackupError(err.decode(errors="replace").strip() or "backup.failed")
