"""What `yizhan run` opens for 微信客服: the `/wecom/callback` route, kf client, sync, sender,
and, when the app's own secret (客户联系) is set too, the customer-group change events."""

from __future__ import annotations

import logging

from bot.channels.wecom_callback import WeComCallback, WeComConfig
from bot.channels.wecom_kf import KfSync
from bot.channels.wecom_kf_sender import WeComKfSender
from bot.errors import DeliveryError
from bot.group_events import GroupEvents
from bot.runner import Runtime
from bot.wecom_api import open_app_api, open_kf_api
from bot.wecom_groups import GroupsApi
from models.messages import Channel

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wecom/callback"


class WeComKfChannel:
    """微信客服 inside a running process: callback route, kf client, sync and sender."""

    def __init__(self, runtime: Runtime) -> None:
        config = WeComConfig.from_settings(runtime.settings)
        if config is None:
            raise ValueError("YIZHAN_WECOM_CORP_ID, _TOKEN and _AES_KEY must all be set")
        self._runtime = runtime
        self.api = open_kf_api(runtime.settings, runtime.services)
        self.sender = WeComKfSender(runtime.services, self.api)
        self.sync = KfSync(runtime.services, self.api, self.sender, on_inbound=self._user_wrote)
        self.groups_api = open_app_api(runtime.settings, runtime.services)
        self.group_events = (
            None if self.groups_api is None
            else GroupEvents(runtime.services, GroupsApi(self.groups_api))
        )  # fmt: skip
        callback = WeComCallback(
            config,
            runtime.services.clock,
            self.sync.wake,
            None if self.group_events is None else self.group_events.wake,
        )
        # Routes must exist before the HTTP server starts, so they are added here.
        callback.add_routes(runtime.http.app, CALLBACK_PATH)

    async def __aenter__(self) -> WeComKfChannel:
        try:
            await self.api.access_token()  # a wrong secret or an untrusted IP shows now
        except DeliveryError as exc:
            log.error("WeCom access token not available (check secret, trusted IP): %s", exc)
        self._runtime.senders[Channel.WECOM_KF] = self.sender
        self.sync.start()  # messages that came while we were down
        log.info("WeCom 微信客服 callback at %s", CALLBACK_PATH)
        return self

    async def _user_wrote(self, user_id: int) -> None:
        """Pushes that waited for this user's window can go now."""
        if self._runtime.dispatcher is not None:  # set once the workers have started
            await self._runtime.dispatcher.on_user_message(user_id)

    async def __aexit__(self, *exc: object) -> None:
        self._runtime.senders.pop(Channel.WECOM_KF, None)
        await self.sync.close()  # the message being answered is finished first
        await self.api.aclose()
        if self.group_events is not None and self.groups_api is not None:
            await self.group_events.close()
            await self.groups_api.aclose()
