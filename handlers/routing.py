"""Routers: each area declares its commands, flows, button payloads and fallbacks on one.

`handlers.routes.build_router()` includes the areas into a root; the order of inclusion *is*
the precedence of their fallbacks, and a duplicate command word, flow name or payload prefix
raises there, when the bot is built (no module registers anything when it is imported).
Middleware wraps handlers: `inbound` steps on the root run around every message (retry
dedup, the per-user lock), `around_commands` steps around one router's commands.

Declare on a router before including it: including copies its tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from handlers.context import Services, Turn
from models.messages import Incoming, Reply

Handler = Callable[[Turn, Services], Awaitable[list[Reply]]]
MaybeHandler = Callable[[Turn, Services], Awaitable[list[Reply] | None]]
# Around one router's commands: `await step(turn, services, run)` calls `run` (or answers itself).
CommandMiddleware = Callable[[Turn, Services, Handler], Awaitable[list[Reply]]]
# Around every inbound message, before a turn exists (the user is loaded inside the lock).
Step = Callable[[Incoming, Services], Awaitable[list[Reply]]]
InboundMiddleware = Callable[[Incoming, Services, Step], Awaitable[list[Reply]]]


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


class RouteConflict(Exception):
    """Two routers claim the same command word, command name, flow or payload prefix."""


class Router:
    """What one area answers; a root router includes the areas in order of precedence."""

    def __init__(
        self,
        name: str,
        *,
        inbound: Iterable[InboundMiddleware] = (),
        around_commands: Iterable[CommandMiddleware] = (),
    ) -> None:
        self.name = name
        self.inbound: tuple[InboundMiddleware, ...] = tuple(inbound)
        self._around = tuple(around_commands)
        self._commands: dict[str, Command] = {}
        self._words: set[str] = set()  # every command word, to refuse a duplicate
        self.flows: dict[str, Flow] = {}
        # A flow's own options ("修改" on a draft card) win over commands while it waits.
        self.flow_options: dict[str, Callable[[Turn], bool]] = {}
        self._payloads: dict[str, Handler] = {}  # prefix before the first ":" -> handler
        # Precise readers (invite codes, "J12") that win even inside an active flow.
        self.early_fallbacks: list[MaybeHandler] = []
        self.fallbacks: list[MaybeHandler] = []  # tried in order when nothing else fits

    @property
    def commands(self) -> Mapping[str, Command]:
        """Every command by name, in the order declared and included (帮助 lists them so)."""
        return self._commands

    def command(self, *commands: Command) -> None:
        """Answer each command's words in every state; words are matched lowercased."""
        for command in commands:
            words = tuple(w.lower() for w in command.words)
            run = command.run
            for step in reversed(self._around):
                run = _wrapped(step, run)
            self._add_command(replace(command, words=words, run=run))

    def flow(self, flow: Flow, *, owns: Callable[[Turn], bool] | None = None) -> None:
        """Continue `flow` while a user's state is in it; `owns(turn)` beats commands there."""
        if flow.name in self.flows:
            raise RouteConflict(f"flow {flow.name} declared twice ({self.name})")
        self.flows[flow.name] = flow
        if owns is not None:
            self.flow_options[flow.name] = owns

    def payload(self, prefix: str, handler: Handler) -> None:
        """Route button payloads `prefix:...` to `handler`, in any state."""
        if prefix in self._payloads:
            raise RouteConflict(f"payload prefix {prefix!r} declared twice ({self.name})")
        self._payloads[prefix] = handler

    def fallback(self, handler: MaybeHandler, *, before_flows: bool = False) -> None:
        """Try `handler` for text nothing else took; it returns None for "not mine".

        `before_flows` handlers run before an active flow too: only for input no flow could mean.
        """
        (self.early_fallbacks if before_flows else self.fallbacks).append(handler)

    def include(self, *routers: Router) -> Router:
        """Add the routers' tables after this one's, in order; returns self for chaining."""
        for router in routers:
            if router.inbound:
                raise RouteConflict(f"{router.name}: inbound middleware belongs on the root")
            for command in router._commands.values():
                wrapped = command
                for step in reversed(self._around):
                    wrapped = replace(wrapped, run=_wrapped(step, wrapped.run))
                self._add_command(wrapped)
            for flow in router.flows.values():
                self.flow(flow, owns=router.flow_options.get(flow.name))
            for prefix, handler in router._payloads.items():
                self.payload(prefix, handler)
            self.early_fallbacks.extend(router.early_fallbacks)
            self.fallbacks.extend(router.fallbacks)
        return self

    def payload_handler(self, payload: str) -> Handler | None:
        """The handler of a button payload, by its prefix."""
        return self._payloads.get(payload.split(":", 1)[0])

    def parse_command(self, text: str) -> tuple[Command, str] | None:
        """The command a message names, with the rest of the message as its argument."""
        stripped = text.strip()
        if not stripped:
            return None
        head, _, rest = stripped.partition(" ")
        if head.startswith("/"):
            head = head[1:].split("@", 1)[0]  # "/help@YizhanBot" in groups
        lowered, whole = head.lower(), stripped.lower()
        for command in self._commands.values():  # in order: a whole-message word wins per command
            if whole in command.words:
                return command, ""
            if lowered in command.words:
                return command, rest.strip()
        return None

    def _add_command(self, command: Command) -> None:
        if command.name in self._commands:
            raise RouteConflict(f"command {command.name} declared twice ({self.name})")
        clash = sorted(w for w in command.words if w in self._words)
        if clash:
            raise RouteConflict(f"command words {clash} declared twice ({self.name})")
        self._commands[command.name] = command
        self._words.update(command.words)


def _wrapped(step: CommandMiddleware, run: Handler) -> Handler:
    async def wrapped(turn: Turn, services: Services) -> list[Reply]:
        return await step(turn, services, run)

    return wrapped
