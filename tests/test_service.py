"""`yizhan run` as an operator sees it: /healthz and /metrics over real HTTP on localhost, JSON
log lines, and no secret in any log line (issue 12)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.health import HealthRoutes
from bot.metrics import Metrics
from handlers.context import Services
from models.db import Database
from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    telegram_api_fixture,  # noqa: F401
)
from tests.fakes.wechat_api import FakeWeChat

ROOT = Path(__file__).resolve().parent.parent
YIZHAN = [sys.executable, "-c", "from bot.cli import main; main()"]
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SECRETS = {
    "YIZHAN_TELEGRAM_TOKEN": TOKEN,
    "YIZHAN_TELEGRAM_WEBHOOK_SECRET": "webhook-secret-4f1c9e",
    "YIZHAN_WECHAT_TOKEN": "cbtoken7731",
    "YIZHAN_WECHAT_APP_SECRET": "appsecret-9d2b7a61c0",
    "YIZHAN_WECHAT_AES_KEY": AES_KEY,
}
ROBOT_KEY = "robotkey-5e8f0a3d"


@pytest.fixture(name="wechat_api")
async def wechat_api_fixture() -> AsyncIterator[FakeWeChat]:
    server = await FakeWeChat().start()
    yield server
    await server.close()


async def _listening_port(stderr: asyncio.StreamReader, seen: list[str]) -> int:
    while True:
        line = (await stderr.readline()).decode()
        if not line:
            raise AssertionError("yizhan run ended before listening:\n" + "".join(seen))
        seen.append(line)
        if line.startswith("{"):
            record = json.loads(line)
            if record["message"].startswith("HTTP server listening on"):
                return int(record["message"].rsplit(":", 1)[1])


@pytest.mark.slow
async def test_run_serves_healthz_and_metrics_and_logs_json_without_secrets(
    telegram_api: FakeTelegram, wechat_api: FakeWeChat, tmp_path: Path
) -> None:
    keep = {"YIZHAN_CACHE_DIR"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIZHAN_") or k in keep}
    env.update(
        SECRETS,
        PTB_TIMEDELTA="1",
        PYTHONPATH=str(ROOT),
        YIZHAN_DB=str(tmp_path / "y.db"),
        YIZHAN_HTTP_PORT="0",
        YIZHAN_LOG_FORMAT="json",
        YIZHAN_TELEGRAM_API_BASE=telegram_api.base_url,
        YIZHAN_WECHAT_APP_ID="wxapp",
        YIZHAN_WECHAT_API_BASE=wechat_api.base_url,
        YIZHAN_WECOM_ROBOTS=json.dumps({"西青区": wechat_api.robot_url(ROBOT_KEY)}),
    )
    process = await asyncio.create_subprocess_exec(
        *YIZHAN, "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    seen: list[str] = []
    try:
        port = await asyncio.wait_for(_listening_port(process.stderr, seen), 120)
        await telegram_api.wait_for(lambda: telegram_api.polls > 0, 60)
        telegram_api.user(42)
        telegram_api.text(42, "你好，我的电话是13812345678")
        await telegram_api.settle(42)
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/healthz") as response:
                assert response.status == 200
                health = await response.json()
            async with session.get(f"{base}/metrics") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
                metrics = await response.text()
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), 60)
        seen.append(err.decode())
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert health["status"] == "ok"
    assert health["database"] == "ok"
    assert health["channels"] == {"Telegram": "up", "WeChat": "up", "WeCom robots": "up"}
    assert health["queue"]["depth"] == 0
    assert health["queue"]["oldest_due"] is None
    assert 'yizhan_messages_in_total{channel="telegram"} 1.0' in metrics
    assert 'yizhan_messages_out_total{channel="telegram"}' in metrics
    assert "yizhan_encoder_batch_seconds_count " in metrics  # the model is loaded by run
    log = "".join(seen)
    assert process.returncode == 0, log
    lines = [line for line in log.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(r["message"].startswith("inbound telegram message") for r in records)
    for value in [*SECRETS.values(), ROBOT_KEY]:
        assert value not in log, f"a secret ({value[:4]}…) reached the logs"
    assert "13812345678" not in log  # no phone number and no message text at INFO
    assert "你好" not in log


async def test_healthz_answers_503_when_the_database_is_gone(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "y.db") as db:
        services = Services(db=db)
        routes = HealthRoutes(services, {"Telegram": "up"}, Metrics())
        app = aiohttp.web.Application()
        routes.add_routes(app)
    # The database is closed now: the same routes must report it, not crash.
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 503
                body = await response.json()
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 200
    finally:
        await runner.cleanup()
    assert body["status"] == "unavailable"
    assert body["database"] == "unreachable"
    assert body["queue"] is None


def test_metrics_registries_are_per_instance() -> None:
    first, second = Metrics(), Metrics()
    first.turn("telegram", 2)
    assert b'yizhan_messages_in_total{channel="telegram"} 1.0' in first.render()
    assert b"yizhan_messages_in_total{" not in second.render()
