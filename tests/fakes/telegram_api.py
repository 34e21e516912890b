"""A local fake of the Telegram Bot API that python-telegram-bot's real Application talks to.

aiohttp on 127.0.0.1, pointed at with `ApplicationBuilder().base_url(fake.base_url)`. It serves
scripted updates through getUpdates (long polling, honouring `offset`), records every call with
the time it arrived, keeps the chat as Telegram would (message ids per chat, edits, answered
callback queries), validates what Telegram validates (4096-character texts, 64-byte callback
data, command names), and answers 429 / 403 / 5xx on demand. PTB posts form-encoded bodies
whose structured values are JSON strings; JSON bodies are parsed too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import time
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB 23 behaviour: durations are timedelta

import aiohttp
import pytest
from aiohttp import web

from tests.fakes.local_server import serve_local

TOKEN = "7000000001:AAE-fake-token-for-tests"
BOT_ID = 7000000001
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "驿站",
    "username": "YizhanTestBot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

_JSON_FIELDS = {"reply_markup", "commands", "scope", "allowed_updates", "entities",
                "link_preview_options", "reply_parameters"}  # fmt: skip
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "cache_time",
               "max_connections"}  # fmt: skip
_BOOL_FIELDS = {"drop_pending_updates", "show_alert", "disable_notification", "protect_content",
                "allow_paid_broadcast"}  # fmt: skip
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True, slots=True)
class Call:
    """One request the bot made: method, decoded parameters, arrival time, our HTTP status."""

    method: str
    params: dict[str, Any]
    at: float  # time.monotonic() when the request arrived
    status: int


@dataclass(frozen=True, slots=True)
class Fault:
    """An error answer: HTTP status, Telegram's description, optional retry_after."""

    status: int
    description: str
    retry_after: int | None = None


