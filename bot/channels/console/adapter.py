"""The terminal channel: lines in, rendered replies out, for local use, demos and tests.

Choices are printed numbered; the user answers with the number or the label (several numbers,
"1 3", for a multiple choice) and the number is mapped back to the choice's payload. A line
"@loc 39.08 117.2" shares a location (latitude, longitude). The last numbered list is kept
per user in storage (the table WeChat uses), so a number still picks after `yizhan chat` restarts.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable

from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from handlers.context import Services
from handlers.router import handle
from handlers.texts import t
from models.messages import Channel, DialogKey, Incoming, Location, Reply

LOCATION = re.compile(
    r"^@loc\s+(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$", re.IGNORECASE
)
QUIT = ("/quit", "/exit")


def render(reply: Reply, lang: str = "zh") -> str:
    """A reply as terminal text: the message, its numbered choices, and how to answer."""
    lines = [reply.text]
    lines.extend(f"  {n}. {choice.label}" for n, choice in enumerate(reply.choices, 1))
    if reply.multi and reply.choices:
        lines.append(t("console.multi_hint", lang))
    if reply.request_location:
        lines.append(t("console.location_hint", lang))
    return "\n".join(lines)


def parse_location(line: str) -> Location | None:
    """ "@loc 39.08 117.2" -> Location(39.08, 117.2); None when malformed or out of range."""
    m = LOCATION.match(line.strip())
    if m is None:
        return None
    return Location.read(m.group(1), m.group(2))


def _choice_payloads(line: str, last: Reply | None) -> list[str] | None:
    if last is None or not last.choices:
        return None
    text = line.strip()
    # A typed label is a tap on a single choice; in a multiple choice typed words answer at once
    # (the dialog reads "西青区 南开区" as the whole answer), as they do on every channel.
    for choice in () if last.multi else last.choices:
        if text.lower() == choice.label.lower():
            return [choice.payload]
    if last.numeric:
        return None  # "5" at 多远 means 5 km, never choice 5
    numbers = text.replace(",", " ").replace("，", " ").split()
    count = len(last.choices)
    if not numbers or not all(
        n.isascii() and n.isdigit() and 1 <= int(n) <= count for n in numbers
    ):
        return None
    if len(numbers) > 1 and not last.multi:
        return None
    # "3 3" is choice 3 once: tapping it twice would deselect it again without a word.
    return [last.choices[int(n) - 1].payload for n in dict.fromkeys(numbers)]


def to_incoming(line: str, key: DialogKey, last: Reply | None) -> list[Incoming] | None:
    """The messages one typed line stands for (several for "1 3"); None for a malformed @loc."""
    if line.strip().lower().startswith("@loc"):
        location = parse_location(line)
        return None if location is None else [Incoming(key, location=location)]
    payloads = _choice_payloads(line, last)
    if payloads is not None:
        return [Incoming(key, payload=p) for p in payloads]
    return [Incoming(key, text=line)]


class ConsoleSession:
    """One console user talking to the router; remembers the last choices to map numbers back."""

    def __init__(self, services: Services, user_id: str) -> None:
        self.services = services
        self.key = DialogKey(Channel.CONSOLE, user_id)
        self._choices = services.repos.wechat
        self._last: Reply | None = None
        self._loaded = False  # the stored list is read once, on the first line typed

    async def lang(self) -> str:
        """The user's current language (it changes with /lang)."""
        user = await self.services.users.get(self.key)
        return user.lang if user is not None else self.services.policy.default_lang

    async def send(self, line: str) -> list[Reply]:
        """Send one typed line; for several numbers only the last answer's replies are returned."""
        if not self._loaded:
            self._last = await self._stored_choices()
            self._loaded = True
        messages = to_incoming(line, self.key, self._last)
        if messages is None:
            return [Reply(t("console.bad_location", await self.lang()))]
        replies: list[Reply] = []
        for msg in messages:
            replies = await handle(msg, self.services)
        if replies:
            self._last = replies[-1]
            await self._store_choices(self._last)
        return replies

    async def _stored_choices(self) -> Reply | None:
        """The list offered before a restart, as the reply the numbers refer to."""
        user = await self.services.users.get(self.key)
        stored = await self._choices.choices(user.id) if user is not None else None
        if stored is None:
            return None
        return Reply("", stored.choices, multi=stored.multi, numeric=stored.numeric)

    async def _store_choices(self, reply: Reply) -> None:
        user = await self.services.users.get(self.key)
        if user is None:  # 删除我的信息 removed the user, and the stored list with it
            return
        now = self.services.clock()
        await self._choices.save_choices(
            user.id, reply.choices, reply.multi, now, numeric=reply.numeric
        )


async def run_lines(
    session: ConsoleSession, lines: Iterable[str], out: Callable[[str], None], echo: bool = False
) -> None:
    """Piped mode: every line is one message and every reply is printed."""
    you = t("console.you", await session.lang())
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.strip().lower() in QUIT:
            break
        if echo:
            out(f"{you}: {line}")
        replies = await session.send(line)
        lang = await session.lang()
        for reply in replies:
            out(render(reply, lang))
        out("")


async def run_interactive(session: ConsoleSession, console: Console) -> None:
    """Terminal mode: a rich prompt until /quit, Ctrl-D or Ctrl-C."""
    lang = await session.lang()
    console.print(Text(t("console.intro", lang, user=session.key.user_id), style="dim"))
    while True:
        prompt = f"[bold cyan]{t('console.prompt', lang)}[/]"
        try:
            line = await asyncio.to_thread(
                Prompt.ask, prompt, console=console, default="", show_default=False
            )
        except (EOFError, KeyboardInterrupt):
            break
        if line.strip().lower() in QUIT:
            break
        replies = await session.send(line)
        lang = await session.lang()
        for reply in replies:
            console.print(Text(f"{t('console.bot', lang)}: ", style="bold green"), end="")
            console.print(Text(render(reply, lang)))
