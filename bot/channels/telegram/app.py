"""The Telegram channel in `yizhan run`: PTB's Application, long polling or our webhook route.

Turned on by `YIZHAN_TELEGRAM_TOKEN`. Replies to users go through the Application's bot (with
AIORateLimiter: 20/min per group, retries on 429, and on failures that never reached
Telegram); pushes go through a separate
`TelegramSender` that the delivery pipeline paces. Telegram counts every message a bot token
sends, so both take their slots from one `Pacer` per token (`SharedBudgetLimiter`), and a 429
on either pauses both.

On a webhook an update is answered (200) only once its turn is done: Telegram sends an
unanswered update again, so a worker killed or stopped while it holds updates has acknowledged
none it did not handle. (Updates queued for PTB and answered at once were lost on a kill, and
PTB drops its still-queued updates when it stops.)
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
from collections.abc import Mapping
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import BotCommand, Update
from telegram.error import NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.channels.telegram.adapter import TelegramAdapter, file_base_url
from bot.channels.telegram.sender import TelegramSender, never_sent, retry_seconds
from bot.delivery.pacing import Pacer
from bot.runner import Runtime
from bot.settings import Settings, reveal
from handlers.context import Services
from handlers.routing import Command
from handlers.texts import CATALOGUE, t
from models.messages import Channel

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_FORM = re.compile(r"[A-Za-z0-9_-]{1,256}")  # Bot API setWebhook secret_token
_COMMAND_FORM = re.compile(r"[a-z0-9_]{1,32}")  # Bot API BotCommand.command
RATE_LIMIT_RETRIES = 3  # AIORateLimiter's default is 0: a 429 on a reply would drop it
# A stopping worker gives the webhook turns under way this long (a turn takes milliseconds; a
# model still loading can take seconds) before the bot closes.
WEBHOOK_DRAIN_S = 20.0
CONCURRENT_UPDATES = 32  # different users' turns overlap; one user's turns stay in order
BOOTSTRAP_RETRIES = 3  # deleteWebhook/setWebhook at start, before giving up
# A reply that provably never reached Telegram is sent again this many times, after 0.5 s,
# then 1 s: the user is waiting in the chat, and a lost answer leaves the dialog stuck.
UNSENT_RETRIES = 2
UNSENT_FIRST_WAIT_S = 0.5


class SharedBudgetLimiter(AIORateLimiter):
    """AIORateLimiter whose overall budget is the account's `Pacer`, shared with the pushes.

    PTB's own overall limiter is switched off (rate 0); its per-group limit and its retries on
    429 stay. Only calls that address a chat (sendMessage, edits) count, as with PTB.
    """

    def __init__(self, budget: Pacer, max_retries: int) -> None:
        super().__init__(overall_max_rate=0, max_retries=max_retries)
        self.budget = budget

    async def _run_request(
        self, chat: bool, group: str | int | bool, allow_paid_broadcast: bool,
        callback: Any, args: Any, kwargs: dict[str, Any],
    ) -> Any:  # fmt: skip
        if not chat:
            return await self._limited(chat, group, allow_paid_broadcast, callback, args, kwargs)
        attempt = 0
        while True:
            try:
                async with self.budget.sending(None):  # counted until it returns, like a push
                    return await self._limited(
                        chat, group, allow_paid_broadcast, callback, args, kwargs
                    )
            except NetworkError as exc:
                if attempt == UNSENT_RETRIES or not never_sent(exc):
                    raise
                wait = UNSENT_FIRST_WAIT_S * 2**attempt
                method = args[0] if args else "request"  # ExtBot passes (endpoint, data)
                log.warning("telegram: %s not sent (%s), again in %.1f s", method, exc, wait)
                await asyncio.sleep(wait)
                attempt += 1

    async def _limited(
        self, chat: bool, group: str | int | bool, allow_paid_broadcast: bool,
        callback: Any, args: Any, kwargs: dict[str, Any],
    ) -> Any:  # fmt: skip
        try:
            return await super()._run_request(
                chat, group, allow_paid_broadcast, callback, args, kwargs
            )
        except RetryAfter as exc:  # the account is limited: the pushes wait too
            self.budget.pause(retry_seconds(exc.retry_after))
            raise


def account_budget() -> Pacer:
    """One bot token's send budget: Telegram's limits as the push pace declares them."""
    return Pacer(TelegramSender.pace)


def build_application(settings: Settings, services: Services, budget: Pacer | None = None) -> App:
    """PTB's Application wired to our adapter; no Updater in webhook mode (our route feeds it)."""
    if not settings.telegram_token:
        raise ValueError("YIZHAN_TELEGRAM_TOKEN is not set")
    api_base = settings.telegram_api_base
    builder = (
        ApplicationBuilder()
        .token(reveal(settings.telegram_token))
        .base_url(api_base)
        .base_file_url(file_base_url(api_base))
        .rate_limiter(SharedBudgetLimiter(budget or account_budget(), RATE_LIMIT_RETRIES))
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)  # timers live in our scheduler and survive restarts
    )
    if settings.telegram_webhook_url:
        builder = builder.updater(None)
    application: App = builder.build()
    TelegramAdapter(services).install(application)
    return application


