"""`yizhan groups …` and `yizhan wechat qrcode` against the fakes (served from a thread: the CLI
runs its own event loop)."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from handlers.context import Services
from models.db import Database
from tests.delivery_builders import make_posting, publish_now
from tests.fakes.wechat_api import FakeWeChat
from tests.fakes.wecom_api import FakeWeCom
from tests.fakes.wecom_groups import YANGLIUQING, ZHANGJIAWO, FakeGroups, fake_with_groups

KF = "https://work.weixin.qq.com/kfid/kfc0123456789"


@contextmanager
def in_thread(fake: FakeWeCom | FakeWeChat) -> Iterator[None]:
    """Serve a fake from its own event loop in a thread while the block runs."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(5)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(fake.close(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


@pytest.fixture
def served() -> Iterator[tuple[FakeWeCom, FakeGroups]]:
    fake, groups = fake_with_groups(ZHANGJIAWO, YANGLIUQING)
    with in_thread(fake):
        yield fake, groups


def _run(db_path, fake, *args):
    env = {"YIZHAN_WECOM_CORP_ID": "wwcorp", "YIZHAN_WECOM_SECRET": "app-secret",
           "YIZHAN_WECOM_API_BASE": fake.base_url, "YIZHAN_WECOM_KF_URL": KF}  # fmt: skip
    return CliRunner().invoke(app, ["--db", str(db_path), "groups", *args], env=env)


def test_sync_tag_preview_send_results(db_path, served):
    fake, groups = served

    async def fill() -> int:
        async with Database.open(db_path) as db:
            services = Services(db=db)
            pid = await make_posting(services, "商场保洁员")
            await publish_now(services, pid, services.clock() + timedelta(days=3))
            return pid

    pid = asyncio.run(fill())
    result = _run(db_path, fake, "sync")
    assert result.exit_code == 0, result.output
    assert "已同步 2 个客户群" in result.output
    assert "张家窝保洁群" in _run(db_path, fake, "list").output
    bad = _run(db_path, fake, "tag", "wrAAA1", "西青区 · 扫大街")
    assert bad.exit_code == 2
    assert "群标签无法识别" in bad.output
    tagged = _run(db_path, fake, "tag", "wrAAA1", "西青区 · 保洁", "--by", "王社工")
    assert "西青区 · 家政/保洁" in tagged.output
    preview = _run(db_path, fake, "preview", "wrAAA1")
    assert f"J{pid}" in preview.output
    assert "138****5678" in preview.output
    assert groups.tasks == {}  # a preview creates nothing
    untagged = _run(db_path, fake, "preview", "wrBBB2")
    assert "还没有群标签" in untagged.output
    sent = _run(db_path, fake, "send", "--all", "--by", "王社工")
    assert sent.exit_code == 0, sent.output
    assert "请群主 zhangsan 在企业微信里确认发送" in sent.output
    assert list(groups.tasks) == ["msg1"]
    assert "待群主确认" in _run(db_path, fake, "results").output
    groups.confirm("msg1")
    assert "已发送" in _run(db_path, fake, "results").output
    again = _run(db_path, fake, "send", "wrAAA1")
    assert "今天已经有一条群发" in again.output
    assert _run(db_path, fake, "preview", "nope").exit_code == 1


def test_wechat_qrcode_prints_the_image_url_and_ticket(db_path):
    fake = FakeWeChat()
    env = {"YIZHAN_WECHAT_APP_ID": "wxapp", "YIZHAN_WECHAT_APP_SECRET": "s"}
    with in_thread(fake):
        env["YIZHAN_WECHAT_API_BASE"] = fake.base_url
        args = ["--db", str(db_path), "wechat", "qrcode", "--scene", "西青区-张家窝驿站"]
        result = CliRunner().invoke(app, args, env=env)
        too_long = CliRunner().invoke(app, [*args[:-1], "x" * 65], env=env)
    assert result.exit_code == 0, result.output
    assert "场景：西青区-张家窝驿站（永久）" in result.output
    assert "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQ" in result.output
    [call] = fake.sent("/cgi-bin/qrcode/create")
    assert call.body["action_info"]["scene"]["scene_str"] == "西青区-张家窝驿站"
    assert too_long.exit_code == 2
