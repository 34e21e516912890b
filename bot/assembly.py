"""What `yizhan run` serves, listed in one place (like datasette's `DEFAULT_PLUGINS`).

- A channel is a `ChannelSpec(name, settings it needs, opener)`: the opener takes the `Runtime`,
  may add routes before the HTTP server starts, and on entering puts its `Sender` into
  `runtime.senders`. Add a line to `CHANNELS`.
- A component serves on the HTTP server but sends nothing (the web console): `COMPONENTS`.
- A worker runs after every channel and stops first: `WORKERS` (in start order).
- An area's periodic jobs: an installer `async (scheduler) -> None` in `TIMERS`.
"""

from __future__ import annotations

from bot.caseworker_jobs import caseworker_jobs
from bot.channels.telegram_app import TelegramChannel
from bot.channels.wechat_app import WeChatChannel, WeComRobotsChannel
from bot.channels.wecom_kf_app import WeComKfChannel
from bot.group_jobs import group_jobs
from bot.runner import ChannelSpec, Opener, Parts, TimerInstaller, dispatching, scheduling
from bot.scheduler import install_delivery_timers
from bot.web.runtime import WebConsole

CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("Telegram", ("telegram_token",), TelegramChannel),
    ChannelSpec("WeChat", ("wechat_token", "wechat_app_id", "wechat_app_secret"), WeChatChannel),
    ChannelSpec("WeCom robots", ("wecom_robots",), WeComRobotsChannel),
    ChannelSpec(
        "WeCom 微信客服", ("wecom_corp_id", "wecom_token", "wecom_aes_key"), WeComKfChannel
    ),
)
COMPONENTS: tuple[ChannelSpec, ...] = (ChannelSpec("Web console", ("web_console",), WebConsole),)
TIMERS: tuple[TimerInstaller, ...] = (install_delivery_timers,)
WORKERS: tuple[tuple[str, Opener], ...] = (
    ("dispatcher", dispatching),
    ("scheduler", scheduling(TIMERS)),
    ("caseworker", caseworker_jobs),  # after the scheduler: it installs the check-in timer
    ("customer_groups", group_jobs),  # after the scheduler: daily digests, hourly results
)
PARTS = Parts(CHANNELS, COMPONENTS, WORKERS)
