"""The Telegram adapter: PTB `Update` -> `Incoming`, and `Reply` -> messages with keyboards.

Platform objects stop here. `to_incoming` and `render` are pure translations; the
`TelegramAdapter` runs one update through `handlers.router.handle` and sends what it returns.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackContext, TypeHandler

from bot.channels.limits import TELEGRAM_TEXT_MAX
from handlers import language
from handlers.context import Services
from handlers.middleware import apology_lang
from handlers.router import handle
from handlers.texts import t
from models.messages import Channel, Choice, DialogKey, Event, EventKind, Incoming, Location, Reply

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
Context = CallbackContext[Any, Any, Any, Any]

CALLBACK_DATA_MAX_BYTES = 64  # Bot API: callback_data is 1-64 bytes


@dataclass(frozen=True, slots=True)
class Outbound:
    """One Telegram message to send: text within the 4096 limit and at most one keyboard."""

    text: str
    markup: Markup | None = None


def file_base_url(api_base: str) -> str:
    """The file-download base matching a Bot API base ("…/bot" -> "…/file/bot")."""
    head, sep, tail = api_base.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else api_base


def to_incoming(update: Update) -> Incoming | None:
    """The channel-neutral form of an update; None for what we do not serve (groups, edits)."""
    chat, user = update.effective_chat, update.effective_user
    # Profiles are personal: the bot talks in private chats only, never in groups or channels.
    if chat is None or user is None or user.is_bot or chat.type != ChatType.PRIVATE:
        return None
    base: dict[str, Any] = {
        "key": DialogKey(Channel.TELEGRAM, str(user.id)),
        # update_id is unique per bot, so webhook redeliveries are dropped by the router.
        "message_id": f"u{update.update_id}",
        "display_name": user.full_name,
    }
    query = update.callback_query
    if query is not None:
        return Incoming(payload=query.data, **base) if query.data else None
    message = update.message
    if message is None:
        return None
    if message.location is not None:
        spot = Location(message.location.latitude, message.location.longitude)
        return Incoming(location=spot, **base)
    text = message.text or message.caption or ""
    event = _start_event(text)
    # /start is Telegram's "open the chat", not something the user said: an event, no text.
    return Incoming(text="" if event else text, event=event, **base)


def _start_event(text: str) -> Event | None:
    """`/start` and `/start ARG` (a t.me/<bot>?start=ARG deep link): the START event."""
    head, _, arg = text.strip().partition(" ")
    if head.split("@", 1)[0] != "/start":
        return None
    return Event(EventKind.START, arg.strip())


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TELEGRAM_TEXT_MAX) -> list[str]:
    """Cut a long text into messages of at most `limit`, at line ends where possible."""
    if utf16_len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current, size = "", 0
    for piece in _pieces(text, limit):
        units = utf16_len(piece)
        if current and size + units > limit:
            chunks.append(current)
            current, size = "", 0
        current += piece
        size += units
    chunks.append(current)
    return [c.strip("\n") for c in chunks if c.strip()]


def _pieces(text: str, limit: int) -> list[str]:
    """Lines (with their newline); a line longer than `limit` is cut into `limit`-sized parts."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        while utf16_len(line) > limit:
            cut, units = 0, 0
            while units + utf16_len(line[cut]) <= limit:
                units += utf16_len(line[cut])
                cut += 1
            pieces.append(line[:cut])
            line = line[cut:]
        pieces.append(line)
    return pieces


def _width(label: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)


