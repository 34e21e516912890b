"""Issue 19: the language is set once per turn (the user's) and once per push (the recipient's).

Before the fix `lang` was a parameter handed through ~98 signatures, and a push's keyboard hints
were Chinese whatever the recipient spoke. Now the router sets it for the turn, the dispatcher
for each push, and every text and hint reads it.
"""

import asyncio
from datetime import timedelta

import pytest

from bot.channels.telegram.adapter import render as telegram_render
from bot.delivery.dispatcher import Dispatcher
from handlers import language
from handlers.texts import t
from models.messages import Channel
from tests.chat_helpers import Chat
from tests.delivery_builders import FakeTime, enqueue, make_posting, make_seeker, publish_now
from tests.fakes.channel import KeyedFakeSender


async def _english(services, user: str) -> Chat:
    chat = Chat(services, user)
    await chat.say("/lang en")
    return chat


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_turn_is_written_in_its_users_language(services, lang):
    chat = await _english(services, "u1") if lang == "en" else Chat(services, "u1")
    replies = await chat.say("/lang")
    assert [r.lang for r in replies] == [lang]
    assert replies[0].text == t("commands.lang.ask", lang)
    assert language.current() == language.DEFAULT  # the turn's language ends with the turn


async def test_switching_language_mid_turn_writes_the_rest_of_the_turn_in_the_new_one(services):
    replies = await Chat(services, "u1").say("/lang en")
    assert replies[0].text == t("commands.lang.set", "en")
    assert {r.lang for r in replies} == {"en"}


async def test_concurrent_turns_in_two_languages_do_not_leak(services):
    english = [await _english(services, f"en{i}") for i in range(6)]
    chinese = [Chat(services, f"zh{i}") for i in range(6)]
    for chat in chinese:
        await chat.say("/lang zh")
    # Interleaved: 我的资料 reads the profile (an await inside the turn) while the others run.
    chats = [c for pair in zip(english, chinese, strict=True) for c in pair] * 3
    answers = await asyncio.gather(*(chat.say("/profile") for chat in chats))
    for chat, replies in zip(chats, answers, strict=True):
        lang = "en" if chat in english else "zh"
        assert replies[0].text == t("commands.profile.empty", lang)
        assert {r.lang for r in replies} == {lang}


async def test_a_push_and_its_buttons_are_in_the_recipients_language(services, clock):
    zh, en = await make_seeker(services, "u1"), await make_seeker(services, "u2", lang="en")
    posting = await make_posting(services)
    await publish_now(services, posting, clock() + timedelta(days=3))
    await enqueue(services, posting, [zh, en])
    time = FakeTime(clock)
    sender = KeyedFakeSender(Channel.CONSOLE, clock=time.monotonic)
    dispatcher = Dispatcher(
        services, {sender.channel: sender}, monotonic=time.monotonic, sleep=time.sleep
    )
    await dispatcher.run_until_idle()
    pushed = {m.address: m.reply for m in sender.messages}
    for address, lang in (("u1", "zh"), ("u2", "en")):
        reply = pushed[address]
        assert reply.lang == lang
        assert t("delivery.card.pay", lang, pay="200").split("200")[0] in reply.text
        (out,) = telegram_render(reply)  # the adapter's own rendering of the push
        assert out.markup is not None
        labels = [b.text for row in out.markup.inline_keyboard for b in row]
        assert labels == [t(f"delivery.choice.{k}", lang) for k in ("interested", "not", "found")]
