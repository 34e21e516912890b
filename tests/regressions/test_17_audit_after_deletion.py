"""Issue 17 item 5: after 删除我的信息 the audit log keeps what happened, not who or what was said.

Before the fix, `audit_log` kept the text of the person's refused commands (with their phone
and words) and their console name as the actor, after the deletion.
"""

from pathlib import Path

from handlers.context import Policy, Services
from models.db import Database
from tests.chat_helpers import Chat

NAME = "王小明ZQX"
PHONE = "13987654321"
WORDS = "秘密词语QJX"


def _file_bytes(db_path: Path) -> bytes:
    return b"".join(
        Path(f"{db_path}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{db_path}{suffix}").exists()
    )


async def test_deletion_pseudonymises_the_persons_audit_rows(db_path, clock):
    async with Database.open(db_path) as db:
        services = Services(db=db, clock=clock, policy=Policy())
        chat = Chat(services, user=NAME)
        other = Chat(services, user="neighbour")
        await chat.say("你好")
        await chat.say(f"通过 12 {WORDS} {PHONE}")  # staff-only: refused and audited
        await chat.say(f"加入 S{PHONE[:7]}")  # a wrong staff code: audited with the code
        await other.say("通过 3")
        before = await services.audit.recent()
        assert any(NAME in e.actor for e in before)
        assert any(PHONE in (e.detail or "") for e in before)
        await chat.say("删除我的信息")
        await chat.say("确认删除")
        after = await services.audit.recent()
        assert len(after) == len(before)  # what happened is kept
        mine = [e for e in after if e.actor.startswith("deleted:")]
        assert len(mine) == len(before) - 1
        assert len({e.actor for e in mine}) == 1  # one pseudonym for the person's rows
        assert sorted(e.action for e in mine) == sorted(
            e.action for e in before if NAME in e.actor
        )
        assert any(e.actor == "console:neighbour" for e in after)  # others untouched
        for entry in after:
            text = f"{entry.actor} {entry.target} {entry.detail}"
            assert NAME not in text
            assert PHONE not in text
            assert WORDS not in text
        raw = _file_bytes(db_path)
        for secret in (NAME, PHONE, WORDS):
            assert secret.encode() not in raw