def inline_keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup:
    """Choices as inline buttons; short labels share a row so 17 categories fit one screen."""
    for choice in choices:
        size = len(choice.payload.encode("utf-8"))
        if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
            raise ValueError(f"button payload of {size} bytes (Telegram allows 1-64)")
    widest = max(_width(c.label) for c in choices)
    # Phone screens fit about 4 columns of 6-wide labels ("西青区"), 3 of 10, 2 of 16.
    per_row = 4 if widest <= 6 else 3 if widest <= 10 else 2 if widest <= 16 else 1
    buttons = [InlineKeyboardButton(c.label, callback_data=c.payload) for c in choices]
    return InlineKeyboardMarkup(
        [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


def location_keyboard() -> ReplyKeyboardMarkup:
    """A one-time reply keyboard with Telegram's share-location button."""
    button = KeyboardButton(t("telegram.share_location"), request_location=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def render(reply: Reply, *, in_turn: bool = False) -> list[Outbound]:
    """A `Reply` as Telegram messages; choices ride on the last part of a long text.

    A message carries one keyboard, so a question with both choices and a location request
    becomes two messages. `in_turn` replies (answers to the user's own message) also clear a
    location keyboard left from an earlier question. Its own hints are in the reply's language.
    """
    with language.speaking(reply.lang):
        return _render(reply, in_turn)


def _render(reply: Reply, in_turn: bool) -> list[Outbound]:
    parts = split_text(reply.text) if reply.text.strip() else []
    if not parts and not reply.choices and not reply.request_location:
        return []
    if not parts:
        parts = ["👇"]  # Telegram rejects empty text; the keyboard below is the content
    out = [Outbound(part) for part in parts[:-1]]
    last = parts[-1]
    if reply.choices:
        out.append(Outbound(last, inline_keyboard(reply.choices)))
        if reply.request_location:
            out.append(Outbound(t("telegram.location_hint"), location_keyboard()))
    elif reply.request_location:
        out.append(Outbound(last, location_keyboard()))
    else:
        out.append(Outbound(last, ReplyKeyboardRemove() if in_turn else None))
    return out


async def send_reply(bot: Bot, chat_id: int, reply: Reply, *, in_turn: bool) -> Message | None:
    """Send one reply as one or more messages; returns the last message sent."""
    last = None
    for part in render(reply, in_turn=in_turn):
        last = await bot.send_message(chat_id=chat_id, text=part.text, reply_markup=part.markup)
    return last


class TelegramAdapter:
    """Runs one update through the router and sends the replies back to the chat."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Route every update to `on_update` and every handler failure to `on_error`."""
        application.add_handler(TypeHandler(Update, self.on_update))
        application.add_error_handler(self.on_error)

    async def on_update(self, update: Update, context: Context) -> None:
        """Translate, handle, reply; a tapped button is answered at once so it never spins."""
        incoming = to_incoming(update)
        query = update.callback_query
        if incoming is None or update.effective_chat is None:
            if query is not None:
                await _answer(query)
            return
        chat_id = update.effective_chat.id
        # Updates are processed concurrently; one chat's updates still run in arrival order: the
        # user's one lock (the router's middleware takes the same, re-entrantly) covers the sends.
        async with self._services.locks.hold(incoming.key):
            if query is not None:
                await _answer(query)
            replies = await handle(incoming, self._services)
            if query is not None and isinstance(query.message, Message):
                # "picked: …" in the language the turn ended in (its replies carry it)
                lang = next((r.lang for r in replies if r.lang), None)
                with language.speaking(lang or await self._lang(incoming.key)):
                    replies = await _settle_buttons(query, query.message, replies)
            for reply in replies:
                await send_reply(context.bot, chat_id, reply, in_turn=True)

    async def on_error(self, update: object, context: Context) -> None:
        """Log first (update id leading), then apologise in the chat from the catalogue."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.effective_chat.type != ChatType.PRIVATE or update.effective_user is None:
            return
        key = DialogKey(Channel.TELEGRAM, str(update.effective_user.id))
        lang = await apology_lang(self._services, key)
        try:
            await context.bot.send_message(update.effective_chat.id, t("error.apology", lang))
        except TelegramError as exc:
            log.warning("update %s: apology not sent: %s", update_id, exc)

    async def _lang(self, key: DialogKey) -> str:
        user = await self._services.users.get(key)
        return user.lang if user is not None else self._services.policy.default_lang


async def _answer(query: CallbackQuery) -> None:
    """Stop the button's spinner; an expired query (older than ~15 min) is not an error."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.info("callback query %s not answered: %s", query.id, exc)


async def _settle_buttons(
    query: CallbackQuery, message: Message, replies: list[Reply]
) -> list[Reply]:
    """Update the message whose button was tapped; returns the replies still to send.

    A multi-choice question answered with itself (岗位意愿 with a new ✓) is redrawn in place
    instead of sent again. Otherwise the tapped
    label is shown as picked and the keyboard removed, so old buttons cannot be tapped twice.
    Stale buttons still reach the handlers, which decide what an old choice means now.
    """
    first = replies[0] if replies else None
    redraw = first is not None and first.multi and _same_buttons(message, first)
    if first is not None and redraw and len(split_text(first.text)) == 1:
        markup = inline_keyboard(first.choices)
        await _quietly(message.edit_text(first.text, reply_markup=markup))
        return replies[1:]
    label = _label_of(message, query.data or "")
    marked = f"{message.text}\n\n{t('telegram.picked', label=label)}"
    if label is not None and message.text and utf16_len(marked) <= TELEGRAM_TEXT_MAX:
        await _quietly(message.edit_text(marked, reply_markup=None))
    elif message.reply_markup is not None:
        await _quietly(message.edit_reply_markup(reply_markup=None))
    return replies


async def _quietly(edit: Awaitable[object]) -> None:
    """Edits are cosmetic: "message is not modified" or "can't be edited" must not fail a turn."""
    try:
        await edit
    except BadRequest as exc:
        log.info("message not updated: %s", exc)


def _same_buttons(message: Message, reply: Reply) -> bool:
    """The reply redraws the tapped question (same payloads; only labels like ✓ change)."""
    markup = message.reply_markup
    if markup is None or not reply.choices:
        return False
    shown = {b.callback_data for row in markup.inline_keyboard for b in row}
    return shown == {c.payload for c in reply.choices}


def _label_of(message: Message, payload: str) -> str | None:
    markup = message.reply_markup
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == payload:
                return button.text
    return None
