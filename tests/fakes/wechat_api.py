"""A local fake of the WeChat official-account API and the WeCom group-robot webhook.

It speaks the endpoints we call (token, custom send, subscribe bizsend, menu create, robot
webhook), checks access tokens like WeChat does, enforces the robot's 20 messages a minute by
an injectable clock (answering 130101 beyond), optionally enforces the customer-service window
(5 messages within 48 h of the user's message: 45015 outside it, 45047 past its 5), and can be
scripted to answer any errcode, an HTTP status, or too slowly. It also plays WeChat's side of
the callback: signed and encrypted requests built with wechatpy's crypto.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import WeChatCrypto

from tests.fakes.local_server import serve_local

ROBOT_PER_MIN = 20
WINDOW_S = 48 * 3600.0
WINDOW_MESSAGES = 5


@dataclass
class Call:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    raw: bytes
    at: float
    ok: bool = False  # WeChat accepted it


@dataclass
class Scripted:
    """One scripted answer: an errcode, an HTTP status, or a delay before answering normally."""

    errcode: int | None = None
    status: int = 200
    delay: float = 0.0


async def record(
    calls: list[Call],
    script: dict[str, deque[Scripted]],
    clock: Callable[[], float],
    request: web.Request,
) -> tuple[Call, web.Response | None]:
    """Keep the call, and play its path's next scripted answer (errcode, status, delay) if any:
    shared by the WeChat and WeCom fakes."""
    raw = await request.read()
    body = json.loads(raw) if raw else None
    call = Call(request.method, request.path, dict(request.query), body, raw, clock())
    calls.append(call)
    scripted = script[request.path].popleft() if script[request.path] else None
    if scripted is None:
        return call, None
    if scripted.delay:
        await asyncio.sleep(scripted.delay)
    if scripted.status != 200:
        return call, web.Response(status=scripted.status, text="upstream error")
    if scripted.errcode is not None:
        return call, web.json_response({"errcode": scripted.errcode, "errmsg": "scripted"})
    return call, None


@dataclass
class FakeWeChat:
    """The fake server; `base_url` is set once started."""

    clock: Callable[[], float] = time.monotonic
    token_ttl: int = 7200
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    tokens_issued: int = 0
    valid_tokens: set[str] = field(default_factory=set)
    expired_tokens: set[str] = field(default_factory=set)
    script: dict[str, deque[Scripted]] = field(default_factory=lambda: defaultdict(deque))
    robot_times: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    # openid -> (when the user last wrote, customer-service messages sent since); enforced only
    # when `windows` is set, since most tests do not play the users' side
    windows: bool = False
    opened: dict[str, tuple[float, int]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    # scripting -------------------------------------------------------------------------------
    def answer(self, path: str, *answers: Scripted | int) -> None:
        """Queue answers for the next calls to `path` (ints are errcodes)."""
        for item in answers:
            self.script[path].append(item if isinstance(item, Scripted) else Scripted(item))

    def expire_tokens(self) -> None:
        """Every issued token now gets 42001, as after its 7,200 s."""
        self.expired_tokens |= self.valid_tokens
        self.valid_tokens.clear()

    def user_wrote(self, openid: str) -> None:
        """The user sent a message now: their window opens again with 5 messages."""
        self.opened[openid] = (self.clock(), 0)

    def sent(self, path: str) -> list[Call]:
        """Calls to `path` that WeChat accepted."""
        return [c for c in self.calls if c.path == path and c.ok]

    # server ----------------------------------------------------------------------------------
    async def start(self) -> FakeWeChat:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        for path in (
            "/cgi-bin/message/custom/send",
            "/cgi-bin/message/subscribe/bizsend",
            "/cgi-bin/menu/create",
            "/cgi-bin/qrcode/create",
        ):
            app.router.add_post(path, self._api)
        app.router.add_post("/cgi-bin/webhook/send", self._robot)
        self._runner, port = await serve_local(app)
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def robot_url(self, key: str) -> str:
        return f"{self.base_url}/cgi-bin/webhook/send?key={key}"

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        return await record(self.calls, self.script, self.clock, request)

    async def _token(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted is not None:
            return scripted
        if request.query.get("grant_type") != "client_credential" or not request.query.get(
            "secret"
        ):
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        self.tokens_issued += 1
        token = f"TOKEN-{self.tokens_issued}"
        self.valid_tokens.add(token)
        call.ok = True
        return web.json_response({"access_token": token, "expires_in": self.token_ttl})

    async def _api(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted is not None:
            return scripted
        token = request.query.get("access_token", "")
        if token in self.expired_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if token not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        if self.windows and request.path == "/cgi-bin/message/custom/send":
            refused = self._spend_window(str((call.body or {}).get("touser", "")))
            if refused is not None:
                return web.json_response({"errcode": refused, "errmsg": "window"})
        call.ok = True
        extra = _qrcode(call.body) if request.path == "/cgi-bin/qrcode/create" else {}
        return web.json_response({"errcode": 0, "errmsg": "ok", **extra})

    def _spend_window(self, openid: str) -> int | None:
        """One message of the user's window, or the errcode WeChat answers when it has none."""
        at, used = self.opened.get(openid, (float("-inf"), 0))
        if self.clock() - at >= WINDOW_S:
            return 45015
        if used >= WINDOW_MESSAGES:
            return 45047
        self.opened[openid] = (at, used + 1)
        return None

    async def _robot(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted is not None:
            return scripted
        key = request.query.get("key", "")
        window = self.robot_times[key]
        now = self.clock()
        while window and now - window[0] >= 60.0:
            window.popleft()
        if len(window) >= ROBOT_PER_MIN:
            return web.json_response(
                {"errcode": 130101, "errmsg": "send to chat failed, exceed 20 times per minute"}
            )
        window.append(now)
        call.ok = True
        return web.json_response({"errcode": 0, "errmsg": "ok"})


@dataclass
class WeChatSide:
    """Builds the requests WeChat sends to our callback (signed; encrypted in safe mode)."""

    token: str
    app_id: str
    aes_key: str | None = None
    account: str = "gh_yizhan"
    _nonce: int = 0

    def nonce(self) -> str:
        self._nonce += 1
        return f"n{self._nonce}"

    def signature(self, timestamp: str, nonce: str) -> str:
        parts = sorted([self.token, timestamp, nonce])
        return hashlib.sha1("".join(parts).encode()).hexdigest()

    def query(self, timestamp: int, nonce: str | None = None) -> dict[str, str]:
        nonce = nonce or self.nonce()
        ts = str(timestamp)
        return {"timestamp": ts, "nonce": nonce, "signature": self.signature(ts, nonce)}

    def seal(
        self, xml: str, timestamp: int, nonce: str | None = None, app_id: str | None = None
    ) -> tuple[dict[str, str], str]:
        """Query and body of a POST; encrypted (with `app_id`, default ours) in safe mode."""
        query = self.query(timestamp, nonce)
        if self.aes_key is None:
            return query, xml
        crypto = WeChatCrypto(self.token, self.aes_key, app_id or self.app_id)
        sealed = crypto.encrypt_message(xml, query["nonce"], query["timestamp"])
        root = fromstring(sealed)
        query["encrypt_type"] = "aes"
        query["msg_signature"] = root.findtext("MsgSignature")
        body = f"<xml><ToUserName><![CDATA[{self.account}]]></ToUserName>" + (
            f"<Encrypt><![CDATA[{root.findtext('Encrypt')}]]></Encrypt></xml>"
        )
        return query, body

    def open_reply(self, text: str) -> dict[str, str]:
        """The fields of our passive reply (decrypted in safe mode); {} for "success"."""
        if text in ("success", ""):
            return {}
        root = fromstring(text)
        if self.aes_key is not None:
            crypto = WeChatCrypto(self.token, self.aes_key, self.app_id)
            plain = crypto.decrypt_message(
                {"Encrypt": root.findtext("Encrypt")},
                root.findtext("MsgSignature"),
                root.findtext("TimeStamp"),
                root.findtext("Nonce"),
            )
            root = fromstring(plain)
        return {child.tag: child.text or "" for child in root}

    def text(self, openid: str, content: str, msg_id: int, at: int) -> str:
        return self._xml(openid, at, "text", f"<Content><![CDATA[{content}]]></Content>") + (
            f"<MsgId>{msg_id}</MsgId></xml>"
        )

    def location(self, openid: str, lat: float, lon: float, msg_id: int, at: int) -> str:
        fields = (
            f"<Location_X>{lat}</Location_X><Location_Y>{lon}</Location_Y><Scale>15</Scale>"
            "<Label><![CDATA[天津市西青区]]></Label>"
        )
        return self._xml(openid, at, "location", fields) + f"<MsgId>{msg_id}</MsgId></xml>"

    def event(self, openid: str, event: str, at: int, extra: str = "") -> str:
        return self._xml(openid, at, "event", f"<Event><![CDATA[{event}]]></Event>{extra}") + (
            "</xml>"
        )

    def _xml(self, openid: str, at: int, kind: str, fields: str) -> str:
        return (
            f"<xml><ToUserName><![CDATA[{self.account}]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{at}</CreateTime>"
            f"<MsgType><![CDATA[{kind}]]></MsgType>{fields}"
        )


def _qrcode(body: Any) -> dict[str, Any]:
    """qrcode/create's answer: a ticket naming the scene, its URL, and the expiry if any."""
    scene = body["action_info"]["scene"].get("scene_str") or str(
        body["action_info"]["scene"].get("scene_id")
    )
    ticket = "gQ" + hashlib.sha256(scene.encode("utf-8")).hexdigest()[:24] + "=="
    answer: dict[str, Any] = {"ticket": ticket, "url": f"http://weixin.qq.com/q/{ticket[2:14]}"}
    if body.get("action_name") in ("QR_SCENE", "QR_STR_SCENE"):
        answer["expire_seconds"] = body.get("expire_seconds", 30)
    return answer
