"""The one entry point of the conversation: `handle(incoming, services) -> replies`.

The inbound middleware of `services.router` (the apology on a failure, retry dedup, the
per-user lock) runs around every message; then a turn is opened and routed. Order of
precedence: button payloads go to their owner; a waiting flow's own options; commands work in
every state; early fallbacks (invite codes, job codes); an active flow continues; otherwise
the fallbacks decide, in the order `handlers.routes.build_router` includes their areas.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from handlers import language
from handlers.context import Services, Turn
from handlers.routing import InboundMiddleware, Router, Step
from handlers.texts import t
from models.messages import Incoming, Reply

log = logging.getLogger(__name__)


async def handle(msg: Incoming, services: Services) -> list[Reply]:
    """Process one inbound message; never raises for bad input (an apology instead)."""
    run: Step = _open_turn
    for step in reversed(services.router.inbound):
        run = _chained(step, run)
    replies = await run(msg, services)
    if services.on_turn is not None:
        services.on_turn(msg.key.channel.value, len(replies))
    return replies


def _chained(step: InboundMiddleware, run: Step) -> Step:
    async def chained(msg: Incoming, services: Services) -> list[Reply]:
        return await step(msg, services, run)

    return chained


async def _open_turn(msg: Incoming, services: Services) -> list[Reply]:
    """Load who sent it and where their dialog stands, then route the turn."""
    now = services.clock()
    user = await services.users.get_or_create(msg.key, now, msg.display_name)
    await services.users.touch_inbound(user.id, now)
    state = await services.dialogs.load(user.id)
    turn = Turn(msg=msg, user=user, state=state, now=now)
    # Ids only: message text and phone numbers never reach the log at INFO.
    ids = {"channel": msg.key.channel.value, "message_id": msg.message_id, "user_id": user.id}
    log.info("inbound %s message %s from user %s", *ids.values(), extra=ids)
    # The turn is written in the user's language, set here once; `/lang` may switch it, so the
    # replies carry the language it ended in for the adapter's own hints.
    with language.speaking(user.lang):
        replies = await route(turn, services, services.router)
        return [r if r.lang else replace(r, lang=language.current()) for r in replies]


async def route(turn: Turn, services: Services, router: Router) -> list[Reply]:
    """The handler that answers this turn, by the precedence above."""
    msg = turn.msg
    if msg.payload:
        handler = router.payload_handler(msg.payload)
        if handler is not None:
            return await handler(turn, services)
    flow = turn.state.flow if turn.state is not None else None
    owns = router.flow_options.get(flow) if flow is not None else None
    if flow in router.flows and owns is not None and owns(turn):
        return await router.flows[flow].handle(turn, services)
    found = router.parse_command(msg.text) if msg.text else None
    if found is not None:
        command, args = found
        if command.staff_only and not turn.user.is_staff:
            await services.audit.record(
                str(msg.key), f"command:{command.name}", allowed=False, now=turn.now,
                detail=msg.text[:200],
            )  # fmt: skip
            return [Reply(t("error.not_allowed"))]
        return await command.run(replace(turn, args=args), services)
    for early in router.early_fallbacks:
        replies = await early(turn, services)
        if replies is not None:
            return replies
    if turn.state is not None and turn.state.flow in router.flows:
        return await router.flows[turn.state.flow].handle(turn, services)
    for fallback in router.fallbacks:
        replies = await fallback(turn, services)
        if replies is not None:
            return replies
    return [Reply(t("error.empty"))]
