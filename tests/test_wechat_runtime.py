"""`yizhan run` serves /wechat for the configured account; `yizhan wechat menu` sets the menu."""

import asyncio
import os

import aiohttp
import pytest
from typer.testing import CliRunner

from bot.channels.wechat_sender import WeChatSender
from bot.channels.wecom_robot import WeComRobotSender
from bot.cli import app as cli_app
from bot.runner import open_runtime
from bot.settings import Settings
from models.messages import Channel
from tests.fakes.wechat_api import FakeWeChat, WeChatSide

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.fixture
async def fake():
    server = await FakeWeChat().start()
    yield server
    await server.close()


def _settings(tmp_path, fake, **extra):
    return Settings(
        db=tmp_path / "y.db",
        http_host="127.0.0.1",
        http_port=0,
        wechat_token="tok",
        wechat_app_id="wxapp",
        wechat_app_secret="secret",
        wechat_api_base=fake.base_url,
        **extra,
    )


async def test_run_serves_the_callback_in_safe_mode(tmp_path, fake, services, clock):
    settings = _settings(
        tmp_path, fake, wechat_aes_key=AES_KEY, wecom_robots={"西青区": fake.robot_url("K")}
    )
    side = WeChatSide("tok", "wxapp", AES_KEY)
    async with open_runtime(settings, services) as runtime:
        assert isinstance(runtime.senders[Channel.WECHAT], WeChatSender)
        assert isinstance(runtime.senders[Channel.WECOM], WeComRobotSender)
        assert fake.tokens_issued == 1  # fetched at start: a wrong secret shows at once
        url = f"http://127.0.0.1:{runtime.http.port}/wechat"
        now = int(clock().timestamp())
        async with aiohttp.ClientSession() as session:
            query = side.query(now) | {"echostr": "hello"}
            async with session.get(url, params=query) as response:
                assert await response.text() == "hello"
            query, body = side.seal(side.text("o-run", "你好", 1, now), now)
            async with session.post(url, params=query, data=body.encode()) as response:
                reply = side.open_reply(await response.text())
    assert "您想要哪种就业形式？" in reply["Content"]
    assert "1 稳定就业" in reply["Content"]
    assert Channel.WECHAT not in runtime.senders


async def test_run_starts_even_when_the_token_cannot_be_had(tmp_path, fake, services):
    fake.answer("/cgi-bin/token", 40164)  # IP not whitelisted: logged, passive replies still work
    async with open_runtime(_settings(tmp_path, fake), services) as runtime:
        assert Channel.WECHAT in runtime.senders


def _yizhan(*args, **env):
    """`yizhan ARGS` in-process (in a thread: the command runs its own event loop)."""
    clean = {k: None for k in os.environ if k.startswith("YIZHAN_")}
    return CliRunner().invoke(cli_app, list(args), env=clean | env)


async def test_wechat_menu_command_installs_the_menu(tmp_path, fake):
    env = {
        "YIZHAN_DB": str(tmp_path / "y.db"),
        "YIZHAN_WECHAT_APP_ID": "wxapp",
        "YIZHAN_WECHAT_APP_SECRET": "secret",
        "YIZHAN_WECHAT_API_BASE": fake.base_url,
    }
    result = await asyncio.to_thread(_yizhan, "wechat", "menu", **env)
    assert result.exit_code == 0, result.output
    assert "菜单已创建：找工作 / 我的资料 / 更多（发布零工、帮助）" in result.stdout
    menu = fake.sent("/cgi-bin/menu/create")[0].body
    assert [b["name"] for b in menu["button"]] == ["找工作", "我的资料", "更多"]

    fake.answer("/cgi-bin/menu/create", 40018)  # invalid button name
    result = await asyncio.to_thread(_yizhan, "wechat", "menu", **env)
    assert result.exit_code == 1
    assert "40018" in result.stderr
    assert fake.tokens_issued == 1  # the second run reused the stored token

    result = await asyncio.to_thread(_yizhan, "wechat", "menu")
    assert result.exit_code == 2
    assert "YIZHAN_WECHAT_APP_ID" in result.stderr
