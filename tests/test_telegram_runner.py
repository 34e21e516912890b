"""`yizhan run`: refuses without a channel, serves Telegram, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")

from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    telegram_api_fixture,  # noqa: F401
)

ROOT = Path(__file__).resolve().parent.parent
YIZHAN = [sys.executable, "-c", "from bot.cli import main; main()"]


def _env(**extra: str) -> dict[str, str]:
    keep = {"YIZHAN_CACHE_DIR"}  # where the model is expanded, should `run` load it
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIZHAN_") or k in keep}
    env.update(PTB_TIMEDELTA="1", PYTHONPATH=str(ROOT), YIZHAN_HTTP_PORT="0", **extra)
    return env


@pytest.mark.slow
async def test_run_without_any_token_says_what_to_set(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *YIZHAN, "--db", str(tmp_path / "y.db"), "run",
        env=_env(YIZHAN_LANG="en"), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    message = err.decode()
    assert "YIZHAN_TELEGRAM_TOKEN" in message
    assert "yizhan chat --user NAME" in message
    assert "Traceback" not in message


@pytest.mark.slow
async def test_run_serves_telegram_and_stops_on_sigterm(
    telegram_api: FakeTelegram, tmp_path: Path
) -> None:
    env = _env(
        YIZHAN_TELEGRAM_TOKEN=TOKEN,
        YIZHAN_TELEGRAM_API_BASE=telegram_api.base_url,
        YIZHAN_DB=str(tmp_path / "y.db"),
    )
    process = await asyncio.create_subprocess_exec(
        *YIZHAN, "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await telegram_api.wait_for(lambda: telegram_api.polls > 0, 60)
        assert telegram_api.commands[None][0]["command"] == "start"  # setMyCommands, zh default
        assert telegram_api.commands["en"][0]["description"].startswith("Start")
        telegram_api.user(42)
        start = telegram_api.text(42, "/start")
        await telegram_api.settle(42)
        assert telegram_api.sent(42), "the running process answered"
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert "yizhan run 已停止" in err.decode()
    # The last getUpdates confirms the offset, so a restart does not see /start again.
    last = telegram_api.calls_of("getUpdates")[-1]
    assert last.params["offset"] == start["update_id"] + 1
    assert telegram_api.updates == []


@pytest.mark.slow
async def test_a_second_worker_on_one_database_refuses_to_long_poll(
    telegram_api: FakeTelegram, tmp_path: Path, pg_database: str
) -> None:
    """Only one process may long-poll a token: the second asks for the webhook (#20)."""
    env = _env(
        YIZHAN_TELEGRAM_TOKEN=TOKEN,
        YIZHAN_TELEGRAM_API_BASE=telegram_api.base_url,
        YIZHAN_DATABASE_URL=pg_database,
        YIZHAN_LANG="en",
    )
    first = await asyncio.create_subprocess_exec(
        *YIZHAN, "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await telegram_api.wait_for(lambda: telegram_api.polls > 0, 60)
        second = await asyncio.create_subprocess_exec(
            *YIZHAN, "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _out, err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 2, err.decode()[-3000:]
        assert "YIZHAN_TELEGRAM_WEBHOOK_URL" in err.decode()
        assert "Traceback" not in err.decode(), err.decode()[-3000:]
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), 30)
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    assert first.returncode == 0
