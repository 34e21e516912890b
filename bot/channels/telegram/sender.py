"""Telegram pushes for the delivery pipeline, and the one place PTB errors become ours."""

from __future__ import annotations

from datetime import timedelta

import httpx
from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.base import Pace, SendResult
from bot.channels.limits import TELEGRAM_PER_CHAT_PER_S
from bot.channels.telegram.adapter import file_base_url, send_reply
from bot.delivery.errors import DeliveryError, Permanent, RateLimited, RecipientGone, Transient
from models.messages import Channel, Reply

# Telegram allows ~30 msg/s overall. Pushes take 20: the pacer lets a full second's sends go as
# one burst, and the HTTP client spreads a burst over ~0.1 s, so Telegram can see up to ~8 of the
# next second's sends inside the same second (measured: 25/s showed up to 31 in one second at
# the fake server, 20/s stays under 30). The rest is headroom for replies to users chatting.
PUSH_GLOBAL_PER_S = 20.0
# Telegram allows ~1 msg/s per chat. The pacer spaces our calls; Telegram sees their arrival,
# which varies with the network (up to 25 ms on localhost in the fan-out test), so 100 ms more.
PUSH_CHAT_GAP_S = 1.0 / TELEGRAM_PER_CHAT_PER_S + 0.1


def classify(error: TelegramError) -> DeliveryError:
    """Map a PTB error to the delivery hierarchy; the dispatcher decides from the type alone."""
    if isinstance(error, RetryAfter):
        return RateLimited(retry_seconds(error.retry_after), str(error))
    if isinstance(error, Forbidden):  # blocked by the user, user deactivated, kicked
        return RecipientGone(str(error))
    if isinstance(error, InvalidToken | ChatMigrated):  # bad configuration / address moved
        return Permanent(str(error))
    if isinstance(error, BadRequest):  # checked before NetworkError: BadRequest subclasses it
        return Permanent(str(error))
    if isinstance(error, NetworkError):  # TimedOut, connection errors, 5xx
        return Transient(str(error))
    return Permanent(f"{type(error).__name__}: {error}")


def never_sent(error: NetworkError) -> bool:
    """Whether a failed call provably did nothing at Telegram, so sending it again cannot
    duplicate a message: an error status from the Bot API's front end (5xx), no connection, or
    no free connection in the pool. A lost connection or a read timeout after the request went
    out may have sent it, and a 400 never improves."""
    if isinstance(error, BadRequest):
        return False
    cause = error.__cause__ or error.__context__
    if cause is None:
        return not isinstance(error, TimedOut)
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def retry_seconds(value: int | float | timedelta) -> float:
    """RetryAfter.retry_after is a timedelta with PTB_TIMEDELTA=1 (PTB 23's default), else int."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """Sends pushes through its own `Bot` without a rate limiter: the pipeline paces and retries.

    A 429 surfaces at once as `RateLimited` so the dispatcher pauses and the delivery stays
    in the outbox; an in-memory retry inside PTB would be lost on shutdown.
    """

    channel = Channel.TELEGRAM
    pace = Pace(global_per_s=PUSH_GLOBAL_PER_S, per_recipient_s=PUSH_CHAT_GAP_S)

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    @classmethod
    def for_token(cls, token: str, api_base: str) -> TelegramSender:
        """A sender with its own connection pool; open it with `async with sender`."""
        from telegram.request import HTTPXRequest

        # 32 connections: at 25 msg/s and ~0.2-0.5 s per call to Telegram, ~13 are in flight.
        request = HTTPXRequest(connection_pool_size=32)
        bot = Bot(token, base_url=api_base, base_file_url=file_base_url(api_base), request=request)
        return cls(bot)

    async def __aenter__(self) -> TelegramSender:
        await self._bot.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._bot.shutdown()

    async def send(self, address: str, reply: Reply) -> SendResult:
        """Send one push (a long text becomes several messages; the last id is returned)."""
        try:
            # The keyboard hints follow reply.lang: the dispatcher set the recipient's.
            message = await send_reply(self._bot, int(address), reply, in_turn=False)
        except TelegramError as exc:
            raise classify(exc) from exc
        except ValueError as exc:  # not a chat id, or a button payload Telegram would refuse
            raise Permanent(str(exc)) from exc
        return SendResult(str(message.message_id) if message is not None else None)
