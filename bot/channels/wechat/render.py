"""WeChat text has no buttons: choices become numbered options, and a bare number maps back.

Pure functions shared by the callback (passive replies) and the sender (customer-service pushes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.texts import t
from models.messages import Choice, Reply

# "1", "１", "1 3 5", "1,3", "1、3", "2." — at most 2 digits each, so "3000" stays a pay amount.
_NUMBERS = re.compile(r"^\s*\d{1,2}(?:\s*[\s,，、;；.。]\s*\d{1,2})*\s*[.。]?\s*$")


@dataclass(frozen=True, slots=True)
class Rendered:
    """The text of one WeChat message and the options its numbers stand for."""

    text: str
    choices: tuple[Choice, ...]
    multi: bool


def render(replies: Sequence[Reply], lang: str) -> Rendered:
    """Join replies into one message, numbering their choices 1..n across the whole batch."""
    parts: list[str] = []
    choices: list[Choice] = []
    multi = False
    for reply in replies:
        lines = [reply.text] if reply.text else []
        if reply.choices and reply.numeric:
            # The question asks for a number ("比如 5"): numbered options would collide with the
            # value, so they are shown as words to type and a bare 5 stays 5 km (issue 15).
            lines.append(t("wechat.choose_words", lang))
            lines.extend(f"· {choice.label}" for choice in reply.choices)
        elif reply.choices:
            multi = reply.multi
            lines.append(t("wechat.choose_multi" if reply.multi else "wechat.choose", lang))
            for choice in reply.choices:
                choices.append(choice)
                lines.append(f"{len(choices)} {choice.label}")
        if reply.request_location:
            lines.append(t("wechat.share_location", lang))
        if lines:
            parts.append("\n".join(lines))
    return Rendered("\n\n".join(parts), tuple(choices), multi)


def numbers_in(text: str) -> list[int] | None:
    """The option numbers a message consists of, or None when it says anything else."""
    normalized = unicodedata.normalize("NFKC", text)
    if not _NUMBERS.match(normalized):
        return None
    return [int(n) for n in re.findall(r"\d+", normalized)]


def pick(choices: Sequence[Choice], multi: bool, numbers: Sequence[int]) -> list[Choice] | None:
    """The options the numbers name; None if one is out of range, or several for one pick."""
    if not numbers or (len(numbers) > 1 and not multi):
        return None
    if any(n < 1 or n > len(choices) for n in numbers):
        return None
    seen: list[Choice] = []
    for n in numbers:
        if choices[n - 1] not in seen:
            seen.append(choices[n - 1])
    return seen


def utf8_truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut `text` to at most `limit` UTF-8 bytes on a character boundary, marking the cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(ellipsis.encode("utf-8"))
    return data[:room].decode("utf-8", "ignore") + ellipsis


def split_utf8(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` UTF-8 bytes, at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode("utf-8")) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line.encode("utf-8")) > limit:
            head = line.encode("utf-8")[:limit].decode("utf-8", "ignore")
            pieces.append(head)
            line = line[len(head) :]
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces
