"""What goes wrong on Telegram: stale buttons, expired queries, failed sends, polling hiccups."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.channels.telegram.app import UNSENT_RETRIES
from bot.channels.telegram.sender import never_sent
from bot.runner import Runtime, open_runtime
from bot.settings import Settings
from handlers.context import Services
from handlers.texts import t
from models.messages import Channel, DialogKey
from models.values import WorkForm
from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    Fault,
    server_error,
    telegram_api_fixture,  # noqa: F401
)

CHAT = 5150


@pytest.fixture
async def running(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> AsyncIterator[Runtime]:
    settings = Settings(
        db=db_path, telegram_token=TOKEN, telegram_api_base=telegram_api.base_url, http_port=0
    )
    async with open_runtime(settings, services) as runtime:
        telegram_api.user(CHAT)
        yield runtime


async def _say(fake: FakeTelegram, text: str) -> list[dict]:
    before = len(fake.sent(CHAT))
    fake.text(CHAT, text)
    await fake.settle(CHAT)
    return fake.sent(CHAT)[before:]


@pytest.mark.slow
async def test_a_stale_button_is_answered_and_the_dialog_decides(
    telegram_api: FakeTelegram, running: Runtime, services: Services
) -> None:
    fake = telegram_api
    [welcome] = await _say(fake, "/start")
    await _say(fake, "灵活就业")  # typed: the buttons of the first question stay on screen
    await _say(fake, "A")
    [pay_question] = fake.sent(CHAT)[-1:]
    assert t("onboarding.ask.pay") in pay_question["text"]

    stale = fake.tap_label(CHAT, "稳定就业")
    assert stale["callback_query"]["message"]["message_id"] == welcome["message_id"]
    await fake.settle(CHAT)
    assert fake.answered(stale)
    old = fake.current(CHAT, welcome["message_id"])
    assert "reply_markup" not in old  # cannot be tapped a second time
    assert old["text"].endswith(t("telegram.picked", label="稳定就业"))
    # The onboarding dialog takes an earlier question's button as that answer, then re-asks.
    assert t("onboarding.ask.pay") in fake.sent(CHAT)[-1]["text"]
    user = await services.users.get(DialogKey(Channel.TELEGRAM, str(CHAT)))
    assert user is not None
    profile = await services.seekers.get(user.id)
    assert profile is not None
    assert profile.work_form is WorkForm.STABLE


@pytest.mark.slow
async def test_an_expired_callback_query_still_reaches_the_dialog(
    telegram_api: FakeTelegram, running: Runtime
) -> None:
    fake = telegram_api
    await _say(fake, "/start")
    tap = fake.tap_label(CHAT, "灵活就业")
    fake.expire(tap)  # answered too late: Telegram refuses the answerCallbackQuery
    await fake.settle(CHAT)
    assert [c.status for c in fake.calls_of("answerCallbackQuery")] == [400]
    assert "A 家政/保洁" in str(fake.sent(CHAT)[-1]["reply_markup"])  # the next question came


@pytest.mark.slow
async def test_a_failed_send_is_logged_with_the_update_id_and_apologised_for(
    telegram_api: FakeTelegram, running: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    fake = telegram_api
    fake.fail_next("sendMessage", Fault(400, "Bad Request: can't parse entities"))
    with caplog.at_level(logging.ERROR, logger="bot.channels.telegram.adapter"):
        update = fake.text(CHAT, "/start")
        await fake.settle(CHAT)
    [apology] = fake.sent(CHAT)
    assert apology["text"] == t("error.apology")
    [record] = [r for r in caplog.records if r.name == "bot.channels.telegram.adapter"]
    assert record.getMessage() == f"update {update['update_id']} failed"
    assert record.exc_info is not None
    # The polling loop lives on: the next message is answered normally.
    replies = await _say(fake, "帮助")
    assert replies
    assert replies[0]["text"] != t("error.apology")


@pytest.mark.slow
async def test_a_reply_the_bot_api_refused_with_5xx_is_sent_again(
    telegram_api: FakeTelegram, running: Runtime
) -> None:
    fake = telegram_api
    fake.fail_next("sendMessage", server_error(502), server_error(500))
    fake.text(CHAT, "/start")
    await fake.wait_for(lambda: len(fake.sent(CHAT)) >= 1)
    await fake.settle(CHAT, fresh=False)
    [welcome] = fake.sent(CHAT)  # the answer itself, once, and no apology
    assert t("onboarding.welcome") in welcome["text"]
    assert [c.status for c in fake.calls_of("sendMessage")] == [502, 500, 200]


@pytest.mark.slow
async def test_a_reply_refused_past_the_retries_ends_in_the_apology(
    telegram_api: FakeTelegram, running: Runtime
) -> None:
    fake = telegram_api
    fake.fail_next("sendMessage", *[server_error(502)] * (UNSENT_RETRIES + 1))
    fake.text(CHAT, "/start")
    await fake.wait_for(lambda: len(fake.sent(CHAT)) >= 1)
    await fake.settle(CHAT, fresh=False)
    [apology] = fake.sent(CHAT)
    assert apology["text"] == t("error.apology")
    assert [c.status for c in fake.calls_of("sendMessage")] == [502] * (UNSENT_RETRIES + 1) + [200]


def _caused(error: NetworkError, cause: Exception | None) -> NetworkError:
    """The error as PTB raises it: `raise error from cause` (its pool timeout is raised inside
    the handler without `from`, so only as the context)."""
    if isinstance(cause, httpx.PoolTimeout):
        error.__context__ = cause
    else:
        error.__cause__ = cause
    return error


CALL = httpx.Request("POST", "http://127.0.0.1/bot/sendMessage")


@pytest.mark.parametrize(
    ("error", "cause", "resend"),
    [
        (NetworkError("Bad Gateway"), None, True),  # the Bot API's front end answered 502
        (
            NetworkError("httpx.ConnectError: refused"),
            httpx.ConnectError("x", request=CALL),
            True,
        ),
        (TimedOut(), httpx.ConnectTimeout("x", request=CALL), True),
        (TimedOut("Pool timeout"), httpx.PoolTimeout("x", request=CALL), True),
        (TimedOut(), httpx.ReadTimeout("x", request=CALL), False),  # it may have gone out
        (NetworkError("httpx.ReadError: reset"), httpx.ReadError("x", request=CALL), False),
        (NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("x"), False),
        (BadRequest("Bad Request: can't parse entities"), None, False),
        (TimedOut(), None, False),
    ],
)
def test_only_a_call_that_never_reached_telegram_is_sent_again(
    error: NetworkError, cause: Exception | None, resend: bool
) -> None:
    assert never_sent(_caused(error, cause)) is resend


@pytest.mark.slow
async def test_polling_survives_server_errors(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> None:
    fake = telegram_api
    fake.fail_next("getUpdates", server_error(502), server_error(500))  # from the first poll on
    settings = Settings(
        db=db_path, telegram_token=TOKEN, telegram_api_base=fake.base_url, http_port=0
    )
    async with open_runtime(settings, services):
        fake.user(CHAT)
        replies = await _say(fake, "/start")
    assert t("onboarding.welcome") in replies[0]["text"]
    assert [c.status for c in fake.calls_of("getUpdates")][:2] == [502, 500]


@pytest.mark.slow
async def test_one_chats_quick_messages_are_handled_in_order(
    telegram_api: FakeTelegram, running: Runtime, services: Services
) -> None:
    fake = telegram_api
    await _say(fake, "/start")
    # Three answers typed faster than one round trip arrive in one getUpdates batch and are
    # processed concurrently with other chats, but in order within this chat.
    fake.text(CHAT, "灵活就业")
    fake.text(CHAT, "A")
    fake.text(CHAT, "日结200")
    await fake.wait_for(lambda: len(fake.sent(CHAT)) >= 4)
    await fake.settle(CHAT, fresh=False)
    texts = [m["text"] for m in fake.sent(CHAT)]
    assert t("onboarding.ask.categories") in texts[1]
    assert t("onboarding.ask.pay") in texts[2]
    user = await services.users.get(DialogKey(Channel.TELEGRAM, str(CHAT)))
    assert user is not None
    profile = await services.seekers.get(user.id)
    assert profile is not None
    assert profile.work_form is WorkForm.FLEXIBLE
    assert profile.categories == ("A",)
    assert profile.pay.min == 200
