"""Our async clients for Tencent's JSON APIs: the official account here, WeCom in
bot/channels/wecom/api.py.

wechatpy's clients are sync with a fixed host, so we keep our own. `TokenApi` is what both share:
one seam (`TokenApi._request`) sends every request, one `classify` per platform turns its answers
into `bot.delivery.errors` types, and a rejected token is renewed and the call retried once. The
access token has one owner per secret: it is stored in the database so that a restart or a second
process reuses it instead of fetching a new one (WeChat caps fetches at 2,000 a day, and a fresh
token retires the previous one after a short overlap).
"""

from __future__ import annotations

import asyncio
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from bot.delivery.errors import (
    DeliveryError,
    Permanent,
    RateLimited,
    RecipientGone,
    Transient,
    WindowClosed,
    errcode_of,
)
from models.repos.wechat import StoredToken, WeChatRepo

log = logging.getLogger(__name__)

# 45009 is the daily API quota (it resets at 00:00 Beijing time): asking again within the hour is
# pointless, and the dispatcher keeps the message queued meanwhile.
QUOTA_RETRY_S = 3600.0
# A token is 7,200 s; renew 5 minutes early so no request goes out with one about to lapse.
TOKEN_MARGIN = timedelta(minutes=5)
DEFAULT_TIMEOUT_S = 10.0


class TokenExpired(Transient):
    """40001/40014/42001: the access token is invalid or expired; renew it and retry once."""


class ConsentMissing(WindowClosed):
    """43101: the user has not (or no longer) accepted the 订阅通知 template."""


_TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
_WINDOW_ERRCODES = frozenset({45015, 45047})  # 45015 outside 48 h; 45047 over the 5-message cap
_TRANSIENT_ERRCODES = frozenset({-1, 45011})  # system busy; API called too often in a moment


def classify(status: int, body: Mapping[str, Any] | None) -> DeliveryError | None:
    """Map one WeChat answer (HTTP status, decoded JSON) to an error, or None for success."""
    failed, errcode, detail = errcode_of(status, body)
    if failed is not None or errcode == 0:
        return failed
    if errcode == 45009:
        return RateLimited(QUOTA_RETRY_S, detail)
    if errcode in _WINDOW_ERRCODES:
        return WindowClosed(detail)
    if errcode == 43004:
        return RecipientGone(detail)
    if errcode == 43101:
        return ConsentMissing(detail)
    if errcode in _TOKEN_ERRCODES:
        return TokenExpired(detail)
    if errcode in _TRANSIENT_ERRCODES:
        return Transient(detail)
    return Permanent(detail)


