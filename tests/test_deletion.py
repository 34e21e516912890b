"""Issue 2: 删除我的信息 leaves none of the seeker's personal data in the database files."""

from __future__ import annotations

from pathlib import Path

from handlers.context import Policy, Services
from handlers.texts import t
from models.db import Database
from tests.chat_helpers import Chat

MARKER = "ZQX标记7731"  # appears nowhere else
PHONE = "13912345678"


def _file_bytes(db_path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        path = Path(f"{db_path}{suffix}")
        if path.exists():
            data += path.read_bytes()
    return data


async def _register(chat: Chat) -> None:
    await chat.say("你好")
    await chat.say(f"想在西青区找保洁，一天150以上，电话{PHONE}，{MARKER}")
    for answer in ("灵活就业", "5公里", "初中", f"{MARKER} 电工证 {PHONE}", "技能培训", "可以"):
        await chat.say(answer)
    await chat.say("确认")
    # Edits leave old row versions behind in pages and the WAL unless the deletion is thorough.
    await chat.say(f"还想在南开区找保洁 {MARKER}")
    await chat.say("修改 技能")
    await chat.say(f"{MARKER} 叉车证 {PHONE}")


async def test_deleting_a_profile_leaves_no_trace_in_the_file(db_path, clock):
    async with Database.open(db_path) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        other = Chat(services, user="neighbour")
        await other.say("想在河西区找服务员")
        chat = Chat(services, user=f"wx-{MARKER}")
        await _register(chat)
        profile = await chat.profile()
        assert MARKER in (profile.wish or "")
        assert MARKER in (profile.skills or "")
        await db.checkpoint()
        before = _file_bytes(db_path)
        assert MARKER.encode() in before  # in the user's chat id, which is not sealed
        assert PHONE.encode() not in before  # the profile's text is sealed with their key
        await chat.say("删除我的信息")
        replies = await chat.say("确认删除")
        assert replies[0].text == t("commands.delete.done")
        assert await services.users.get(chat.key) is None
        after = _file_bytes(db_path)
        assert MARKER.encode() not in after
        assert PHONE.encode() not in after
        # the other seeker is untouched
        assert (await other.profile()).districts == ("河西区",)
    after_close = _file_bytes(db_path)
    assert MARKER.encode() not in after_close
    assert PHONE.encode() not in after_close