def flood(retry_after: int = 1) -> Fault:
    """429 Too Many Requests with parameters.retry_after, as Telegram sends it."""
    return Fault(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def blocked() -> Fault:
    """403: the user blocked the bot."""
    return Fault(403, "Forbidden: bot was blocked by the user")


def server_error(status: int = 502) -> Fault:
    """A 5xx from Telegram's front end."""
    return Fault(status, "Bad Gateway" if status == 502 else "Internal Server Error")


class ApiError(Exception):
    """Raised by a method handler to answer with a Telegram error."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.description)
        self.fault = fault


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    """The fake Bot API server and the simulated users of one test."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # not yet confirmed through `offset`
        self.blocked: set[int] = set()
        self.polls = 0  # getUpdates requests received so far
        self.webhook: dict[str, Any] | None = None
        self.commands: dict[str | None, list[dict[str, str]]] = {}  # by language_code
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # bot messages, as edited
        self.rule: Callable[[str, dict[str, Any]], Fault | None] | None = None
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._held: dict[str, asyncio.Event] = {}  # method -> released when set
        self.holding: Counter[str] = Counter()  # calls waiting at a hold, by method
        self._users: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, int] = defaultdict(int)
        self._queries: dict[str, str] = {}  # callback query id -> open / answered / expired
        self._next_update_id = 500_000
        self._next_query_id = 9_000
        self._sent: list[dict[str, Any]] = []  # copies of messages as first sent
        self._changed = asyncio.Event()  # replaced after every change; waiters re-check
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- server life -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner, self.port = await serve_local(app, access_log=None, shutdown_timeout=1.0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing = True
        self._poke()
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """The Bot API base in python-telegram-bot's form (the token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- scripting ---------------------------------------------------------------------------

    def fail_next(self, method: str, *faults: Fault) -> None:
        """Answer the next calls of `method` with these errors, one each, in order."""
        self._faults[method.lower()].extend(faults)

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` wait (counted in `holding`) until the returned event is set."""
        release = self._held[method.lower()] = asyncio.Event()
        return release

    def user(self, chat_id: int, name: str = "小王", language_code: str = "zh-hans") -> None:
        """A person who has started the bot (so the bot may message them)."""
        self._users[chat_id] = {
            "id": chat_id,
            "is_bot": False,
            "first_name": name,
            "language_code": language_code,
        }

    def _chat(self, chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "type": "private", "first_name": self._users[chat_id]["first_name"]}

    def _user_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        if chat_id not in self._users:
            self.user(chat_id)
        self._message_ids[chat_id] += 1
        return {
            "message_id": self._message_ids[chat_id],
            "from": self._users[chat_id],
            "chat": self._chat(chat_id),
            "date": int(time.time()),  # seconds, as Telegram sends it
            **content,
        }

    def _push(self, **body: Any) -> dict[str, Any]:
        self._next_update_id += 1
        update = {"update_id": self._next_update_id, **body}
        self.updates.append(update)
        self._poke()
        return update

    def text(self, chat_id: int, text: str) -> dict[str, Any]:
        """The user sends a text (commands carry a bot_command entity, as on Telegram)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self._push(message=self._user_message(chat_id, **content))

    def location(self, chat_id: int, lat: float, lon: float) -> dict[str, Any]:
        """The user shares a location (the reply keyboard's request_location button)."""
        spot = {"latitude": lat, "longitude": lon}
        return self._push(message=self._user_message(chat_id, location=spot))

    def tap(self, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
        """The user taps an inline button of one of the bot's messages."""
        self._next_query_id += 1
        query_id = str(self._next_query_id)
        self._queries[query_id] = "open"
        query = {
            "id": query_id,
            "from": self._users[chat_id],
            "message": self.messages[(chat_id, message_id)],
            "chat_instance": str(chat_id * 31),
            "data": data,
        }
        return self._push(callback_query=query)

    def buttons(self, chat_id: int) -> list[tuple[int, str, str]]:
        """(message id, label, payload) of every inline button the chat shows now, newest last."""
        found = []
        for message in self.sent(chat_id):
            current = self.messages[(chat_id, message["message_id"])]
            for row in current.get("reply_markup", {}).get("inline_keyboard", []):
                found += [(current["message_id"], b["text"], b["callback_data"]) for b in row]
        return found

    def tap_label(self, chat_id: int, label: str) -> dict[str, Any]:
        """Tap the newest button whose label contains `label` (as a person would find it)."""
        for message_id, text, payload in reversed(self.buttons(chat_id)):
            if label in text:
                return self.tap(chat_id, message_id, payload)
        shown = [text for _, text, _ in self.buttons(chat_id)]
        raise AssertionError(f"no button {label!r} in chat {chat_id}; showing {shown}")

    # ---- inspection --------------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        """Every call of one method (any status), in arrival order."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent successfully (as first sent), in order."""
        return [m for m in self._sent if chat_id is None or m["chat"]["id"] == chat_id]

    def current(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A bot message as it looks now (after edits)."""
        return self.messages[(chat_id, message_id)]

    def expire(self, update: dict[str, Any]) -> None:
        """Make a tap's callback query too old to answer (Telegram allows ~15 minutes)."""
        self._queries[update["callback_query"]["id"]] = "expired"

    def answered(self, update: dict[str, Any]) -> bool:
        """Whether the callback query of a `tap` update was answered."""
        return self._queries[update["callback_query"]["id"]] == "answered"

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until `predicate()` holds; it is re-checked after every request."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("condition not met in time")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def settle(
        self, chat_id: int, quiet: float = 0.15, within: float = 10.0, *, fresh: bool = True
    ) -> None:
        """Wait until the bot answers `chat_id` (a send or an edit), then is quiet for `quiet` s.

        Call it right after scripting an update (the bot cannot have answered before), or with
        `fresh=False` to wait only for the quiet.
        """
        before = self._chat_calls(chat_id)
        if fresh:
            await self.wait_for(lambda: self._chat_calls(chat_id) > before, within)
        seen = self._chat_calls(chat_id)
        while True:
            await asyncio.sleep(quiet)
            if self._chat_calls(chat_id) == seen:
                return
            seen = self._chat_calls(chat_id)

    def _chat_calls(self, chat_id: int) -> int:
        return sum(1 for c in self.calls if c.params.get("chat_id") == chat_id)

    # ---- webhook side ------------------------------------------------------------------------

    async def post_to(self, url: str, update: dict[str, Any], secret: str | None) -> int:
        """POST an update to a webhook the way Telegram does; returns the HTTP status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=update, headers=headers) as response,
        ):
            return response.status

    # ---- the API -----------------------------------------------------------------------------

    def _poke(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _handle(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(Fault(401, "Unauthorized"))
        params = await _params(request)
        release = self._held.get(method.lower())
        if release is not None and not release.is_set():
            self.holding[method.lower()] += 1
            self._poke()
            await release.wait()
            self.holding[method.lower()] -= 1
        fault = self._faults[method.lower()].popleft() if self._faults[method.lower()] else None
        if fault is None and self.rule is not None:
            fault = self.rule(method, params)
        if (
            fault is None
            and method.lower() == "sendmessage"
            and params.get("chat_id") in self.blocked
        ):
            fault = blocked()
        handler = getattr(self, f"_m_{method.lower()}", None)
        try:
            if fault is not None:
                raise ApiError(fault)
            if handler is None:
                raise ApiError(Fault(404, "Not Found: method not found"))
            result = await handler(params)
        except ApiError as exc:
            self.calls.append(Call(method, params, at, exc.fault.status))
            self._poke()
            return _error(exc.fault)
        self.calls.append(Call(method, params, at, 200))
        self._poke()
        return web.json_response({"ok": True, "result": result})

    async def _m_getme(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _m_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _m_setwebhook(self, params: dict[str, Any]) -> Any:
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(secret):
            raise ApiError(Fault(400, "Bad Request: secret token contains unallowed characters"))
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError(Fault(400, "Bad Request: bad webhook: HTTPS url must be provided"))
        self.webhook = {"url": params["url"], "secret_token": secret}
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    async def _m_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            raise ApiError(
                Fault(409, "Conflict: can't use getUpdates method while webhook is active")
            )
        self.polls += 1  # counted on arrival: a long poll is recorded in `calls` only when it ends
        self._poke()
        offset = params.get("offset") or 0
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        limit = params.get("limit") or 100
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(float(params.get("timeout") or 0), 30.0)
        while not self.updates and not self._closing and loop.time() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), deadline - loop.time())
        return self.updates[:limit]

    async def _m_setmycommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        for command in commands:
            if not _COMMAND.fullmatch(command.get("command", "")):
                raise ApiError(Fault(400, "Bad Request: BOT_COMMAND_INVALID"))
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(Fault(400, "Bad Request: command description is invalid"))
        self.commands[params.get("language_code") or None] = commands
        return True

    async def _m_getmycommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(params.get("language_code") or None, [])

    async def _m_sendmessage(self, params: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        if chat_id not in self._users:
            raise ApiError(Fault(400, "Bad Request: chat not found"))
        text = params.get("text") or ""
        _check_text(text)
        markup = params.get("reply_markup")
        _check_markup(markup)
        self._message_ids[chat_id] += 1
        message: dict[str, Any] = {
            "message_id": self._message_ids[chat_id],
            "from": BOT_USER,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            "text": text,
        }
        if markup and "inline_keyboard" in markup:  # Telegram echoes inline keyboards only
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        self._sent.append(json.loads(json.dumps(message)))
        return message

    def _bot_message(self, params: dict[str, Any]) -> dict[str, Any]:
        found = self.messages.get((params.get("chat_id"), params.get("message_id")))
        if found is None:
            raise ApiError(Fault(400, "Bad Request: message to edit not found"))
        return found

    async def _m_editmessagetext(self, params: dict[str, Any]) -> Any:
        message = self._bot_message(params)
        text = params.get("text") or ""
        _check_text(text)
        markup = params.get("reply_markup")
        _check_markup(markup)
        if text == message["text"] and markup == message.get("reply_markup"):
            raise ApiError(Fault(400, "Bad Request: message is not modified"))
        message["text"] = text
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        return message

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        message = self._bot_message(params)
        markup = params.get("reply_markup")
        _check_markup(markup)
        if markup == message.get("reply_markup"):
            raise ApiError(Fault(400, "Bad Request: message is not modified"))
        _set_markup(message, markup)
        return message

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> Any:
        query_id = params.get("callback_query_id")
        if self._queries.get(query_id) != "open":
            raise ApiError(Fault(400, "Bad Request: query is too old and response timeout "
                                      "expired or query ID is invalid"))  # fmt: skip
        self._queries[query_id] = "answered"
        return True

    async def _m_sendchataction(self, params: dict[str, Any]) -> Any:
        return True


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup and markup.get("inline_keyboard"):
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _check_text(text: str) -> None:
    if not text.strip():
        raise ApiError(Fault(400, "Bad Request: message text is empty"))
    if utf16_len(text) > 4096:
        raise ApiError(Fault(400, "Bad Request: message is too long"))


def _check_markup(markup: dict[str, Any] | None) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise ApiError(Fault(400, "Bad Request: BUTTON_DATA_INVALID"))


def _error(fault: Fault) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": fault.status,
        "description": fault.description,
    }
    if fault.retry_after is not None:
        body["parameters"] = {"retry_after": fault.retry_after}
    return web.json_response(body, status=fault.status)


async def _params(request: web.Request) -> dict[str, Any]:
    """Decode a Bot API call: query string, then a JSON or form (urlencoded/multipart) body."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        raw.update(await request.json())
    elif request.can_read_body:
        raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return {key: _coerce(key, value) for key, value in raw.items()}


def _coerce(key: str, value: Any) -> Any:
    """PTB sends str values as they are and everything else JSON-encoded."""
    if not isinstance(value, str):
        return value
    if key in _JSON_FIELDS:
        return json.loads(value)
    if key in _INT_FIELDS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if key in _BOOL_FIELDS and value in ("true", "false"):
        return value == "true"
    return value


@pytest.fixture(name="telegram_api")
async def telegram_api_fixture() -> AsyncIterator[FakeTelegram]:
    """A fresh fake Bot API server on 127.0.0.1 for one test."""
    async with FakeTelegram() as fake:
        yield fake
