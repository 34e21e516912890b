"""Webhook mode: our aiohttp route on 127.0.0.1 takes updates only with Telegram's secret token."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")

import aiohttp

from bot.runner import open_runtime
from bot.settings import Settings
from handlers.context import Services
from tests.fakes.telegram_api import (
    SECRET_HEADER,
    TOKEN,
    FakeTelegram,
    telegram_api_fixture,  # noqa: F401
)

PUBLIC_URL = "https://yizhan.example.org/telegram/hook"


def _settings(fake: FakeTelegram, db: Path, secret: str | None) -> Settings:
    return Settings(
        db=db,
        telegram_token=TOKEN,
        telegram_api_base=fake.base_url,
        telegram_webhook_url=PUBLIC_URL,
        telegram_webhook_secret=secret,
        http_host="127.0.0.1",
        http_port=0,
    )


@pytest.mark.slow
async def test_webhook_needs_the_secret_token(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> None:
    settings = _settings(telegram_api, db_path, "s3cret-Token_1")
    async with open_runtime(settings, services) as runtime:
        assert telegram_api.webhook == {"url": PUBLIC_URL, "secret_token": "s3cret-Token_1"}
        local = f"http://127.0.0.1:{runtime.http.port}/telegram/hook"
        telegram_api.user(42)
        update = telegram_api.text(42, "你好")
        telegram_api.updates.clear()  # delivered by webhook, not by getUpdates

        assert await telegram_api.post_to(local, update, secret=None) == 403
        assert await telegram_api.post_to(local, update, secret="s3cret-Token_2") == 403
        assert await telegram_api.post_to(local, update, secret="") == 403
        assert telegram_api.sent(42) == []  # refused requests reach nobody

        assert await telegram_api.post_to(local, update, secret="s3cret-Token_1") == 200
        replies = telegram_api.sent(42)  # the 200 comes once the turn is done
        assert replies, "the accepted update was answered"

        # Telegram redelivers when unsure; the same update id is answered once.
        assert await telegram_api.post_to(local, update, secret="s3cret-Token_1") == 200
        assert len(telegram_api.sent(42)) == len(replies)

        async with (
            aiohttp.ClientSession() as session,
            session.post(local, data=b"{not json", headers={SECRET_HEADER: "s3cret-Token_1"}) as r,
        ):
            assert r.status == 400
    assert telegram_api.calls_of("getUpdates") == []  # webhook mode never polls


@pytest.mark.slow
async def test_webhook_without_a_configured_secret_gets_a_random_one(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> None:
    async with open_runtime(_settings(telegram_api, db_path, None), services) as runtime:
        assert telegram_api.webhook is not None
        secret = telegram_api.webhook["secret_token"]
        assert secret is not None
        assert len(secret) >= 32
        local = f"http://127.0.0.1:{runtime.http.port}/telegram/hook"
        telegram_api.user(7)
        update = telegram_api.text(7, "你好")
        telegram_api.updates.clear()
        assert await telegram_api.post_to(local, update, secret=None) == 403
        assert await telegram_api.post_to(local, update, secret=secret) == 200
        assert telegram_api.sent(7)


@pytest.mark.slow
async def test_an_update_is_acknowledged_only_once_its_turn_is_done(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> None:
    """Telegram sends an unanswered update again, so the 200 comes after the reply went out:
    a worker killed meanwhile has acknowledged nothing it did not handle, and one stopping
    finishes the turn under way before its bot closes."""
    secret = "s3cret-Token_1"
    running = open_runtime(_settings(telegram_api, db_path, secret), services)
    runtime = await running.__aenter__()
    stopping: asyncio.Task[bool | None] | None = None
    release = telegram_api.hold("sendMessage")
    try:
        local = f"http://127.0.0.1:{runtime.http.port}/telegram/hook"
        telegram_api.user(42)
        update = telegram_api.text(42, "你好")
        telegram_api.updates.clear()
        posted = asyncio.create_task(telegram_api.post_to(local, update, secret=secret))
        await telegram_api.wait_for(lambda: telegram_api.holding["sendmessage"] > 0)
        await asyncio.sleep(0.3)
        assert not posted.done()  # its reply is still on its way: not acknowledged
        stopping = asyncio.create_task(running.__aexit__(None, None, None))
        await asyncio.sleep(0.5)
        assert not stopping.done()  # the worker waits for the turn it holds
        release.set()
        assert await asyncio.wait_for(posted, 10) == 200
    finally:
        release.set()
        await asyncio.wait_for(stopping or running.__aexit__(None, None, None), 30)
    assert telegram_api.sent(42), "the turn under way was answered before the bot closed"
    assert all(c.status == 200 for c in telegram_api.calls_of("sendMessage"))
