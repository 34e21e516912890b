"""The console as a delivery channel: pushes are printed to the terminal, rendered like chat.

Used by `yizhan demo` and local runs; it reuses the console's `render` so a push reads exactly
like a reply in `yizhan chat`. A terminal has no rate limits and never refuses a message.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console

from bot.channels.base import Pace, SendResult
from bot.channels.console.adapter import render
from handlers.texts import t
from models.messages import Channel, Reply


class ConsoleSender:
    """Prints each push under a header naming its recipient; keeps what it printed."""

    channel = Channel.CONSOLE
    pace = Pace()  # a terminal has no limits

    def __init__(self, out: Callable[[str], None] | None = None, lang: str = "zh") -> None:
        self.out = out or Console(highlight=False).print
        self.lang = lang
        self.sent: list[tuple[str, Reply]] = []

    async def send(self, address: str, reply: Reply) -> SendResult:
        """Print now."""
        self.sent.append((address, reply))
        self.out(t("delivery.console.push", self.lang, address=address))
        self.out(render(reply, self.lang))
        self.out("")
        return SendResult(f"console-{len(self.sent)}")
