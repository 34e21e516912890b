"""What `yizhan run` opens for WeChat: the `/wechat` callback with its API client and sender,
and the WeCom group robots as the sender of the WECOM channel.
"""

from __future__ import annotations

import logging

from bot.channels.wechat import WeChatCallback, WeChatConfig
from bot.channels.wechat_sender import WeChatSender
from bot.channels.wecom_robot import WeComRobotSender
from bot.errors import DeliveryError
from bot.runner import Runtime
from bot.settings import Settings, reveal
from bot.wechat_api import WeChatApi
from handlers.context import Services
from models.messages import Channel

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wechat"


def open_api(settings: Settings, services: Services) -> WeChatApi:
    """The outbound client of the configured official account."""
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        raise ValueError("YIZHAN_WECHAT_APP_ID and YIZHAN_WECHAT_APP_SECRET must be set")
    return WeChatApi(
        settings.wechat_app_id,
        reveal(settings.wechat_app_secret),
        services.repos.wechat,
        services.clock,
        base_url=settings.wechat_api_base,
    )


class WeChatChannel:
    """The official account inside a running process: callback route, API client, sender."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        config = WeChatConfig.from_settings(settings)
        if config is None:
            raise ValueError("YIZHAN_WECHAT_TOKEN, _APP_ID and _APP_SECRET must all be set")
        self._runtime = runtime
        self.api = open_api(settings, runtime.services)
        self.sender = WeChatSender(
            runtime.services,
            self.api,
            template_id=settings.wechat_subscribe_template_id,
            template_fields=settings.wechat_subscribe_fields,
        )
        self.callback = WeChatCallback(
            runtime.services, config, self.sender, on_inbound=self._user_wrote
        )
        # Routes must exist before the HTTP server starts, so they are added here.
        self.callback.add_routes(runtime.http.app, CALLBACK_PATH)
        self._safe = config.aes_key is not None

    async def __aenter__(self) -> WeChatChannel:
        try:
            await self.api.access_token()  # a wrong secret or a missing IP whitelist shows now
        except DeliveryError as exc:
            log.error("WeChat access token not available (check AppSecret, IP whitelist): %s", exc)
        self._runtime.senders[Channel.WECHAT] = self.sender
        mode = "safe (AES) mode" if self._safe else "plaintext mode"
        log.info("WeChat official account callback at %s in %s", CALLBACK_PATH, mode)
        return self

    async def _user_wrote(self, user_id: int) -> None:
        """Pushes that waited for this user's window can go now."""
        if self._runtime.dispatcher is not None:  # set once the workers have started
            await self._runtime.dispatcher.on_user_message(user_id)

    async def __aexit__(self, *exc: object) -> None:
        self._runtime.senders.pop(Channel.WECHAT, None)
        await self.callback.close()  # late answers still on their way go out first
        await self.api.aclose()


class WeComRobotsChannel:
    """The district group robots as the WECOM sender (caseworker broadcasts)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self.sender = WeComRobotSender(
            {district: reveal(url) for district, url in runtime.settings.wecom_robots.items()},
            lang=runtime.settings.lang,
        )

    async def __aenter__(self) -> WeComRobotsChannel:
        self._runtime.senders[Channel.WECOM] = self.sender
        log.info("WeCom group robots for %s", ", ".join(self.sender.districts))
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._runtime.senders.pop(Channel.WECOM, None)
        await self.sender.aclose()
