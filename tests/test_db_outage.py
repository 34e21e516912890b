"""The WeChat callback when PostgreSQL fails: 503, so WeChat retries, and the retry is answered.

The database is made to fail for real: its backends are terminated (a restart, a failover, an
operator's pg_terminate_backend), or it refuses connections while down. Before issue 20 the
callback answered 500 when the replay check hit the error, and "success" (a lost message) when
the turn did.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import pytest
from aiohttp import web

from bot.channels.wechat import WeChatCallback, WeChatConfig
from bot.channels.wechat_sender import WeChatSender
from bot.wechat_api import WeChatApi
from handlers.context import Policy, Services
from models.db import Database
from models.db_postgres import POOL_TIMEOUT_S
from models.messages import Reply
from models.repos.wechat import WeChatRepo
from tests.conftest import PG_SERVER, truncate_all
from tests.fakes.wechat_api import FakeWeChat, WeChatSide
from tests.test_wechat_callback import APP_ID, TOKEN, Dialog


def _terminate(url: str) -> int:
    """Close every connection to the database from the server's side, as a restart does."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid != pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


@contextmanager
def _refusing_connections(url: str):
    """The database is down: every connection is closed and new ones are refused."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            _terminate(url)
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.fixture
async def pg(pg_database, clock):
    truncate_all(pg_database)
    async with Database.open(pg_database) as db:
        yield Services(db=db, clock=clock, policy=Policy())


@pytest.fixture
async def served(aiohttp_client, pg, clock):
    fake = await FakeWeChat().start()
    api = WeChatApi(APP_ID, "s", WeChatRepo(pg.db), clock, base_url=fake.base_url)
    side = WeChatSide(TOKEN, APP_ID, None)
    dialog = Dialog()
    config = WeChatConfig(TOKEN, APP_ID, None, reply_budget_s=4.0)
    callback = WeChatCallback(pg, config, WeChatSender(pg, api), handle=dialog)
    app = web.Application()
    callback.add_routes(app)
    client = await aiohttp_client(app)
    yield client, side, dialog
    await api.aclose()
    await fake.close()


async def _post(client, side, xml, clock, query_body=None):
    query, body = query_body or side.seal(xml, int(clock().timestamp()))
    response = await client.post("/wechat", params=query, data=body.encode())
    return response.status, await response.text()


async def _retry_until_answered(client, side, xml, clock, tries=8):
    """WeChat's retries (each with a new nonce), a second apart here; returns the statuses."""
    statuses = []
    for _ in range(tries):
        status, text = await _post(client, side, xml, clock)
        statuses.append(status)
        if status != 503:
            return statuses, text
        await asyncio.sleep(1.0)
    return statuses, None


async def test_terminated_connections_answer_503_and_the_retry_is_answered(
    served, pg_database, clock
):
    client, side, dialog = served
    assert (await _post(client, side, side.text("o-1", "你好", 1, 0), clock))[0] == 200
    assert _terminate(pg_database) >= 1  # the pool's connections are dead now
    xml = side.text("o-1", "保洁", 2, 0)
    status, text = await _post(client, side, xml, clock)
    assert (status, text) == (503, "database unavailable")  # before: 500
    statuses, answer = await _retry_until_answered(client, side, xml, clock)
    assert statuses[-1] == 200
    assert "收到：保洁" in answer
    assert [m.text for m in dialog.seen] == ["你好", "保洁"]  # the retry answered, once


@pytest.mark.slow
async def test_a_database_that_refuses_connections_answers_503_within_wechats_5_s(
    served, pg_database, clock
):
    client, side, dialog = served
    assert (await _post(client, side, side.text("o-1", "你好", 1, 0), clock))[0] == 200
    xml = side.text("o-1", "保洁", 2, 0)
    with _refusing_connections(pg_database):
        for _ in range(2):  # a dead pooled connection first, then no connection at all
            started = time.monotonic()
            assert (await _post(client, side, xml, clock))[0] == 503
            assert time.monotonic() - started < 5.0  # PoolTimeout, not psycopg's 30 s
    assert POOL_TIMEOUT_S < 5.0
    statuses, answer = await _retry_until_answered(client, side, xml, clock)
    assert statuses[-1] == 200, statuses
    assert "收到：保洁" in answer
    assert [m.text for m in dialog.seen] == ["你好", "保洁"]


async def test_a_turn_cut_off_mid_way_answers_503_and_its_very_request_is_handled_again(
    aiohttp_client, pg, pg_database, clock
):
    """The connection dies inside the turn, after the replay check recorded the request."""
    side = WeChatSide(TOKEN, APP_ID, None)
    seen = []

    async def turn(incoming, services):
        seen.append(incoming.text)
        if len(seen) == 1:
            _terminate(pg_database)
        await services.users.get_or_create(incoming.key, services.clock())
        return [Reply(f"收到：{incoming.text}")]

    fake = await FakeWeChat().start()
    try:
        async with WeChatApi(APP_ID, "s", WeChatRepo(pg.db), clock, base_url=fake.base_url) as api:
            config = WeChatConfig(TOKEN, APP_ID, None, reply_budget_s=4.0)
            callback = WeChatCallback(pg, config, WeChatSender(pg, api), handle=turn)
            app = web.Application()
            callback.add_routes(app)
            client = await aiohttp_client(app)
            sealed = side.seal(side.text("o-2", "你好", 7, 0), int(clock().timestamp()))
            assert (await _post(client, side, "", clock, sealed))[0] == 503
            for _ in range(8):  # the same request again: neither a replay nor in progress
                status, text = await _post(client, side, "", clock, sealed)
                if status != 503:
                    break
                await asyncio.sleep(1.0)
    finally:
        await fake.close()
    assert status == 200
    assert "收到：你好" in text  # answered, not "success" for a replay or a turn in progress
    assert seen == ["你好", "你好"]
