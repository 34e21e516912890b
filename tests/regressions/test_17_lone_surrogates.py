"""Issue 17 item 13: lone surrogates are input, and nothing escapes `handle()`.

Before the fix, a display name with a lone surrogate made `get_or_create` raise
UnicodeEncodeError outside the router's try, so the exception escaped `handle()`; the same
character in a message's text ended the turn in an apology (74 of 75 in the fuzz run).
"""

import sqlite3

from handlers.router import handle
from handlers.texts import t
from models.messages import TEXT_MAX_CHARS, Channel, DialogKey, Incoming


async def test_a_lone_surrogate_in_the_name_or_text_is_answered_not_apologised_for(services):
    key = DialogKey(Channel.TELEGRAM, "4242")
    replies = await handle(Incoming(key, text="你好", display_name="张\udc00三"), services)
    assert replies
    assert all(r.text != t("error.apology") for r in replies)
    replies = await handle(Incoming(key, text="想在西青区找保洁\ud800工作"), services)
    assert replies
    assert all(r.text != t("error.apology") for r in replies)
    user = await services.users.get(key)
    assert user is not None
    assert user.display_name == "张\ufffd三"


def test_incoming_joins_surrogate_pairs_and_caps_the_text():
    key = DialogKey(Channel.WECHAT, "o-1")
    assert Incoming(key, text="\ud83d\ude00好").text == "😀好"
    assert len(Incoming(key, text="好" * 10_000).text) == TEXT_MAX_CHARS
    assert Incoming(key, payload="cat:\udfff").payload == "cat:\ufffd"


async def test_a_failing_database_ends_in_an_apology_not_an_exception(db_path, services):
    # Another process holds the write lock past our busy timeout: the first write fails.
    await services.db.execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        replies = await handle(Incoming(DialogKey(Channel.CONSOLE, "new"), text="你好"), services)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert [r.text for r in replies] == [t("error.apology")]
