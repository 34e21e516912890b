"""A local fake of the WeCom server API: tokens, plus endpoints each test area adds.

`FakeWeCom` issues and checks access tokens as WeCom does (`/cgi-bin/gettoken` with corpid and
corpsecret; 42001 for an expired token, 40014 for an unknown one), records every call and can be
scripted per path to answer an errcode, an HTTP status, or slowly. An area's endpoints (customer
groups, 微信客服) are plain handlers added with `route`, so each lives beside its own tests'
fixtures and they all share the token rules.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.local_server import serve_local
from tests.fakes.wechat_api import Call, Scripted, record

# An endpoint: the decoded JSON body (POST) or None (GET) and the query -> the answer's fields.
Endpoint = Callable[[Any, dict[str, str]], Awaitable[dict[str, Any]] | dict[str, Any]]


@dataclass
class FakeWeCom:
    """The fake server; `base_url` is set once started."""

    corp_id: str = "wwcorp"
    secrets: dict[str, str] = field(default_factory=lambda: {"app-secret": "app"})
    clock: Callable[[], float] = time.monotonic
    token_ttl: int = 7200
    base_url: str = ""
    calls: list[Call] = field(default_factory=list)
    tokens_issued: int = 0
    valid_tokens: dict[str, str] = field(default_factory=dict)  # token -> secret kind
    expired_tokens: set[str] = field(default_factory=set)
    script: dict[str, deque[Scripted]] = field(default_factory=lambda: defaultdict(deque))
    routes: dict[tuple[str, str], Endpoint] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    # scripting -------------------------------------------------------------------------------
    def route(self, method: str, path: str, endpoint: Endpoint) -> None:
        """Serve `path` (before `start`): token checked first, then `endpoint` answers."""
        self.routes[(method, path)] = endpoint

    def answer(self, path: str, *answers: Scripted | int) -> None:
        """Queue answers for the next calls to `path` (ints are errcodes)."""
        for item in answers:
            self.script[path].append(item if isinstance(item, Scripted) else Scripted(item))

    def expire_tokens(self) -> None:
        """Every issued token now gets 42001, as after its 7,200 s."""
        self.expired_tokens |= set(self.valid_tokens)
        self.valid_tokens.clear()

    def sent(self, path: str) -> list[Call]:
        """Calls to `path` that WeCom accepted."""
        return [c for c in self.calls if c.path == path and c.ok]

    # server ----------------------------------------------------------------------------------
    async def start(self) -> FakeWeCom:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._token)
        for method, path in self.routes:
            app.router.add_route(method, path, self._api)
        self._runner, port = await serve_local(app)
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        return await record(self.calls, self.script, self.clock, request)

    async def _token(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted is not None:
            return scripted
        if request.query.get("corpid") != self.corp_id:
            return web.json_response({"errcode": 40013, "errmsg": "invalid corpid"})
        kind = self.secrets.get(request.query.get("corpsecret", ""))
        if kind is None:
            return web.json_response({"errcode": 40001, "errmsg": "invalid secret"})
        self.tokens_issued += 1
        token = f"WWTOKEN-{self.tokens_issued}"
        self.valid_tokens[token] = kind
        call.ok = True
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_ttl}
        )

    async def _api(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted is not None:
            return scripted
        token = request.query.get("access_token", "")
        if token in self.expired_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if not token:
            return web.json_response({"errcode": 41001, "errmsg": "access_token missing"})
        if token not in self.valid_tokens:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        answer = self.routes[(request.method, request.path)](call.body, call.query)
        fields = await answer if asyncio.iscoroutine(answer) else answer
        assert isinstance(fields, dict)
        call.ok = fields.get("errcode", 0) == 0
        return web.json_response({"errcode": 0, "errmsg": "ok", **fields})
