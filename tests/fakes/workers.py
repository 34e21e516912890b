"""Real `yizhan run` worker processes for the chaos test and scripts/bench_startup.py: the
command, its environment (PostgreSQL, Telegram behind a webhook on the fake Bot API, the
official account on the fake WeChat API when given) and a cache folder of its own that shares
the expanded model files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.fakes.wechat_api import FakeWeChat

ROOT = Path(__file__).resolve().parent.parent.parent
YIZHAN_RUN = [sys.executable, "-c", "from bot.cli import main; main()", "run"]


def model_cache() -> Path:
    """Where this machine keeps the expanded model (the same default as the settings)."""
    return Path(os.environ.get("YIZHAN_CACHE_DIR", Path.home() / ".cache" / "yizhan"))


WECHAT_TOKEN = "chaos-callback-token"
WECHAT_APP_ID = "wx5c0a1d2e3f405162"


def worker_env(
    url: str, telegram: FakeTelegram, cache: Path, wechat: FakeWeChat | None = None
) -> dict[str, str]:
    """The environment of one `yizhan run` worker on `url`, with `cache` as its cache folder.

    Several workers on one token need a webhook (only one may long-poll); nothing posts to it.
    With `wechat`, the official account (plaintext callback) sends through that fake.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIZHAN_")}
    env.update(
        PYTHONPATH=str(ROOT),
        PTB_TIMEDELTA="1",
        YIZHAN_DATABASE_URL=url,
        YIZHAN_CACHE_DIR=str(cache),
        YIZHAN_HTTP_PORT="0",
        YIZHAN_LOG_FORMAT="json",
        YIZHAN_TELEGRAM_TOKEN=TOKEN,
        YIZHAN_TELEGRAM_API_BASE=telegram.base_url,
        YIZHAN_TELEGRAM_WEBHOOK_URL="https://yizhan.example/telegram",
        YIZHAN_TELEGRAM_WEBHOOK_SECRET="webhook-secret-4f1c9e",
    )
    if wechat is not None:
        env.update(
            YIZHAN_WECHAT_TOKEN=WECHAT_TOKEN,
            YIZHAN_WECHAT_APP_ID=WECHAT_APP_ID,
            YIZHAN_WECHAT_APP_SECRET="chaos-app-secret",
            YIZHAN_WECHAT_API_BASE=wechat.base_url,
        )
    return env


def fresh_cache(models: Path, into: Path) -> Path:
    """A cache folder sharing the expanded model files (and the model's identity record) but
    holding no index files: a worker on a host of its own."""
    into.mkdir()
    for entry in models.iterdir():
        if entry.is_dir() and entry.name != "indexes":
            (into / entry.name).symlink_to(entry)
    return into
