"""Crypto-shredding (issue 20): a seeker's free text is sealed with their own key, so after
删除我的信息 no copy of it opens: not in backups, dead tuples or the WAL.

Before issue 20 the wish and skills were stored in the clear: a `pg_dump` or `yizhan backup`
taken before the deletion, the table's dead tuples and the WAL all kept the phone number.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.backup import backup
from handlers.context import Policy, Services
from handlers.texts import t
from models.db import Database, is_postgres
from models.repos.personal import PREFIX, unseal
from tests.chat_helpers import Chat
from tests.conftest import truncate_all

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


def _secrets() -> tuple[str, str, str]:
    """A marker word, phone number and name unique to this run (the server's WAL outlives
    tests)."""
    rng = random.Random(uuid.uuid4().int)
    phone = "139" + "".join(rng.choices("0123456789", k=8))
    return f"ZQX{uuid.uuid4().hex[:8]}标记", phone, f"王{uuid.uuid4().hex[:6]}"


async def _register(chat: Chat, marker: str, phone: str, name: str) -> None:
    services = chat.services  # the name a Telegram profile gives, on the first message
    await services.users.get_or_create(chat.key, services.clock(), display_name=name)
    await chat.say("你好")
    await chat.say(f"想在西青区找保洁，一天150以上，电话{phone}，{marker}")
    for answer in ("灵活就业", "5公里", "初中", f"{marker} 电工证 {phone}", "技能培训", "可以"):
        await chat.say(answer)
    await chat.say("确认")
    await chat.say("修改 技能")  # an edit leaves the old row version behind
    await chat.say(f"{marker} 叉车证 {phone}")


async def _backup_text(target: Path | str, dest: Path) -> bytes:
    """What `yizhan backup` wrote, as searchable bytes (pg_dump's custom format is compressed)."""
    await backup(target, dest)
    if not is_postgres(target):
        return await asyncio.to_thread(dest.read_bytes)
    proc = await asyncio.create_subprocess_exec(
        "pg_restore", "--file=-", str(dest), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out


async def test_a_backup_never_holds_the_text_and_deletion_shreds_every_copy(
    db_target, tmp_path, clock
):
    marker, phone, name = _secrets()
    async with Database.open(db_target) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        chat = Chat(services, user="wx-shred-1")
        await _register(chat, marker, phone, name)
        assert (await services.users.get(chat.key)).display_name == name
        profile = await chat.profile()
        assert marker in (profile.wish or "")
        assert phone in (profile.wish or "")
        assert marker in (profile.skills or "")  # read back in the clear
        user_id = await chat.user_id()
        stored = await db.fetchone(
            "SELECT wish, skills FROM seekers WHERE user_id = ?", (user_id,)
        )
        sealed = [stored["wish"], stored["skills"]]
        assert all(v.startswith(PREFIX) for v in sealed)
        dump = await _backup_text(db_target, tmp_path / "before.backup")
        for secret in (marker, phone, name):
            assert secret.encode() not in dump
        assert sealed[0].encode() in dump  # the backup holds only what the key opens

        await chat.say("删除我的信息")
        assert (await chat.say("确认删除"))[0].text == t("commands.delete.done")
        assert await db.fetchone("SELECT 1 FROM user_keys WHERE user_id = ?", (user_id,)) is None
        keys = [bytes(r["key"]) for r in await db.fetchall("SELECT key FROM user_keys")]
        for key in keys:  # no key left in the database opens what the old copies hold
            assert unseal(key, user_id, "wish", sealed[0]) is None
        after = await _backup_text(db_target, tmp_path / "after.backup")
        for secret in (marker, phone, name):
            assert secret.encode() not in after
        assert sealed[0].encode() not in after


async def test_the_sealed_fields_open_only_for_their_user_and_field(db, clock):
    services = Services(db=db, clock=clock, policy=Policy())
    first, second = Chat(services, user="a"), Chat(services, user="b")
    for chat in (first, second):
        await chat.say("想在西青区找保洁 13900001111")
    a, b = await first.user_id(), await second.user_id()
    row_a = await db.fetchone("SELECT wish FROM seekers WHERE user_id = ?", (a,))
    # a value copied into another seeker's row does not open there: the key and the
    # associated data (user, field) both differ
    await db.execute("UPDATE seekers SET wish = ? WHERE user_id = ?", (row_a["wish"], b))
    assert (await second.profile()).wish is None
    assert "13900001111" in (await first.profile()).wish


async def test_no_raw_table_file_or_wal_written_holds_the_text(pg_database, clock):
    """The server's own files, read as the superuser reads them: the heap of every table and
    the WAL segments written during the test."""
    truncate_all(pg_database)
    marker, phone, name = _secrets()
    started = datetime.now(UTC) - timedelta(seconds=2)
    async with Database.open(pg_database) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        chat = Chat(services, user="wx-shred-2")
        await _register(chat, marker, phone, name)
        assert phone in ((await chat.profile()).wish or "")
    needles = (marker.encode(), phone.encode(), name.encode())
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # the pages reach the table files
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 't')"
            )
        ]
        raw = b"".join(
            bytes(conn.execute("SELECT pg_read_binary_file(%s)", (path,)).fetchone()[0])
            for path in tables
            if path is not None
        )
        assert raw  # the seekers heap is in there
        wal = conn.execute(
            "SELECT name FROM pg_ls_waldir() WHERE modification >= %s ORDER BY name", (started,)
        ).fetchall()
        assert wal
        written = b"".join(
            bytes(
                conn.execute("SELECT pg_read_binary_file('pg_wal/' || %s)", (name,)).fetchone()[0]
            )
            for (name,) in wal
        )
    control = b"wx-shred-2"  # the chat id is not sealed: proof that the files were read
    assert control in raw
    assert control in written
    for needle in needles:
        assert needle not in raw
        assert needle not in written