class TokenApi(ABC):
    """An API authorised by an access token fetched with a secret; subclasses say how.

    `token_key` names the stored token: one per secret, since every secret has its own token.
    """

    token_path = "/cgi-bin/token"

    def __init__(
        self,
        token_key: str,
        repo: WeChatRepo,
        clock: Callable[[], datetime],
        *,
        base_url: str,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.token_key = token_key
        self._repo = repo
        self._clock = clock
        self._base = base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout_s)
        self._token_lock = asyncio.Lock()

    @abstractmethod
    def _token_params(self) -> dict[str, str]:
        """Query parameters of the token request."""

    def classify(self, status: int, body: Mapping[str, Any] | None) -> DeliveryError | None:
        """This platform's answer as an error, or None for success."""
        return classify(status, body)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections this client opened."""
        if self._owns_http:
            await self._http.aclose()

    async def access_token(self) -> str:
        """A valid access token: the stored one while it lasts, else a fresh fetch."""
        async with self._token_lock:
            stored = await self._repo.token(self.token_key)
            if stored is not None and stored.expires_at - TOKEN_MARGIN > self._clock():
                return stored.token
            return await self._fetch_token()

    async def _renew_token(self, rejected: str) -> str:
        """A new token after WeChat rejected `rejected`, unless another task already renewed it."""
        async with self._token_lock:
            stored = await self._repo.token(self.token_key)
            if (
                stored is not None
                and stored.token != rejected
                and stored.expires_at - TOKEN_MARGIN > self._clock()
            ):
                return stored.token
            return await self._fetch_token()

    async def _fetch_token(self) -> str:
        status, body = await self._request("GET", self.token_path, params=self._token_params())
        error = self.classify(status, body)
        if error is not None:
            raise error
        assert body is not None
        token = body.get("access_token")
        expires_in = body.get("expires_in")
        if not isinstance(token, str) or not isinstance(expires_in, int):
            raise Permanent("token answer without access_token/expires_in")
        stored = StoredToken(token, self._clock() + timedelta(seconds=expires_in))
        await self._repo.save_token(self.token_key, stored)
        log.info("fetched an access token for %s (valid %d s)", self.token_key, expires_in)
        return token

    async def _call(
        self,
        path: str,
        body: Mapping[str, Any] | None,
        *,
        method: str = "POST",
        params: Mapping[str, str] | None = None,
    ) -> Mapping[str, Any]:
        """Call with the access token; on a rejected token renew it and retry once."""
        token = await self.access_token()
        for attempt in (1, 2):
            status, answer = await self._request(
                method, path, params={**(params or {}), "access_token": token}, body=body
            )
            error = self.classify(status, answer)
            if error is None:
                assert answer is not None
                return answer
            if isinstance(error, TokenExpired) and attempt == 1:
                log.info("%s rejected the access token (%s); renewing", self.token_key, error)
                token = await self._renew_token(token)
                continue
            raise error
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str],
        body: Mapping[str, Any] | None = None,
    ) -> tuple[int, Mapping[str, Any] | None]:
        """The one network seam: timeouts and connection errors become `Transient`."""
        # WeChat shows \\u escapes literally in some APIs, so the JSON is sent as UTF-8 text.
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"} if content else None
        try:
            response = await self._http.request(
                method, self._base + path, params=params, content=content, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise Transient(f"timeout calling {path}") from exc
        except httpx.TransportError as exc:
            raise Transient(f"network error calling {path}: {type(exc).__name__}") from exc
        try:
            decoded = response.json()
        except ValueError:
            return response.status_code, None
        return response.status_code, decoded if isinstance(decoded, dict) else None


# qrcode/create: scene_str is 1-64 characters; the image is fetched with the ticket.
QR_SCENE_MAX = 64
QR_IMAGE_URL = "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket="


@dataclass(frozen=True, slots=True)
class QrCode:
    """A created QR code: `image_url` to print, `url` what it encodes."""

    scene: str
    ticket: str
    url: str
    image_url: str
    expire_seconds: int | None  # None: permanent


class WeChatApi(TokenApi):
    """Customer-service text, 订阅通知 and the custom menu of one official account."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        repo: WeChatRepo,
        clock: Callable[[], datetime],
        *,
        base_url: str = "https://api.weixin.qq.com",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(app_id, repo, clock, base_url=base_url, timeout_s=timeout_s, http=http)
        self.app_id = app_id
        self._secret = app_secret

    def _token_params(self) -> dict[str, str]:
        return {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret}

    async def send_text(self, openid: str, content: str) -> None:
        """A customer-service text message (only inside the user's 48-hour window)."""
        await self._call(
            "/cgi-bin/message/custom/send",
            {"touser": openid, "msgtype": "text", "text": {"content": content}},
        )

    async def send_subscribe(
        self, openid: str, template_id: str, data: Mapping[str, str], page: str | None = None
    ) -> None:
        """A 订阅通知 (服务号 bizsend) to a user who accepted the template."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {name: {"value": value} for name, value in data.items()},
        }
        if page:
            body["page"] = page
        await self._call("/cgi-bin/message/subscribe/bizsend", body)

    async def create_qrcode(self, scene: str, expire_seconds: int | None = None) -> QrCode:
        """A QR code whose follow/scan event carries `scene` (qrscene_<scene>): permanent
        (QR_LIMIT_STR_SCENE, at most 100,000 per account) unless it expires (at most 30 days)."""
        if not 1 <= len(scene) <= QR_SCENE_MAX:
            raise Permanent(f"a QR scene is 1-{QR_SCENE_MAX} characters")
        body: dict[str, Any] = {
            "action_name": "QR_LIMIT_STR_SCENE" if expire_seconds is None else "QR_STR_SCENE",
            "action_info": {"scene": {"scene_str": scene}},
        }
        if expire_seconds is not None:
            body["expire_seconds"] = expire_seconds
        answer = await self._call("/cgi-bin/qrcode/create", body)
        ticket = answer.get("ticket")
        if not isinstance(ticket, str) or not ticket:
            raise Permanent("qrcode/create answer without a ticket")
        expires = answer.get("expire_seconds")
        return QrCode(
            scene,
            ticket,
            str(answer.get("url") or ""),
            QR_IMAGE_URL + quote(ticket, safe=""),
            expires if isinstance(expires, int) else None,
        )

    async def create_menu(self, menu: Mapping[str, Any]) -> None:
        """Install the custom menu (replaces the current one)."""
        await self._call("/cgi-bin/menu/create", menu)
