"""Issue 17 item 7: a bad unauthenticated request gets a 4xx (503: database), no traceback.

Before the fix: WeChat timestamps `999999999999` and `²` raised before the signature check,
GBK-declared XML raised in expat, a locked database gave a 500; a Telegram webhook update with
`"message": "x"` raised AttributeError and 200,000-deep JSON a RecursionError (both 500s).
"""

import logging
import os
import sqlite3
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")

import aiohttp
import pytest
from aiohttp import web

from bot.channels.wechat import WeChatCallback, WeChatConfig
from bot.runner import open_runtime
from bot.settings import Settings
from tests.fakes.telegram_api import (
    SECRET_HEADER,
    TOKEN,
    FakeTelegram,
    telegram_api_fixture,  # noqa: F401
)
from tests.fakes.wechat_api import WeChatSide

WX_TOKEN = "yizhanToken2026"
APP_ID = "wx1234567890abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.fixture
async def wechat(aiohttp_client, services):
    app = web.Application()
    WeChatCallback(services, WeChatConfig(WX_TOKEN, APP_ID)).add_routes(app)
    return await aiohttp_client(app)


def _no_traceback(caplog):
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("timestamp", ["999999999999", "²", "١٢٣", "-1", "1e9"])
async def test_odd_wechat_timestamps_are_refused_with_403(wechat, timestamp, caplog):
    query = {"timestamp": timestamp, "nonce": "n1", "signature": "0" * 40}
    response = await wechat.post("/wechat", params=query, data=b"<xml/>")
    assert response.status == 403
    assert _no_traceback(caplog)


async def test_gbk_declared_xml_is_refused_with_400(wechat, clock, caplog):
    side = WeChatSide(WX_TOKEN, APP_ID)
    at = int(clock().timestamp())
    xml = side.text("o-1", "你好", 1, at).replace(
        "<xml>", '<?xml version="1.0" encoding="GBK"?><xml>'
    )
    query, body = side.seal(xml, at)
    response = await wechat.post("/wechat", params=query, data=body.encode("gbk"))
    assert response.status == 400
    assert _no_traceback(caplog)


async def test_a_locked_database_gives_503_and_wechat_retries(wechat, services, db_path, clock):
    side = WeChatSide(WX_TOKEN, APP_ID)
    at = int(clock().timestamp())
    query, body = side.seal(side.text("o-1", "你好", 2, at), at)
    await services.db.execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = await wechat.post("/wechat", params=query, data=body.encode())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status == 503


async def test_malformed_telegram_updates_get_400(
    telegram_api: FakeTelegram, services, db_path: Path, caplog
):
    settings = Settings(
        db=db_path,
        telegram_token=TOKEN,
        telegram_api_base=telegram_api.base_url,
        telegram_webhook_url="https://yizhan.example.org/telegram/hook",
        telegram_webhook_secret="s3cret",
        http_host="127.0.0.1",
        http_port=0,
    )
    async with open_runtime(settings, services) as runtime:
        local = f"http://127.0.0.1:{runtime.http.port}/telegram/hook"
        bodies = [
            b'{"update_id": 1, "message": "x"}',
            b'{"update_id": 2, "callback_query": 7}',
            b"[" * 200_000 + b"]" * 200_000,
            b'{"update_id": 3, "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        ]
        async with aiohttp.ClientSession() as session:
            for body in bodies:
                async with session.post(local, data=body, headers={SECRET_HEADER: "s3cret"}) as r:
                    assert r.status == 400
    assert _no_traceback(caplog)
