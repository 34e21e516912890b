"""微信客服 session state: who serves a conversation, and the move to the caseworkers' queue.

WeCom keeps one state per (account, user), read by kf/service_state/get and changed by
kf/service_state/trans (silenceper/wechat work/kf/servicestate.go gives the table): 0 new,
1 with the bot (智能助手), 2 in the queue for a caseworker (待接入池), 3 served by a caseworker
in the WeCom client (由人工接待), 4 ended. kf/send_msg works only in 0 and 1 (wechatpy's
`WeChatKFMessage.send` docstring), and WeCom lets nobody move a session from 2 or 3 back to
the bot: so while a caseworker serves or the seeker waits for one, the bot stays quiet, and
the seeker's next message after the session ended starts a new one (0) with the bot.
"""

from __future__ import annotations

import logging

from bot.errors import DeliveryError
from bot.wecom_api import WeComApi

log = logging.getLogger(__name__)

STATE_GET_PATH = "/cgi-bin/kf/service_state/get"
STATE_TRANS_PATH = "/cgi-bin/kf/service_state/trans"
QUEUED, SERVED_BY_STAFF = 2, 3
HUMAN_STATES = frozenset({QUEUED, SERVED_BY_STAFF})


class KfSessions:
    """Reads and moves 微信客服 session states through the 微信客服 secret's client."""

    def __init__(self, api: WeComApi) -> None:
        self._api = api

    async def with_staff(self, open_kfid: str, user_id: str) -> bool:
        """True while a caseworker serves the session or it waits in their queue.

        When WeCom cannot say (busy, unreachable), the bot answers: a send WeCom refuses
        because a person serves after all comes back as 95018, held like a closed window.
        """
        body = {"open_kfid": open_kfid, "external_userid": user_id}
        try:
            answer = await self._api.post(STATE_GET_PATH, body)
        except DeliveryError as exc:
            log.warning("微信客服 session state of %s unknown: %s", user_id, exc)
            return False
        return answer.get("service_state") in HUMAN_STATES

    async def to_staff_queue(self, open_kfid: str, user_id: str) -> bool:
        """Put the session in the caseworkers' queue (2); False when WeCom refused the move."""
        body = {"open_kfid": open_kfid, "external_userid": user_id, "service_state": QUEUED}
        try:
            await self._api.post(STATE_TRANS_PATH, body)
        except DeliveryError as exc:
            # e.g. no caseworker set up as 接待人员: the staff notice still went out.
            log.warning("微信客服 session of %s not moved to the queue: %s", user_id, exc)
            return False
        return True
