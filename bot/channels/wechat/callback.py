"""The official-account callback at `/wechat`: authenticate, parse safely, answer within 5 s.

Every request is checked in this order, and refused with a 4xx before anything reaches the
dialog: timestamp skew and signature (plain `signature` always, `msg_signature` in safe mode),
body size, a defusedxml pre-parse (no DTD, no entities), AES decryption with the AppID check,
the replay cache, and only then wechatpy's `parse_message`. Answers come back as the passive
reply when the router is done within the budget, counted from the request's arrival; otherwise
"success" goes back and the answer follows as a customer-service message. WeChat retries a
message only when our response did not reach it in 5 s, so a retry of a MsgId we already
answered (or are answering) means the passive reply was lost: the answer then goes out as a
customer-service message, once. A user who wrote always hears back.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from aiohttp import web
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from bot.channels.limits import WECHAT_PASSIVE_REPLY_S, WECHAT_TEXT_MAX_BYTES
from bot.channels.numbered import with_choices
from bot.channels.wechat.events import to_incoming
from bot.channels.wechat.render import Rendered, render, split_utf8
from bot.channels.wechat.sender import WeChatSender
from bot.delivery.errors import DeliveryError, RecipientGone
from bot.settings import Settings, reveal
from handlers.context import Services
from handlers.router import handle as route
from handlers.services.subscription import recipient_gone
from models.messages import Channel, DialogKey, Incoming, Reply

log = logging.getLogger(__name__)

TurnHandler = Callable[[Incoming, Services], Awaitable[list[Reply]]]
InboundHook = Callable[[int], Awaitable[None]]

# WeChat's messages are well under 4 KB; 64 KB leaves room and bounds what we ever parse.
MAX_BODY_BYTES = 64 * 1024
# A signed request older or newer than 5 minutes is refused (WeChat retries within 15 s).
MAX_SKEW = timedelta(seconds=300)
# 4.0 s of WeChat's 5 s for the router; the rest covers encryption and the way back.
REPLY_BUDGET_S = WECHAT_PASSIVE_REPLY_S - 1.0
SUCCESS = "success"  # tells WeChat "no passive reply", without retries or an error notice
# WeChat retries a message 3 times, 5 s apart: 60 s covers them with room to spare.
KEEP_ANSWERS_S = 60.0


@dataclass(frozen=True, slots=True)
class WeChatConfig:
    """What the callback needs from the settings."""

    token: str
    app_id: str
    aes_key: str | None = None
    reply_budget_s: float = REPLY_BUDGET_S
    max_body_bytes: int = MAX_BODY_BYTES
    max_skew: timedelta = MAX_SKEW

    @classmethod
    def from_settings(cls, settings: Settings) -> WeChatConfig | None:
        """The callback's configuration, or None when the official account is not set up."""
        if not (settings.wechat_token and settings.wechat_app_id and settings.wechat_app_secret):
            return None
        return cls(
            reveal(settings.wechat_token),
            settings.wechat_app_id,
            reveal(settings.wechat_aes_key) or None,
        )


@dataclass(slots=True)
class _Answer:
    """One message's answer: the running turn, and whether it has gone out the late way."""

    work: asyncio.Future[list[Reply]]
    started: float
    late: bool = False


