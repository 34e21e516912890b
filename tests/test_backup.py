"""`yizhan backup` on both backends: a copy that holds what was committed, taken while open."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess

import pytest
from typer.testing import CliRunner

from bot.cli import app
from models.db import is_postgres
from tests.delivery_builders import make_seeker

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


def _invoke(db_target, *args):
    if is_postgres(db_target):
        return CliRunner().invoke(app, list(args), env={"YIZHAN_DATABASE_URL": str(db_target)})
    return CliRunner().invoke(app, ["--db", str(db_target), *args])


def _restore_sql(dump):
    """The dump as SQL text, as `pg_restore` would replay it."""
    program = shutil.which("pg_restore") or "pg_restore"
    args = [program, "--data-only", "-f", "-", str(dump)]
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


async def test_backup_holds_the_committed_rows_and_refuses_to_overwrite(
    services, db_target, tmp_path
):
    await make_seeker(services, "backup-marker-7731")
    dest = tmp_path / "copies" / "yizhan.backup"
    # The CLI runs its own event loop: in a thread, while this test keeps the database open.
    result = await asyncio.to_thread(_invoke, db_target, "backup", str(dest))
    assert result.exit_code == 0, result.output
    assert str(dest) in result.output
    if is_postgres(db_target):
        restored = await asyncio.to_thread(_restore_sql, dest)
        assert "backup-marker-7731" in restored
    else:
        with sqlite3.connect(dest) as copy:
            names = [r[0] for r in copy.execute("SELECT channel_user_id FROM users")]
        assert names == ["backup-marker-7731"]
    again = await asyncio.to_thread(_invoke, db_target, "backup", str(dest))
    assert again.exit_code == 1
    assert "备份文件已存在" in again.output
