"""微信客服 (WeCom customer service): kf/sync_msg from a stored cursor -> router -> kf/send_msg.

A seeker taps a 微信客服 link in a group message and talks to us in plain WeChat. WeCom only
says *that* an account has news (`kf_msg_or_event` at the app's callback); the messages come
from kf/sync_msg, page by page from a cursor. Each page is stored in the inbox together with its
next cursor in one transaction, then its messages are handled one by one and marked done. A
restart therefore misses nothing (stored rows still `new` are handled first, and the sync goes
on from the stored cursor) and repeats nothing (a msgid is stored once, and the router drops a
message id it has seen). The cursor is caught up at start too, for events that came while the
process was down.

Identity is the external_userid; answers go out by kf/send_msg within the same 48-hour /
5-message window as the official account (`bot.channels.window`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from bot.channels.limits import WECOM_KF_SYNC_LIMIT, WECOM_KF_TEXT_MAX_BYTES
from bot.channels.numbered import with_choices
from bot.channels.wechat.render import Rendered, render, split_utf8
from bot.channels.wecom.api import WeComApi
from bot.channels.wecom_kf.sender import WeComKfSender
from bot.channels.wecom_kf.session import KfSessions
from bot.delivery.errors import DeliveryError, RateLimited, RecipientGone, Transient
from handlers.context import Services
from handlers.router import handle as route
from handlers.seeker.faq import question_in
from handlers.services.subscription import recipient_gone
from handlers.texts import t
from models.messages import Channel, DialogKey, Event, EventKind, Incoming, Location, Reply
from models.repos.wecom_kf import InboxMessage
from models.user import User

log = logging.getLogger(__name__)

SYNC_PATH = "/cgi-bin/kf/sync_msg"
TurnHandler = Callable[[Incoming, Services], Awaitable[list[Reply]]]
InboundHook = Callable[[int], Awaitable[None]]

# A sync that WeCom refused for a moment (busy, unreachable, rate-limited) is tried again this
# much later; the messages wait at WeCom meanwhile, and the next event or a restart syncs too.
RETRY_DELAYS_S = (5.0, 30.0, 120.0)

# origin of a synced message: 3 the WeChat user wrote it, 4 a system event; 5 (a servicer in the
# WeCom client, or our own kf/send_msg) is ours and never answered.
FROM_USER, FROM_SYSTEM = 3, 4


@dataclass(frozen=True, slots=True)
class Translated:
    """What one synced message means: an incoming for the router, or a direct answer."""

    key: DialogKey
    open_kfid: str
    incoming: Incoming | None = None
    reply: str | None = (
        None  # answered directly (a picture, a voice note): the dialog is not asked
    )
    scene: str | None = None  # the link's scene_param (enter_session)
    welcome_code: str | None = None  # enter_session: one message may go out with it


def translate(message: dict[str, Any], lang: str) -> Translated | None:
    """One sync_msg item as what the channel does with it; None for what needs no answer."""
    kind = str(message.get("msgtype") or "")
    msgid = str(message.get("msgid") or "")
    if kind == "event":
        return _event(message.get("event") or {}, msgid)
    if message.get("origin") != FROM_USER:
        return None
    user_id = str(message.get("external_userid") or "")
    open_kfid = str(message.get("open_kfid") or "")
    if not user_id or not open_kfid:
        return None
    key = DialogKey(Channel.WECOM_KF, user_id)
    if kind == "text":
        text = str((message.get("text") or {}).get("content") or "")
        return Translated(key, open_kfid, Incoming(key, text=text, message_id=msgid))
    if kind == "location":
        place = message.get("location") or {}
        location = Location.read(place.get("latitude"), place.get("longitude"))
        if location is not None:
            return Translated(key, open_kfid, Incoming(key, location=location, message_id=msgid))
    return Translated(key, open_kfid, reply=t("wechat.unsupported", lang))


def _event(event: dict[str, Any], msgid: str) -> Translated | None:
    if event.get("event_type") != "enter_session":
        return None  # msg_send_fail, servicer and session status changes, recalls: nothing to say
    user_id = str(event.get("external_userid") or "")
    open_kfid = str(event.get("open_kfid") or "")
    if not user_id or not open_kfid:
        return None
    key = DialogKey(Channel.WECOM_KF, user_id)
    scene = unquote(str(event.get("scene_param") or "")).strip()
    # The scene goes to the router as a deep link: an invite code in it works as on Telegram.
    said = Event(EventKind.START, scene) if scene else Event(EventKind.SUBSCRIBE)
    incoming = Incoming(key, message_id=msgid, event=said)
    code = str(event.get("welcome_code") or "") or None
    return Translated(key, open_kfid, incoming, scene=scene or None, welcome_code=code)


class KfSync:
    """Fetches, stores and answers 微信客服 messages; see the module docstring."""

    def __init__(
        self,
        services: Services,
        api: WeComApi,
        sender: WeComKfSender,
        handle: TurnHandler = route,
        on_inbound: InboundHook | None = None,
        page_limit: int = WECOM_KF_SYNC_LIMIT,
        retry_delays: tuple[float, ...] = RETRY_DELAYS_S,
    ) -> None:
        self._services = services
        self._api = api
        self._sender = sender
        self._handle = handle
        self._on_inbound = on_inbound  # e.g. the dispatcher: pushes held for the window go now
        self._page_limit = page_limit
        self._retry_delays = retry_delays
        self._repo = services.repos.wecom_kf
        self._sessions = KfSessions(api)
        self._choices = services.repos.wechat
        self._origins = services.repos.origins
        self._locks: dict[str, asyncio.Lock] = {}
        self._drain_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._stopping = asyncio.Event()

    def wake(self, open_kfid: str, token: str = "") -> None:
        """The callback's news: sync `open_kfid` in the background (`close` waits for it)."""
        if not self._closing:
            self._background(self._sync_retrying(open_kfid, token))

    def start(self) -> None:
        """Catch up in the background: stored messages not yet answered, then every account."""
        self._background(self.catch_up())

    async def close(self) -> None:
        """Start no new sync and let the running ones finish their current message."""
        self._closing = True
        self._stopping.set()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def catch_up(self) -> None:
        """Handle what was stored before a stop, then sync every account synced before."""
        await self.drain()
        for open_kfid in await self._repo.accounts():
            await self.sync(open_kfid)

    async def sync(self, open_kfid: str, token: str = "") -> None:
        """Fetch every new page of `open_kfid`, storing each with its cursor, and answer it."""
        lock = self._locks.setdefault(open_kfid, asyncio.Lock())
        # One sync per account at a time, in this process and across workers.
        async with lock, self._services.db.user_lock(f"wecom_kf:{open_kfid}"):
            more = True
            while more and not self._closing:
                body: dict[str, Any] = {
                    "cursor": await self._repo.cursor(open_kfid),
                    "open_kfid": open_kfid,
                    "limit": self._page_limit,
                }
                if token:
                    body["token"] = token  # the event's token lifts sync_msg's rate limit
                answer = await self._api.post(SYNC_PATH, body)
                messages = [m for m in answer.get("msg_list") or [] if isinstance(m, dict)]
                cursor = str(answer.get("next_cursor") or body["cursor"])
                await self._repo.store_page(open_kfid, messages, cursor, self._services.clock())
                await self.drain()
                more = bool(answer.get("has_more")) and cursor != body["cursor"]  # never spin

    async def _sync_retrying(self, open_kfid: str, token: str) -> None:
        for delay in (*self._retry_delays, None):
            try:
                await self.sync(open_kfid, token)
                return
            except (Transient, RateLimited) as exc:
                if delay is None or self._closing:
                    raise
                wait = max(delay, exc.retry_after) if isinstance(exc, RateLimited) else delay
                log.warning("微信客服 sync of %s failed (%s); again in %s s", open_kfid, exc, wait)
            try:
                await asyncio.wait_for(self._stopping.wait(), wait)
                return  # stopping: the next start catches up
            except TimeoutError:
                pass

    async def drain(self) -> None:
        """Answer every stored message not yet handled, oldest first, each once."""
        # Taken after an account's sync lock, never before it: no two workers answer one row.
        async with self._drain_lock, self._services.db.user_lock("wecom_kf:inbox"):
            while not self._closing:
                pending = await self._repo.pending()
                if not pending:
                    return
                for message in pending:
                    if self._closing:
                        return
                    try:
                        await self._one(message)
                    except Exception:
                        # One message that always fails must not block everyone behind it; a
                        # database that is down fails `handled` too, and the row stays new.
                        log.exception("微信客服 message %s failed", message.msgid)
                    await self._repo.handled(message.msgid, self._services.clock())

    async def _one(self, message: InboxMessage) -> None:
        lang = self._services.policy.default_lang
        translated = translate(message.body, lang)
        if translated is None:
            return
        now = self._services.clock()
        user = await self._services.users.get_or_create(translated.key, now)
        await self._repo.set_account(user.id, translated.open_kfid, now)
        if translated.scene:
            await self._origins.record(user.id, "kf_link", translated.scene, now)
        wrote = translated.incoming is None or translated.incoming.event is None
        if wrote and await self._sessions.with_staff(translated.open_kfid, translated.key.user_id):
            # A caseworker serves (or is about to) in the WeCom client: the bot stays quiet,
            # and pushes wait (send_msg would be refused with 95018 anyway).
            await self._services.users.touch_inbound(user.id, now)
            return
        if translated.incoming is None:
            await self._services.users.touch_inbound(user.id, now)  # the user did write
            await self._answer(user, [Reply(translated.reply or "")], None)
            return
        incomings = await with_choices(self._choices, translated.incoming, user.id)
        replies: list[Reply] = []
        for incoming in incomings:  # with several picks only the last answer is current
            replies = await self._handle(incoming, self._services)
        if translated.welcome_code is not None and replies:
            # WeCom hands out a welcome code only when a welcome is due (none in 48 hours).
            replies = [Reply(t("wecom_kf.welcome", user.lang)), *replies]
        await self._answer(user, replies, translated.welcome_code)
        if translated.incoming.event is None and self._on_inbound is not None:
            try:
                await self._on_inbound(user.id)
            except Exception:
                log.exception("inbound hook failed for %s", translated.key)
        asked = translated.incoming.text
        if translated.incoming.event is None and asked and question_in(asked) == "human":
            # The router answered and told the staff (handlers.seeker.faq); WeCom now also shows
            # the seeker in its caseworkers' queue, and the bot is quiet until the session ends.
            await self._sessions.to_staff_queue(translated.open_kfid, translated.key.user_id)

    async def _answer(self, user: User, replies: list[Reply], welcome_code: str | None) -> None:
        """Send the turn's answer: by the welcome code if there is one, else in the window."""
        if not replies:
            return
        refreshed = await self._services.users.by_id(user.id) or user
        rendered = render(replies, refreshed.lang)
        pieces = split_utf8(rendered.text, WECOM_KF_TEXT_MAX_BYTES)
        try:
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                part = Rendered(piece, rendered.choices if last else (), rendered.multi)
                if i == 0 and welcome_code is not None:
                    await self._sender.send_welcome(refreshed, welcome_code, part)
                else:
                    await self._sender.send_rendered(refreshed, part, remember=last)
        except RecipientGone as exc:
            log.warning("微信客服 answer to %s not sent: %s", refreshed.key, exc)
            if refreshed.subscribed:
                await recipient_gone(self._services, refreshed.id)
        except DeliveryError as exc:
            log.warning("微信客服 answer to %s not sent: %s", refreshed.key, exc)

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        async def logged() -> None:
            try:
                await coro
            except Exception:
                log.exception("微信客服 sync failed")

        task = asyncio.ensure_future(logged())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
