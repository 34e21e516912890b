"""Typed button payloads: each kind of button is a small frozen class with `pack()`/`unpack()`.

The wire format is "<prefix>:<field>:<field>…", as buttons already sent, pending in the outbox
and numbered in WeChat's choices carry it, so it must not change. A trailing field may be left
out when it is optional (`fb:12:not` vs `fb:12:not:far`). Telegram takes 1–64 bytes of
callback data, so `pack` refuses anything longer. aiogram's `CallbackData` is the model.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from typing import ClassVar, Self

SEP = ":"
MAX_BYTES = 64  # Telegram Bot API: InlineKeyboardButton.callback_data is 1-64 bytes


@dataclasses.dataclass(frozen=True, slots=True)
class Payload:
    """A button's data: the class's `prefix`, then its fields in declaration order."""

    prefix: ClassVar[str]

    def pack(self) -> str:
        """The callback data string; raises ValueError when a value cannot be carried."""
        parts = [self.prefix]
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None:
                break  # optional trailing fields
            text = value.value if isinstance(value, enum.Enum) else str(value)
            if SEP in text:
                raise ValueError(f"{field.name} of {type(self).__name__} contains {SEP!r}")
            parts.append(text)
        data = SEP.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"{data!r} is longer than Telegram's {MAX_BYTES} bytes")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        """The payload `data` carries, or None when it is another kind or malformed (a stale or
        forged button: the handler answers it politely)."""
        if not data:
            return None
        prefix, *values = data.split(SEP)
        specs = dataclasses.fields(cls)
        required = sum(1 for f in specs if f.default is dataclasses.MISSING)
        if prefix != cls.prefix or not required <= len(values) <= len(specs):
            return None
        hints = typing.get_type_hints(cls)
        parsed: dict[str, object] = {}
        for field, raw in zip(specs, values, strict=False):
            value = _convert(raw, hints[field.name])
            if value is None:
                return None
            parsed[field.name] = value
        return cls(**parsed)


def _convert(raw: str, hint: object) -> object | None:
    """One field from its text, by its annotation (int, str, a StrEnum, or X | None)."""
    if isinstance(hint, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if hint is int:
        return int(raw) if raw.isascii() and raw.isdigit() else None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(raw)
        except ValueError:
            return None
    return raw


class FeedbackKind(enum.StrEnum):
    """The buttons under a push."""

    INTERESTED = "interested"
    NOT = "not"
    FOUND = "found"
    AGAIN = "again"


@dataclasses.dataclass(frozen=True, slots=True)
class Feedback(Payload):
    """感兴趣 / 不感兴趣 (then why) / 已找到工作 / 继续找工作: fb:<id>:<kind>[:<reason>]."""

    prefix: ClassVar[str] = "fb"
    posting_id: int
    kind: FeedbackKind
    reason: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class PostingControl(Payload):
    """A poster's or caseworker's answer to a notice: pc:<posting_id>:close|keep|stats."""

    prefix: ClassVar[str] = "pc"
    posting_id: int
    action: str


@dataclasses.dataclass(frozen=True, slots=True)
class JobsPage(Payload):
    """换一批 under 找工作's list: jobs:<page>."""

    prefix: ClassVar[str] = "jobs"
    page: int


@dataclasses.dataclass(frozen=True, slots=True)
class BroadcastButton(Payload):
    """Under a 广播 preview: bc:<posting_id>:seekers|group|both|cancel."""

    prefix: ClassVar[str] = "bc"
    posting_id: int
    target: str


@dataclasses.dataclass(frozen=True, slots=True)
class ModerationButton(Payload):
    """通过 / 核实 under 待审核: mod:approve|verify:<posting number>."""

    prefix: ClassVar[str] = "mod"
    action: str
    number: str


@dataclasses.dataclass(frozen=True, slots=True)
class AccountButton(Payload):
    """The account commands' buttons: acct:lang:zh|en, acct:delete:yes|no."""

    prefix: ClassVar[str] = "acct"
    action: str
    value: str


@dataclasses.dataclass(frozen=True, slots=True)
class CheckInButton(Payload):
    """The monthly check-in: ci:found|looking|help, ci:way:<way>, ci:need:<need>."""

    prefix: ClassVar[str] = "ci"
    what: str
    value: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class PostButton(Payload):
    """An employer's draft card: post:confirm|edit|cancel|skip|negotiable, post:trade:<code>,
    post:reading:<1|2> (which reading of a doubtful pay)."""

    prefix: ClassVar[str] = "post"
    action: str
    arg: str | None = None  # the trade a "trade" answer picks, the reading a "reading" picks


@dataclasses.dataclass(frozen=True, slots=True)
class OnboardingButton(Payload):
    """An onboarding answer: ob:<key>:<value>, the key naming the question it answers."""

    prefix: ClassVar[str] = "ob"
    key: str
    value: str