class Refused(Exception):
    """A request that must not go further; answered with `status` and a short reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Signed:
    """The verified query of one callback request."""

    timestamp: str
    nonce: str
    signature: str
    msg_signature: str | None


class WeChatCallback:
    """The aiohttp handlers for GET (URL verification) and POST (messages) at one path."""

    def __init__(
        self,
        services: Services,
        config: WeChatConfig,
        sender: WeChatSender | None = None,
        handle: TurnHandler = route,
        on_inbound: InboundHook | None = None,
    ) -> None:
        self._services = services
        self._config = config
        self._sender = sender
        self._handle = handle
        self._on_inbound = on_inbound  # e.g. the dispatcher: pushes held for the window go now
        self._repo = services.repos.wechat
        self._crypto = (
            WeChatCrypto(config.token, config.aes_key, config.app_id) if config.aes_key else None
        )
        self._late: set[asyncio.Future[None]] = set()
        self._answers: dict[str, _Answer] = {}  # "openid:MsgId" -> answer, oldest first
        self._closing = False

    def add_routes(self, app: web.Application, path: str = "/wechat") -> None:
        """Serve the callback at `path` of `app`."""
        app.router.add_get(path, self.verify)
        app.router.add_post(path, self.receive)

    async def close(self) -> None:
        """Refuse new messages (WeChat retries them) and finish sending the late answers."""
        self._closing = True
        if self._late:
            await asyncio.gather(*self._late, return_exceptions=True)

    async def verify(self, request: web.Request) -> web.Response:
        """URL verification: echo `echostr` when the signature is WeChat's."""
        try:
            self._check_query(request)
        except Refused as refused:
            return _refusal(refused, request)
        return web.Response(text=request.query.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.Response:
        """One message or event from WeChat; never raises, whatever arrives."""
        # WeChat's 5 s run from when it sent the request: our budget starts before anything.
        deadline = time.monotonic() + self._config.reply_budget_s
        if self._closing:
            return web.Response(status=503, text="stopping")
        unavailable = self._services.db.unavailable
        try:
            signed = self._check_query(request)
            body = await read_body(request, self._config.max_body_bytes)
            plain = self._open(body, signed)
            repeat = await self._check_replay(signed, body)
            root = safe_root(plain)
            message = None if repeat else _parse(plain, root)
        except Refused as refused:
            return _refusal(refused, request)
        except unavailable as exc:  # down, locked, pool exhausted: WeChat retries the message
            return _unavailable(exc)
        retried = self._retried(root)
        if retried is not None or message is None:
            return web.Response(text=SUCCESS)  # a repeat: answered once already, or being sent
        try:
            return await self._answer(message, root, signed, deadline)
        except unavailable as exc:
            await self._forget(root, signed)
            return _unavailable(exc)
        except Exception:
            log.exception("WeChat message %s failed", root.findtext("MsgId") or "(event)")
            return web.Response(text=SUCCESS)

    def _retried(self, root: Element) -> _Answer | None:
        """A retry of a message we answer: its passive reply was lost, so send it late, once."""
        answer = self._answers.get(_answer_key(root) or "")
        if answer is not None and not answer.late:
            answer.late = True
            self._background(self._send_late(_sender_key(root), answer.work))
        return answer

    def _check_query(self, request: web.Request) -> _Signed:
        query = request.query
        timestamp, nonce = fresh_timestamp(query, self._services.clock(), self._config.max_skew)
        signature = query.get("signature", "")
        try:
            check_signature(self._config.token, signature, timestamp, nonce)
        except InvalidSignatureException as exc:
            raise Refused(403, "bad signature") from exc
        return _Signed(timestamp, nonce, signature, query.get("msg_signature"))

    def _open(self, body: bytes, signed: _Signed) -> bytes:
        """The plaintext XML: decrypted (and AppID-checked) in safe mode, else the body itself."""
        if self._crypto is None:
            return body
        envelope = safe_root(body)
        encrypted = (envelope.findtext("Encrypt") or "").strip()
        if not encrypted or not signed.msg_signature:
            # Safe mode is configured: a plaintext message is a downgrade, not WeChat.
            raise Refused(403, "encrypted message expected")
        try:
            plain = self._crypto.decrypt_message(
                {"Encrypt": encrypted}, signed.msg_signature, signed.timestamp, signed.nonce
            )
        except InvalidSignatureException as exc:
            raise Refused(403, "bad msg_signature") from exc
        except InvalidAppIdException as exc:
            raise Refused(403, "wrong AppID") from exc
        except Exception as exc:  # garbled ciphertext: base64, padding, UTF-8
            raise Refused(400, "undecryptable message") from exc
        data = plain.encode("utf-8") if isinstance(plain, str) else bytes(plain)
        if len(data) > self._config.max_body_bytes:
            raise Refused(413, "message too large")
        return data

    async def _check_replay(self, signed: _Signed, body: bytes) -> bool:
        """True for a signed query seen before with the same body; another body is forged."""
        key = _replay_key(signed)
        digest = hashlib.sha256(body).hexdigest()
        earlier = await self._repo.remember_request(
            key, digest, self._services.clock(), 2 * self._config.max_skew
        )
        if earlier is None:
            return False
        if earlier == digest:
            return True  # WeChat's own retry, or a replay: never handled twice
        raise Refused(403, "replayed signature with another body")

    async def _forget(self, root: Element, signed: _Signed) -> None:
        """A message that failed for the database: its retry must be handled, not taken for a
        replay or for a message being answered. A turn that did finish keeps its answer, which
        the retry then sends late."""
        key = _answer_key(root) or ""
        answer = self._answers.get(key)
        if answer is not None and _failed(answer.work):
            del self._answers[key]
        try:  # best effort: the database that just failed may still be down
            await self._repo.forget_request(_replay_key(signed))
        except self._services.db.unavailable as exc:
            log.warning("WeChat callback: replay record kept: %s", exc)

    async def _answer(
        self, message: Any, root: Element, signed: _Signed, deadline: float
    ) -> web.Response:
        key = DialogKey(Channel.WECHAT, str(message.source))
        lang = self._services.policy.default_lang
        user = await self._services.users.get(key)
        if user is not None:
            lang = user.lang
        translated = to_incoming(message, root, lang, self._services.router.commands)
        if translated.unsubscribed:
            if user is not None:
                await recipient_gone(self._services, user.id)
            return web.Response(text=SUCCESS)
        if translated.consents:
            now = self._services.clock()
            user = user or await self._services.users.get_or_create(key, now)
            for template_id, accepted in translated.consents:
                await self._repo.set_subscription(user.id, template_id, accepted, now)
        if translated.origin:
            now = self._services.clock()
            user = user or await self._services.users.get_or_create(key, now)
            await self._services.repos.origins.record(user.id, "wechat_qr", translated.origin, now)
        if translated.reply is not None:
            return self._passive(message, Rendered(translated.reply, (), False), signed)
        if translated.incoming is None:
            return web.Response(text=SUCCESS)
        incomings = await with_choices(self._repo, translated.incoming, user.id if user else None)
        work = asyncio.ensure_future(self._turns(incomings, translated.greeting))
        answer = self._remember(root, work)
        done, _ = await asyncio.wait({work}, timeout=max(0.0, deadline - time.monotonic()))
        if answer.late:  # WeChat retried meanwhile: that retry sends the answer
            return web.Response(text=SUCCESS)
        if work not in done or time.monotonic() >= deadline:
            answer.late = True
            self._background(self._send_late(key, work))
            return web.Response(text=SUCCESS)
        replies = work.result()
        if not replies:
            return web.Response(text=SUCCESS)
        refreshed = await self._services.users.get(key)
        rendered = render(replies, refreshed.lang if refreshed else lang)
        pieces = split_utf8(rendered.text, WECHAT_TEXT_MAX_BYTES)
        if refreshed is not None:
            await self._repo.save_choices(
                refreshed.id, rendered.choices, rendered.multi, self._services.clock()
            )
        rest = Rendered("\n".join(pieces[1:]), rendered.choices, rendered.multi)
        self._background(self._after_passive(key, rest if len(pieces) > 1 else None))
        return self._passive(message, Rendered(pieces[0], (), False), signed)

    def _remember(self, root: Element, work: asyncio.Future[list[Reply]]) -> _Answer:
        """Keep the answer to this MsgId for its retries; forget those past WeChat's retries."""
        now = time.monotonic()
        answer = _Answer(work, now)
        while self._answers:
            oldest = next(iter(self._answers))
            if now - self._answers[oldest].started < KEEP_ANSWERS_S:
                break
            del self._answers[oldest]
        key = _answer_key(root)
        if key is not None:
            self._answers[key] = answer
        return answer

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        """Work that goes on after the response; `close` waits for it."""

        async def logged() -> None:
            try:
                await coro
            except Exception:
                log.exception("WeChat work after the response failed")

        task = asyncio.ensure_future(logged())
        self._late.add(task)
        task.add_done_callback(self._late.discard)

    async def _after_passive(self, key: DialogKey, rest: Rendered | None) -> None:
        if rest is not None:
            await self._send_pieces(key, rest)
        await self._inbound(key)

    async def _inbound(self, key: DialogKey) -> None:
        """Tell the hook the user wrote (their 48-hour window is open again)."""
        user = await self._services.users.get(key)
        if self._on_inbound is None or user is None:
            return
        try:
            await self._on_inbound(user.id)
        except Exception:
            log.exception("inbound hook failed for %s", key)

    async def _turns(self, incomings: list[Incoming], greeting: Reply | None) -> list[Reply]:
        """Run the turns in order; with several picks only the last answer is current."""
        replies: list[Reply] = []
        for incoming in incomings:
            replies = await self._handle(incoming, self._services)
        return [greeting, *replies] if greeting is not None and replies else replies

    async def _send_late(self, key: DialogKey, work: asyncio.Future[list[Reply]]) -> None:
        """The answer that missed the passive-reply budget, as customer-service messages."""
        try:
            replies = await work
        except Exception:
            log.exception("late WeChat turn of %s failed", key)
            return
        if not replies:
            return
        user = await self._services.users.get(key)
        lang = user.lang if user else self._services.policy.default_lang
        await self._send_pieces(key, render(replies, lang))
        await self._inbound(key)

    async def _send_pieces(self, key: DialogKey, rendered: Rendered) -> None:
        if self._sender is None:
            log.warning("no WeChat API configured: a late answer to %s is dropped", key)
            return
        pieces = split_utf8(rendered.text, WECHAT_TEXT_MAX_BYTES)
        try:
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                await self._sender.send_rendered(
                    key.user_id,
                    Rendered(piece, rendered.choices if last else (), rendered.multi),
                    remember_choices=last,
                )
        except RecipientGone as exc:
            log.warning("late WeChat answer to %s not sent: %s", key, exc)
            user = await self._services.users.get(key)
            if user is not None and user.subscribed:
                await recipient_gone(self._services, user.id)
        except DeliveryError as exc:
            log.warning("late WeChat answer to %s not sent: %s", key, exc)

    def _passive(self, message: Any, rendered: Rendered, signed: _Signed) -> web.Response:
        """The reply XML, encrypted in safe mode."""
        xml = TextReply(message=message, content=rendered.text).render()
        if self._crypto is not None:
            xml = self._crypto.encrypt_message(xml, signed.nonce, signed.timestamp)
        return web.Response(text=xml, content_type="application/xml")


async def read_body(request: web.Request, limit: int) -> bytes:
    """The body, refused once it passes `limit` bytes (the header may lie or be absent)."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused(413, "message too large")
    data = bytearray()
    async for chunk in request.content.iter_chunked(8192):
        data += chunk
        if len(data) > limit:
            raise Refused(413, "message too large")
    return bytes(data)


def _answer_key(root: Element) -> str | None:
    """Who sent which message: WeChat's retries repeat both (events have no MsgId)."""
    msg_id = (root.findtext("MsgId") or "").strip()
    sender = (root.findtext("FromUserName") or "").strip()
    return f"{sender}:{msg_id}" if msg_id and sender else None


def _sender_key(root: Element) -> DialogKey:
    return DialogKey(Channel.WECHAT, (root.findtext("FromUserName") or "").strip())


def safe_root(xml: bytes) -> Element:
    """WeChat's XML parsed with DTDs and entities forbidden (XXE, billion laughs)."""
    try:
        root: Element = fromstring(
            xml, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise Refused(400, "DTD or entity in XML") from exc
    except ParseError as exc:
        raise Refused(400, "malformed XML") from exc
    except ValueError as exc:  # expat: "multi-byte encodings are not supported" (GBK)
        raise Refused(400, "XML not in UTF-8") from exc
    if root.tag != "xml":
        raise Refused(400, "not a WeChat message")
    return root


def _parse(plain: bytes, root: Element) -> Any:
    """wechatpy's message object, for XML that passed the safe pre-parse."""
    if not (root.findtext("FromUserName") or "").strip() or not root.findtext("MsgType"):
        raise Refused(400, "message without sender or type")
    try:
        return parse_message(plain.decode("utf-8"))
    except Exception as exc:
        raise Refused(400, "unparseable message") from exc


def _failed(work: asyncio.Future[list[Reply]]) -> bool:
    return work.done() and (work.cancelled() or work.exception() is not None)


def _replay_key(signed: _Signed) -> str:
    return f"{signed.timestamp}:{signed.nonce}:{signed.msg_signature or signed.signature}"


def _unavailable(error: Exception) -> web.Response:
    """503: WeChat retries a message whose callback failed (3 times, 5 s apart)."""
    log.warning("WeChat callback: database unavailable: %s: %s", type(error).__name__, error)
    return web.Response(status=503, text="database unavailable")


def fresh_timestamp(
    query: Mapping[str, str], now: datetime, max_skew: timedelta
) -> tuple[str, str]:
    """The callback's (timestamp, nonce), refused when malformed or older than `max_skew`: the
    replay bound shared by the official account's and WeCom's callbacks."""
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    # ASCII digits only ("²".isdigit() is true); 10 digits reach the year 2286.
    plain_digits = timestamp.isascii() and timestamp.isdigit()
    if not (plain_digits and len(timestamp) <= 10 and 0 < len(nonce) <= 64):
        raise Refused(403, "missing or malformed timestamp/nonce")
    sent = datetime.fromtimestamp(int(timestamp), UTC)
    if abs(now - sent) > max_skew:
        raise Refused(403, "stale timestamp")
    return timestamp, nonce


def _refusal(refused: Refused, request: web.Request) -> web.Response:
    if refused.status >= 400:
        log.warning("refused WeChat %s from %s: %s", request.method, request.remote, refused)
    return web.Response(status=refused.status, text=refused.reason)
