"""The Telegram adapter's translations, and the sender's error mapping against the fake server."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.channels.telegram.adapter import (
    file_base_url,
    inline_keyboard,
    render,
    split_text,
    to_incoming,
    utf16_len,
)
from bot.channels.telegram.sender import TelegramSender, classify
from bot.delivery.errors import Permanent, RateLimited, RecipientGone, Transient
from handlers.texts import t
from models.messages import Channel, Choice, DialogKey, Event, EventKind, Location, Reply
from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    blocked,
    flood,
    server_error,
    telegram_api_fixture,  # noqa: F401
)

USER = {
    "id": 42,
    "is_bot": False,
    "first_name": "小王",
    "last_name": "Wang",
    "language_code": "zh",
}
PRIVATE = {"id": 42, "type": "private", "first_name": "小王"}


def _update(**body: Any) -> Update:
    return Update.de_json({"update_id": 7, **body}, None)


def _message(**content: Any) -> dict[str, Any]:
    return {"message_id": 3, "date": 1_790_000_000, "from": USER, "chat": PRIVATE, **content}


def test_text_message_becomes_incoming() -> None:
    incoming = to_incoming(_update(message=_message(text="想找西青区保洁")))
    assert incoming is not None
    assert incoming.key == DialogKey(Channel.TELEGRAM, "42")
    assert incoming.text == "想找西青区保洁"
    assert incoming.message_id == "u7"  # the update id: webhook redeliveries are dropped
    assert incoming.display_name == "小王 Wang"
    assert incoming.payload is None
    assert incoming.location is None
    assert incoming.event is None


def test_shared_location_becomes_incoming_location() -> None:
    spot = {"latitude": 39.1422, "longitude": 117.1767}
    incoming = to_incoming(_update(message=_message(location=spot)))
    assert incoming is not None
    assert incoming.location == Location(39.1422, 117.1767)
    assert incoming.text == ""


def test_callback_query_becomes_payload() -> None:
    bot_message = {"message_id": 9, "date": 1_790_000_000, "chat": PRIVATE, "text": "就业形式？"}
    query = {"id": "55", "from": USER, "chat_instance": "1", "data": "ob:form:灵活就业"}
    incoming = to_incoming(_update(callback_query={**query, "message": bot_message}))
    assert incoming is not None
    assert incoming.payload == "ob:form:灵活就业"
    assert incoming.key.user_id == "42"


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("/start", Event(EventKind.START)),
        ("/start station_xq01", Event(EventKind.START, "station_xq01")),
        ("/start@YizhanBot", Event(EventKind.START)),
    ],
)
def test_start_and_deep_links_become_events(text: str, event: Event) -> None:
    incoming = to_incoming(_update(message=_message(text=text)))
    assert incoming is not None
    assert incoming.event == event
    assert incoming.text == ""  # not a wish to read


def test_photo_caption_is_the_text() -> None:
    photo = [{"file_id": "f", "file_unique_id": "u", "width": 90, "height": 90}]
    incoming = to_incoming(_update(message=_message(photo=photo, caption="招保洁2名 日结200")))
    assert incoming is not None
    assert incoming.text == "招保洁2名 日结200"


def test_groups_edits_and_bots_are_not_served() -> None:
    group = {"id": -100123, "type": "supergroup", "title": "西青零工群"}
    assert to_incoming(_update(message=_message(text="/help", chat=group))) is None
    assert to_incoming(_update(edited_message=_message(text="改了", edit_date=1))) is None
    robot = {**USER, "is_bot": True}
    assert to_incoming(_update(message=_message(text="hi", **{"from": robot}))) is None


def test_choices_render_as_an_inline_keyboard_in_rows() -> None:
    choices = tuple(
        Choice(d, f"ob:district:{d}") for d in ("西青区", "南开区", "和平区", "河西区", "滨海新区")
    )
    [out] = render(Reply("您想在哪个区工作？", choices))
    assert isinstance(out.markup, InlineKeyboardMarkup)
    rows = out.markup.inline_keyboard
    assert [len(r) for r in rows] == [3, 2]  # 8-wide labels: three to a row
    assert rows[0][0].text == "西青区"
    assert rows[0][0].callback_data == "ob:district:西青区"


def test_long_labels_get_a_row_each() -> None:
    choices = (
        Choice("B 物流/仓储/司机（含货车、叉车）", "x:1"),
        Choice("D 人事/行政/文员", "x:2"),
    )
    markup = inline_keyboard(choices)
    assert [len(r) for r in markup.inline_keyboard] == [1, 1]


def test_choices_and_location_request_are_two_messages() -> None:
    choices = (Choice("西青区", "ob:district:西青区"), Choice("完成", "ob:district:done"))
    question, hint = render(Reply("哪个区？", choices, multi=True, request_location=True))
    assert isinstance(question.markup, InlineKeyboardMarkup)
    assert isinstance(hint.markup, ReplyKeyboardMarkup)
    button = hint.markup.keyboard[0][0]
    assert button.request_location is True
    assert button.text == "📍 发送我的位置"
    assert hint.markup.one_time_keyboard is True
    [alone] = render(Reply("Where?", request_location=True, lang="en"))
    assert isinstance(alone.markup, ReplyKeyboardMarkup)
    assert alone.markup.keyboard[0][0].text == "📍 Share my location"


def test_plain_replies_in_a_turn_clear_the_location_keyboard() -> None:
    [in_turn] = render(Reply("收到"), in_turn=True)
    assert isinstance(in_turn.markup, ReplyKeyboardRemove)
    [push] = render(Reply("收到"))
    assert push.markup is None


def test_long_text_is_split_and_choices_ride_on_the_last_part() -> None:
    lines = [f"{i:04d} 西青区 保洁 日结200元 🧹" for i in range(400)]
    parts = render(Reply("\n".join(lines), (Choice("感兴趣", "fb:1:interested"),)))
    assert len(parts) > 1
    assert all(utf16_len(p.text) <= 4096 for p in parts)
    assert all(p.markup is None for p in parts[:-1])
    assert isinstance(parts[-1].markup, InlineKeyboardMarkup)
    assert "\n".join(p.text for p in parts) == "\n".join(lines)  # cut at line ends only


def test_payload_longer_than_64_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="1-64"):
        inline_keyboard((Choice("太长", "fb:" + "长" * 30),))


@given(st.text(alphabet=st.sampled_from("ab保洁\n😀 "), max_size=300), st.integers(5, 40))
def test_split_never_exceeds_the_limit_and_keeps_the_text(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert all(utf16_len(p) <= limit for p in parts)
    # Telegram refuses blank messages, so only blank parts may go; nothing visible is lost.
    visible = "".join(c for c in text if not c.isspace())
    assert "".join(c for p in parts for c in p if not c.isspace()) == visible
    if utf16_len(text) > limit:
        assert all(p.strip() for p in parts)


def test_file_base_url_follows_the_api_base() -> None:
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (RetryAfter(timedelta(seconds=7)), RateLimited),
        (Forbidden("Forbidden: bot was blocked by the user"), RecipientGone),
        (BadRequest("Bad Request: chat not found"), Permanent),
        (TimedOut(), Transient),
        (NetworkError("Bad Gateway"), Transient),
        (InvalidToken("Unauthorized"), Permanent),
        (ChatMigrated(-1001), Permanent),
    ],
)
def test_classify_maps_every_ptb_error(error: Exception, kind: type) -> None:
    mapped = classify(error)  # type: ignore[arg-type]
    assert type(mapped) is kind
    if isinstance(mapped, RateLimited):
        assert mapped.retry_after == 7.0


async def test_sender_maps_what_the_server_answers(telegram_api: FakeTelegram) -> None:
    telegram_api.user(42)
    telegram_api.fail_next("sendMessage", flood(3), blocked(), server_error(502))
    card = Reply("保洁 · 西青区 · 日结200", (Choice("感兴趣", "fb:5:interested"),))
    async with TelegramSender.for_token(TOKEN, telegram_api.base_url) as sender:
        with pytest.raises(RateLimited) as limited:
            await sender.send("42", card)
        assert limited.value.retry_after == 3.0
        with pytest.raises(RecipientGone):
            await sender.send("42", card)
        with pytest.raises(Transient):
            await sender.send("42", card)
        result = await sender.send("42", card)
        with pytest.raises(Permanent):  # never started the bot: "chat not found"
            await sender.send("43", card)
    [message] = telegram_api.sent(42)
    assert result.message_id == str(message["message_id"])
    assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "fb:5:interested"
    assert [c.status for c in telegram_api.calls_of("sendMessage")] == [429, 403, 502, 200, 400]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_push_carries_its_keyboard_hints_in_the_recipients_language(
    telegram_api: FakeTelegram, lang: str
) -> None:
    # Before issue 19 TelegramSender rendered every push with "zh" hints.
    telegram_api.user(42)
    ask = Reply("?", (Choice("1", "ob:km:1"),), request_location=True, lang=lang)
    async with TelegramSender.for_token(TOKEN, telegram_api.base_url) as sender:
        await sender.send("42", ask)
    texts = [m["text"] for m in telegram_api.sent(42)]
    assert texts == ["?", t("telegram.location_hint", lang)]


async def test_sender_unreachable_server_is_transient() -> None:
    closed = FakeTelegram()
    async with closed:
        base = closed.base_url  # nobody listens on this port once the fake has stopped
    sender = TelegramSender.for_token(TOKEN, base)
    with pytest.raises(Transient):
        await sender.send("42", Reply("你好"))
