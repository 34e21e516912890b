"""The 微信客服 sender: kf/send_msg text inside the customer-service window, else `WindowClosed`.

微信客服 allows 5 messages within 48 hours after the user's last message, the official account's
rule; both go through `bot.channels.window`, so a push outside the window waits for the user's
next message exactly as on the official account (the dispatcher holds it). 微信客服 has no
subscription notice to fall back on. Choices are numbered options, as on the official account.
"""

from __future__ import annotations

from datetime import datetime

from bot.channels.base import Pace, SendResult
from bot.channels.wechat_render import Rendered, render, utf8_truncate
from bot.channels.window import ServiceWindow
from bot.errors import RecipientGone, WindowClosed
from bot.limits import WECOM_KF_TEXT_MAX_BYTES
from bot.wecom_api import WeComApi
from handlers.context import Services
from models.messages import Channel, DialogKey, Reply
from models.user import User

SEND_PATH = "/cgi-bin/kf/send_msg"
WELCOME_PATH = "/cgi-bin/kf/send_msg_on_event"


class WeComKfSender:
    """Sends one reply to one external_userid through the 微信客服 account they talk to."""

    channel = Channel.WECOM_KF
    # WeCom publishes no per-second cap for kf/send_msg; the official account's pace is kept.
    pace = Pace(global_per_s=20.0, per_recipient_s=1.0)

    def __init__(self, services: Services, api: WeComApi) -> None:
        self._services = services
        self._api = api
        self._window = ServiceWindow(services)
        self._choices = services.repos.wechat
        self._accounts = services.repos.wecom_kf

    async def send(self, address: str, reply: Reply) -> SendResult:
        """Send now inside the window; raises `WindowClosed` when it has no room."""
        user = await self._services.users.get(DialogKey(Channel.WECOM_KF, address))
        if user is None or not user.subscribed:
            raise RecipientGone("no longer talking to 微信客服")
        msgid = await self.send_rendered(user, render([reply], user.lang))
        return SendResult(msgid)

    async def send_rendered(self, user: User, rendered: Rendered, *, remember: bool = True) -> str:
        """One message already rendered (an answer, or a piece of one); its WeCom msgid."""
        open_kfid = await self._accounts.account_of(user.id)
        if open_kfid is None:
            raise RecipientGone("never wrote to a 微信客服 account")
        body = {"touser": user.key.user_id, "open_kfid": open_kfid, **_text(rendered.text)}
        sent: list[str] = []

        async def deliver() -> None:
            answer = await self._api.post(SEND_PATH, body)
            sent.append(str(answer.get("msgid", "")))

        now = self._services.clock()
        if not await self._window.send(user, now, deliver):
            raise WindowClosed("48-hour window closed or its 5 messages spent")
        await self._remember(user, rendered, now, remember)
        return sent[0]

    async def send_welcome(self, user: User, code: str, rendered: Rendered) -> None:
        """The one message an enter_session's welcome_code allows (within 20 s of the event)."""
        await self._api.post(WELCOME_PATH, {"code": code, **_text(rendered.text)})
        await self._remember(user, rendered, self._services.clock(), True)

    async def _remember(
        self, user: User, rendered: Rendered, now: datetime, remember: bool
    ) -> None:
        if remember:
            # A bare number in the user's next message now refers to these options.
            await self._choices.save_choices(user.id, rendered.choices, rendered.multi, now)


def _text(text: str) -> dict[str, object]:
    """A text message's fields, cut to what kf/send_msg takes."""
    return {"msgtype": "text", "text": {"content": utf8_truncate(text, WECOM_KF_TEXT_MAX_BYTES)}}
