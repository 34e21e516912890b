"""Issue 17 item 12: replies and pushes on one bot token share one rate budget.

Before the fix, replies went through AIORateLimiter (30/s) and pushes through the dispatcher's
own pacer (20/s): together up to 50 messages a second on one token (31 within 0.1 s seen).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.channels.telegram.app import account_budget, build_application
from bot.channels.telegram.sender import PUSH_GLOBAL_PER_S, TelegramSender
from bot.runner import open_runtime
from bot.settings import Settings
from handlers.context import Services
from models.messages import Channel, Reply
from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    telegram_api_fixture,  # noqa: F401
)

REPLIES = 60
PUSHES = 20


def _settings(fake: FakeTelegram, db_path: Path) -> Settings:
    return Settings(
        db=db_path,
        telegram_token=TOKEN,
        telegram_api_base=fake.base_url,
        http_host="127.0.0.1",
        http_port=0,
    )


@pytest.mark.slow
async def test_replies_and_pushes_together_stay_within_one_budget(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> None:
    budget = account_budget()
    application = build_application(_settings(telegram_api, db_path), services, budget)
    sender = TelegramSender.for_token(TOKEN, telegram_api.base_url)
    for chat in range(1, REPLIES + PUSHES + 1):
        telegram_api.user(chat)

    async def reply(chat: int) -> None:
        await application.bot.send_message(chat_id=chat, text="答复")

    async def push(chat: int) -> None:
        async with budget.sending(str(chat)):  # what the dispatcher's lane does around a send
            await sender.send(str(chat), Reply("新岗位"))

    async with application, sender:
        await asyncio.gather(
            *(reply(c) for c in range(1, REPLIES + 1)),
            *(push(c) for c in range(REPLIES + 1, REPLIES + PUSHES + 1)),
        )
    sends = telegram_api.calls_of("sendMessage")
    assert len(sends) == REPLIES + PUSHES
    # One budget of 20/s for all 80: at least (80 - 20) / 20 = 3 s from the first to the last
    # (20 may go at once). Separate budgets (replies 30/s, pushes 20/s) took 2.2 s.
    span = sends[-1].at - sends[0].at
    least = (REPLIES + PUSHES - PUSH_GLOBAL_PER_S) / PUSH_GLOBAL_PER_S
    assert span >= least * 0.95, span


async def test_the_running_process_gives_the_dispatcher_the_telegram_budget(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> None:
    async with open_runtime(_settings(telegram_api, db_path), services) as runtime:
        assert runtime.dispatcher is not None
        lane = runtime.dispatcher.lanes[Channel.TELEGRAM]
        assert lane.pacer is runtime.pacers[Channel.TELEGRAM]
