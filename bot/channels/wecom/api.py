"""Our async client for the WeCom server API (企业微信): the self-built app, 客户联系 and 微信客服.

Same shape as the official-account client (`bot.channels.wechat.api.TokenApi`): the token comes
from `/cgi-bin/gettoken` with the corp id and one secret, and is stored per (corp, secret kind) so
a restart or a second worker reuses it. WeCom's errcodes differ from the official account's (40001
is a wrong *secret* here, not a wrong token), so it has its own `classify_wecom`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from bot.channels.wechat.api import DEFAULT_TIMEOUT_S, TokenApi, TokenExpired
from bot.delivery.errors import (
    DeliveryError,
    Permanent,
    RateLimited,
    RecipientGone,
    Transient,
    WindowClosed,
    errcode_of,
)
from bot.settings import Settings, reveal
from handlers.context import Services
from models.repos.wechat import WeChatRepo

# 45009: the API's frequency limit (per minute and per hour for one corp); 45033: too many
# concurrent calls. A minute's wait clears the first kind, a moment the second.
FREQUENCY_RETRY_S = 60.0

_TOKEN_ERRCODES = frozenset({40014, 41001, 42001})  # invalid, missing, expired access_token
_TRANSIENT_ERRCODES = frozenset({-1, 45033})  # system busy; too many concurrent calls
# 40050 "chatid不存在", 90501 "该群不是客户群": the group was dissolved or is not ours to reach
# any more. Both as in WeCom's global errcode table, mirrored by WxJava
# (weixin-java-common/.../error/WxCpErrorMsgEnum.java, CODE_40050) and zsmhub/workweixin
# (apis/api_error.go, ErrCode40050 and ErrCode90501).
_GROUP_GONE_ERRCODES = frozenset({40050, 90501})


# 微信客服 kf/send_msg, after ooiai/wxkefu-rs (src/errors.rs): 95001 the 5 messages after the
# user's last one are spent, 95002 past the 48 hours, 95024 no message from the user within
# 48 hours (a menu click does not count). 95018 "send msg session status invalid" (seen in
# whyiyhw/chatgpt-wechat#128, langbot-app/LangBot#2061): send_msg works only while the session
# is new or with the bot (service_state 0/1, silenceper/wechat work/kf/sendmsg.go), so a
# caseworker serving it (3) or the queue (2) refuses us. In each case only the user's next
# message can open the window again. (95013 was here from memory; no source lists it.)
_KF_WINDOW_ERRCODES = frozenset({95001, 95002, 95018, 95024})


class GroupGone(RecipientGone):
    """A customer group WeCom no longer knows (dissolved): mark it, never send to it again."""


def classify_wecom(status: int, body: Mapping[str, Any] | None) -> DeliveryError | None:
    """Map one WeCom answer (HTTP status, decoded JSON) to an error, or None for success."""
    failed, errcode, detail = errcode_of(status, body)
    if failed is not None or errcode == 0:
        return failed
    if errcode == 45009:
        return RateLimited(FREQUENCY_RETRY_S, detail)
    if errcode in _TOKEN_ERRCODES:
        return TokenExpired(detail)
    if errcode in _TRANSIENT_ERRCODES:
        return Transient(detail)
    if errcode in _GROUP_GONE_ERRCODES:
        return GroupGone(detail)
    if errcode in _KF_WINDOW_ERRCODES:
        return WindowClosed(detail)
    # 40001 wrong secret, 40013 wrong corp id, 48002 API not permitted to this app, 60020 the
    # server's IP is not trusted: configuration a caseworker must fix, never worth a retry.
    return Permanent(detail)


class WeComApi(TokenApi):
    """One WeCom secret's API: `kind` names the secret (the app's, 客户联系's or 微信客服's)."""

    token_path = "/cgi-bin/gettoken"

    def __init__(
        self,
        corp_id: str,
        secret: str,
        repo: WeChatRepo,
        clock: Callable[[], datetime],
        *,
        kind: str = "app",
        base_url: str = "https://qyapi.weixin.qq.com",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            f"wecom:{corp_id}:{kind}",
            repo,
            clock,
            base_url=base_url,
            timeout_s=timeout_s,
            http=http,
        )
        self.corp_id = corp_id
        self._secret = secret

    def _token_params(self) -> dict[str, str]:
        return {"corpid": self.corp_id, "corpsecret": self._secret}

    def classify(self, status: int, body: Mapping[str, Any] | None) -> DeliveryError | None:
        """WeCom's errcodes (`classify_wecom`)."""
        return classify_wecom(status, body)

    async def post(self, path: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        """POST `body` to `path` with the access token; the decoded answer on errcode 0."""
        return await self._call(path, body)

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Mapping[str, Any]:
        """GET `path` with the access token and `params`; the decoded answer on errcode 0."""
        return await self._call(path, None, method="GET", params=params)


def open_kf_api(settings: Settings, services: Services) -> WeComApi:
    """The 微信客服 client: its own secret, or the app's when the app manages 微信客服."""
    secret = reveal(settings.wecom_kf_secret) or reveal(settings.wecom_secret)
    if not (settings.wecom_corp_id and secret):
        raise ValueError(
            "YIZHAN_WECOM_CORP_ID and YIZHAN_WECOM_KF_SECRET (or _SECRET) must be set"
        )
    return WeComApi(
        settings.wecom_corp_id,
        secret,
        services.repos.wechat,
        services.clock,
        kind="kf",
        base_url=settings.wecom_api_base,
    )


def open_app_api(settings: Settings, services: Services) -> WeComApi | None:
    """The app's own client (客户联系: customer groups), or None when its secret is unset."""
    if not (settings.wecom_corp_id and settings.wecom_secret):
        return None
    return WeComApi(
        settings.wecom_corp_id,
        reveal(settings.wecom_secret),
        services.repos.wechat,
        services.clock,
        kind="app",
        base_url=settings.wecom_api_base,
    )