def bot_commands(lang: str, commands: Mapping[str, Command]) -> list[BotCommand]:
    """The command menu: /start, then the router's commands with a slash word (not staff-only)."""
    found = [BotCommand("start", t("telegram.cmd.start", lang))]  # the adapter's own event
    for command in commands.values():
        word = next((w for w in command.words if _COMMAND_FORM.fullmatch(w)), None)
        if command.staff_only or word is None or word == "start":
            continue
        key = f"telegram.cmd.{word}"
        if key in CATALOGUE:
            description = t(key, lang)
        elif command.help_key is not None:
            description = t(command.help_key, lang).strip().splitlines()[0]
        else:
            continue
        found.append(BotCommand(word, description[:256]))
    return found[:100]  # Telegram shows at most 100 commands


class PollingTaken(Exception):
    """Another worker on this database long-polls the bot already: run on a webhook instead."""


class TelegramChannel:
    """The Telegram part of a running process: adapter, sender, polling or webhook."""

    def __init__(self, runtime: Runtime) -> None:
        # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self._settings = runtime.settings
        self._runtime = runtime
        # One budget for this token: replies (the Application) and pushes (the dispatcher).
        self.budget = account_budget()
        runtime.pacers[Channel.TELEGRAM] = self.budget
        self.application = build_application(runtime.settings, runtime.services, self.budget)
        token = reveal(runtime.settings.telegram_token)
        self.sender = TelegramSender.for_token(token, runtime.settings.telegram_api_base)
        self._stack = AsyncExitStack()
        self._secret = ""
        self._handling: set[asyncio.Task[None]] = set()  # webhook updates being handled
        self._stopping = False
        webhook_url = runtime.settings.telegram_webhook_url
        if webhook_url:
            self._secret = reveal(
                runtime.settings.telegram_webhook_secret
            ) or secrets.token_urlsafe(32)
            if not _SECRET_FORM.fullmatch(self._secret):
                raise ValueError("YIZHAN_TELEGRAM_WEBHOOK_SECRET: 1-256 of A-Z a-z 0-9 _ -")
            self.webhook_path = urlsplit(webhook_url).path or "/"
            runtime.http.app.router.add_post(self.webhook_path, self._webhook)

    async def __aenter__(self) -> TelegramChannel:
        async with AsyncExitStack() as stack:  # a failure part-way closes what was opened
            application = self.application
            await application.initialize()  # getMe: a wrong token fails here
            stack.push_async_callback(application.shutdown)
            await self._register_commands()
            await stack.enter_async_context(self.sender)
            self._runtime.senders[Channel.TELEGRAM] = self.sender
            await application.start()
            stack.push_async_callback(application.stop)
            if self._settings.telegram_webhook_url:
                await self._set_webhook(self._settings.telegram_webhook_url)
            else:
                # Only one process may long-poll a token: on a shared database the second
                # worker refuses to start and asks for the webhook (#20).
                bot_id = reveal(self._settings.telegram_token).split(":", 1)[0]
                db = self._runtime.services.db
                if not await stack.enter_async_context(db.exclusive(f"telegram-poll:{bot_id}")):
                    raise PollingTaken(bot_id)
                assert application.updater is not None
                await application.updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES
                )
                stack.push_async_callback(application.updater.stop)
            me = application.bot.bot
            log.info("telegram bot @%s (%s) is %s", me.username, me.id, self._mode)
            self._stack = stack.pop_all()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stopping = True  # new webhook updates get 503: Telegram sends them again later
        if self._handling:  # turns under way finish while the bot is up: their answers go out
            await asyncio.wait(self._handling, timeout=WEBHOOK_DRAIN_S)
        self._runtime.senders.pop(Channel.TELEGRAM, None)
        await self._stack.aclose()  # polling stops, queued updates finish, then the bots close

    @property
    def _mode(self) -> str:
        return "on a webhook" if self._settings.telegram_webhook_url else "long polling"

    async def _register_commands(self) -> None:
        """setMyCommands: Chinese for everyone, English for clients set to English."""
        bot = self.application.bot
        commands = self._runtime.services.router.commands
        await bot.set_my_commands(bot_commands("zh", commands))
        await bot.set_my_commands(bot_commands("en", commands), language_code="en")

    async def _set_webhook(self, url: str) -> None:
        """Point Telegram at our route; Telegram then sends the secret in every request."""
        last: Exception | None = None
        for _attempt in range(BOOTSTRAP_RETRIES + 1):
            try:
                await self.application.bot.set_webhook(
                    url, secret_token=self._secret, allowed_updates=ALLOWED_UPDATES
                )
                return
            except Exception as exc:
                last = exc
                log.warning("setWebhook failed: %s", exc)
        assert last is not None
        raise last

    async def _webhook(self, request: web.Request) -> web.Response:
        """One update from Telegram; refused unless it carries our secret token."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.warning("telegram webhook: refused a request without the secret token")
            return web.Response(status=403, text="forbidden")
        if self._stopping or not self.application.running:  # Telegram redelivers it later
            return web.Response(status=503, text="stopping")
        try:
            data = await request.json()
        except (ValueError, RecursionError):  # RecursionError: JSON nested 100,000s deep
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # PTB trusts the shape: {"message": "x"} is AttributeError
            log.warning("telegram webhook: unreadable update: %s", type(exc).__name__)
            return web.Response(status=400, text="unreadable update")
        # Handled before the answer, within the Application's limit of concurrent updates; a
        # failed turn has had its apology (PTB's error handler), so it is answered 200 too.
        application = self.application
        work = asyncio.ensure_future(
            application.update_processor.process_update(update, application.process_update(update))
        )
        self._handling.add(work)
        work.add_done_callback(self._handling.discard)
        await asyncio.shield(work)  # a dropped connection does not cancel a turn under way
        return web.Response(text="ok")
