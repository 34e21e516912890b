"""Where commands, flows, button payloads and fallbacks register themselves.

Each handler module registers on import; `handlers.router` imports them all in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from handlers.context import Services, Turn
from models.messages import Reply

Handler = Callable[[Turn, Services], Awaitable[list[Reply]]]
MaybeHandler = Callable[[Turn, Services], Awaitable[list[Reply] | None]]


@dataclass(frozen=True, slots=True)
class Command:
    """A command that works in every state: Chinese words and slash forms (`帮助`, `/help`)."""

    name: str
    words: tuple[str, ...]  # matched case-insensitively; slash forms without the slash
    run: Handler
    staff_only: bool = False  # refused (and audited) for seekers and employers
    help_key: str | None = None  # catalogue key of its one-line help


class Flow(Protocol):
    """A multi-step dialog whose state lives in `dialog_states` under `name`."""

    name: str
    version: int

    async def handle(self, turn: Turn, services: Services) -> list[Reply]:
        """Continue the flow with this turn (the state's flow is this one)."""
        ...


COMMANDS: dict[str, Command] = {}
FLOWS: dict[str, Flow] = {}
# A flow's own options ("修改" on a draft card) win over global commands while it waits.
FLOW_OPTIONS: dict[str, Callable[[Turn], bool]] = {}
PAYLOADS: dict[str, Handler] = {}  # payload prefix before the first ":" -> handler
FALLBACKS: list[tuple[int, MaybeHandler]] = []  # tried in priority order when nothing else fits
# Precise readers (invite codes, deep links, "J12") that must win even inside an active flow.
EARLY_FALLBACKS: list[tuple[int, MaybeHandler]] = []


def register_command(command: Command) -> Command:
    """Add a command; names and words must be unique."""
    if command.name in COMMANDS:
        raise RuntimeError(f"command {command.name} registered twice")
    taken = {w for c in COMMANDS.values() for w in c.words}
    clash = taken & {w.lower() for w in command.words}
    if clash:
        raise RuntimeError(f"command words {sorted(clash)} registered twice")
    COMMANDS[command.name] = Command(
        command.name,
        tuple(w.lower() for w in command.words),
        command.run,
        command.staff_only,
        command.help_key,
    )
    return command


def register_flow(flow: Flow) -> Flow:
    """Add a flow under its name."""
    FLOWS[flow.name] = flow
    return flow


def register_flow_options(name: str, owns: Callable[[Turn], bool]) -> None:
    """While flow `name` waits, messages for which `owns(turn)` holds go to it, not to commands."""
    FLOW_OPTIONS[name] = owns


def register_payload(prefix: str, handler: Handler) -> None:
    """Route button payloads `prefix:...` to `handler`, in any state."""
    PAYLOADS[prefix] = handler


def register_fallback(priority: int, handler: MaybeHandler, *, before_flows: bool = False) -> None:
    """Try `handler` (lower priority first) for text outside any flow; None means not mine.

    `before_flows` handlers run before an active flow too: only for input no flow could mean.
    """
    target = EARLY_FALLBACKS if before_flows else FALLBACKS
    target.append((priority, handler))
    target.sort(key=lambda item: item[0])


def parse_command(text: str) -> tuple[Command, str] | None:
    """Find the command a message names, with the rest of the message as its argument."""
    stripped = text.strip()
    if not stripped:
        return None
    head, _, rest = stripped.partition(" ")
    if head.startswith("/"):
        head = head[1:].split("@", 1)[0]  # "/help@YizhanBot" in groups
    lowered = head.lower()
    whole = stripped.lower()
    for command in COMMANDS.values():
        if whole in command.words:
            return command, ""
        if lowered in command.words:
            return command, rest.strip()
    return None
