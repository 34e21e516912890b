"""The one `Incoming` and the one `Reply` that every channel adapter translates to and from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import SupportsFloat

# Telegram's maximum message length, and no channel we serve sends more: anything longer was not
# typed by a person, and every handler may assume it never sees more than this.
TEXT_MAX_CHARS = 4096


class Channel(StrEnum):
    """Where a user talks to us; part of every identity."""

    CONSOLE = "console"
    TELEGRAM = "telegram"
    WECHAT = "wechat"
    WECOM = "wecom"
    WECOM_KF = "wecom_kf"  # 微信客服: a WeChat user, by external_userid, through WeCom


@dataclass(frozen=True, slots=True)
class DialogKey:
    """A chat identity: the same person on two channels is two keys."""

    channel: Channel
    user_id: str

    def __str__(self) -> str:
        return f"{self.channel.value}:{self.user_id}"


@dataclass(frozen=True, slots=True)
class Location:
    """A shared point (WGS-84 degrees)."""

    lat: float
    lon: float

    @classmethod
    def read(
        cls, lat_value: str | SupportsFloat | None, lon_value: str | SupportsFloat | None
    ) -> Location | None:
        """A point a platform or a user reported, or None when either is not a finite number
        or it lies outside the globe (a garbled report must not become a place)."""
        if lat_value is None or lon_value is None:
            return None
        try:
            lat, lon = float(lat_value), float(lon_value)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            return None
        return cls(lat, lon)


class EventKind(StrEnum):
    """What a platform event says, as opposed to something the user wrote."""

    SUBSCRIBE = "subscribe"  # followed the official account (no QR scene)
    UNSUBSCRIBE = "unsubscribe"
    START = "start"  # Telegram /start or a deep link; a WeChat QR scene (arg: its code)
    MENU = "menu"  # a WeChat menu click (arg: the menu key)


@dataclass(frozen=True, slots=True)
class Event:
    """A platform event with its argument (the deep-link code, the menu key), if any."""

    kind: EventKind
    arg: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "arg", clean_text(self.arg)[:TEXT_MAX_CHARS])


@dataclass(frozen=True, slots=True)
class Incoming:
    """One user action, channel-neutral: text, a shared location or a tapped button."""

    key: DialogKey
    text: str = ""
    location: Location | None = None
    payload: str | None = None  # button payload (callback data, or a numbered WeChat choice)
    message_id: str | None = None  # channel's own id, for de-duplicating platform retries
    display_name: str | None = None
    event: Event | None = None  # a platform event rather than a message

    def __post_init__(self) -> None:
        # Whatever an adapter received is input: bounded, and storable as UTF-8.
        object.__setattr__(self, "text", clean_text(self.text)[:TEXT_MAX_CHARS])
        for name in ("payload", "display_name"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean_text(value)[:TEXT_MAX_CHARS])


def clean_text(text: str) -> str:
    """Text that encodes as UTF-8: surrogate pairs joined, a lone surrogate becomes U+FFFD.

    JSON (`"\\ud800"`) and some clients deliver lone surrogates; they are input, not errors.
    """
    if text.isascii():
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


@dataclass(frozen=True, slots=True)
class Choice:
    """A button (Telegram inline keyboard) or a numbered option (WeChat text)."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says: text plus optional choices; adapters decide how to render choices."""

    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    # choices may be picked several times (e.g. 岗位意愿), ended by a 完成 choice
    multi: bool = False
    request_location: bool = False  # the channel may offer a "share location" button
    # the question asks for a number ("比如 5"): a typed number is that value, not a choice number
    numeric: bool = False
    # the language of `text`: the router stamps a turn's replies with the turn's, the dispatcher a
    # push with its recipient's; an adapter's own hints (keyboards, menus) follow it
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply addressed to a user, e.g. a push produced outside the user's own turn."""

    key: DialogKey
    reply: Reply
    created_at: datetime | None = None
