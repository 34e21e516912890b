"""The delivery pipeline's WeChat sender: customer-service text inside the window, else 订阅通知.

WeChat allows 5 customer-service messages within 48 hours of the user's last message (the rule
`bot.channels.window`, shared with 微信客服); outside that, only a 订阅通知 the user accepted.
When neither route is open the sender raises `WindowClosed` and the dispatcher applies its
policy (the delivery waits for the user's next message or expires).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.channels.base import Pace, SendResult
from bot.channels.wechat_render import Rendered, render, utf8_truncate
from bot.channels.window import ServiceWindow
from bot.errors import RecipientGone, WindowClosed
from bot.limits import WECHAT_TEXT_MAX_BYTES
from bot.wechat_api import ConsentMissing, WeChatApi
from handlers.context import Services
from handlers.texts import t
from models.messages import Channel, DialogKey, Reply
from models.timeutil import local
from models.user import User

log = logging.getLogger(__name__)

# 订阅通知 keyword limits: thing ≤ 20 characters, phrase ≤ 5; time/date take a formatted time.
THING_MAX_CHARS = 20
PHRASE_MAX_CHARS = 5
DEFAULT_TEMPLATE_FIELDS = ("thing1", "thing2", "time3")


class WeChatSender:
    """Sends one reply to one openid, keeping within the 48-hour window and its 5 messages."""

    channel = Channel.WECHAT
    # WeChat publishes no per-second cap for custom/send; 20/s keeps a burst of job alerts far
    # inside the daily quota, and 1 s between two messages to one person reads as a conversation.
    pace = Pace(global_per_s=20.0, per_recipient_s=1.0)

    def __init__(
        self,
        services: Services,
        api: WeChatApi,
        *,
        template_id: str | None = None,
        template_fields: Sequence[str] = DEFAULT_TEMPLATE_FIELDS,
    ) -> None:
        self._services = services
        self._api = api
        self._repo = services.repos.wechat
        self._window = ServiceWindow(services)
        self._template_id = template_id
        self._template_fields = tuple(template_fields)

    async def send(self, address: str, reply: Reply) -> SendResult:
        """Send now by the first open route; raises `WindowClosed` when none is open."""
        user = await self._recipient(address)
        now = self._services.clock()
        if await self._send_in_window(user, render([reply], user.lang), now, remember=True):
            return SendResult()
        if self._template_id and await self._repo.subscribed(user.id, self._template_id):
            await self._send_subscription(user, self._template_id, reply.text, now)
            return SendResult()
        raise WindowClosed("48-hour window closed or its 5 messages spent; no 订阅通知 consent")

    async def send_rendered(
        self, address: str, rendered: Rendered, *, remember_choices: bool = True
    ) -> None:
        """Customer-service text already rendered (the callback's late answers, in pieces)."""
        user = await self._recipient(address)
        now = self._services.clock()
        if not await self._send_in_window(user, rendered, now, remember=remember_choices):
            raise WindowClosed("48-hour window closed or its 5 messages spent")

    async def _recipient(self, address: str) -> User:
        user = await self._services.users.get(DialogKey(Channel.WECHAT, address))
        if user is None or not user.subscribed:
            raise RecipientGone("not following the official account")
        return user

    async def window_left(self, user: User, now: datetime) -> int:
        """How many customer-service messages the user's window still allows."""
        return await self._window.left(user, now)

    async def _send_in_window(
        self, user: User, rendered: Rendered, now: datetime, *, remember: bool
    ) -> bool:
        """True when sent as customer-service text; False when the window has no room."""
        text = utf8_truncate(rendered.text, WECHAT_TEXT_MAX_BYTES)
        if not await self._window.send(
            user, now, lambda: self._api.send_text(user.key.user_id, text)
        ):
            return False
        if remember:
            # A bare number in the user's next message now refers to these options.
            await self._repo.save_choices(user.id, rendered.choices, rendered.multi, now)
        return True

    async def _send_subscription(
        self, user: User, template_id: str, text: str, now: datetime
    ) -> None:
        try:
            await self._api.send_subscribe(
                user.key.user_id, template_id, self._template_data(text, user.lang, now)
            )
        except ConsentMissing as exc:
            # A one-time consent is used up, or the user turned the notice off.
            await self._repo.set_subscription(user.id, template_id, False, now)
            raise WindowClosed(str(exc)) from exc

    def _template_data(self, text: str, lang: str, now: datetime) -> dict[str, str]:
        """Fill the template's keywords from the text's first lines (a job card: title, pay …)."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        data: dict[str, str] = {}
        for name in self._template_fields:
            if name.startswith(("time", "date")):
                data[name] = local(now).strftime("%Y年%m月%d日 %H:%M")
                continue
            value = lines.pop(0) if lines else t("wechat.subscribe.more", lang)
            limit = PHRASE_MAX_CHARS if name.startswith("phrase") else THING_MAX_CHARS
            data[name] = value if len(value) <= limit else value[: limit - 1] + "…"
        return data
