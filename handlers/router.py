"""The one entry point of the conversation: `handle(incoming, services) -> replies`.

Order of precedence: platform retries are dropped; button payloads go to their owner; commands
work in every state; an active flow continues; otherwise the fallbacks decide (a job post from
an employer, a wish from a seeker, ...).
"""

from __future__ import annotations

import logging

from handlers.context import Services, Turn
from handlers.locks import UserLocks
from handlers.registry import (
    COMMANDS,
    EARLY_FALLBACKS,
    FALLBACKS,
    FLOW_OPTIONS,
    FLOWS,
    PAYLOADS,
    parse_command,
)
from handlers.texts import t
from models.messages import Incoming, Reply

log = logging.getLogger(__name__)

LOCKS = UserLocks()


async def handle(msg: Incoming, services: Services) -> list[Reply]:
    """Process one inbound message; never raises for bad input (an apology instead)."""
    now = services.clock()
    lang = services.policy.default_lang
    try:
        # Everything that touches storage is inside the try: a failing database must end in
        # the apology too, never in an exception out of `handle`.
        if msg.message_id and await services.dialogs.seen_message(
            msg.key.channel.value, msg.message_id, now
        ):
            log.info("dropping platform retry %s of %s", msg.message_id, msg.key.channel)
            return []
        # In-process first (waiting turns hold no connection), then across workers.
        async with LOCKS.hold(msg.key), services.db.user_lock(f"dialog:{msg.key}"):
            user = await services.users.get_or_create(msg.key, now, msg.display_name)
            lang = user.lang
            await services.users.touch_inbound(user.id, now)
            state = await services.dialogs.load(user.id)
            turn = Turn(msg=msg, user=user, state=state, now=now)
            # Ids only: message text and phone numbers never reach the log at INFO.
            ids = {
                "channel": msg.key.channel.value,
                "message_id": msg.message_id,
                "user_id": user.id,
            }
            log.info("inbound %s message %s from user %s", *ids.values(), extra=ids)
            replies = await _route(turn, services)
    except Exception:
        # Log first (with the update id), then apologise politely from the catalogue.
        log.exception("turn failed: message %s from %s", msg.message_id, msg.key)
        replies = [Reply(t("error.apology", lang))]
    if services.on_turn is not None:
        services.on_turn(msg.key.channel.value, len(replies))
    return replies


async def _route(turn: Turn, services: Services) -> list[Reply]:
    msg = turn.msg
    if msg.payload:
        prefix = msg.payload.split(":", 1)[0]
        handler = PAYLOADS.get(prefix)
        if handler is not None:
            return await handler(turn, services)
    flow = turn.state.flow if turn.state is not None else None
    owns = FLOW_OPTIONS.get(flow) if flow is not None else None
    if flow in FLOWS and owns is not None and owns(turn):
        return await FLOWS[flow].handle(turn, services)
    found = parse_command(msg.text) if msg.text else None
    if found is not None:
        command, _args = found
        if command.staff_only and not turn.user.is_staff:
            await services.audit.record(
                str(msg.key), f"command:{command.name}", allowed=False, now=turn.now,
                detail=msg.text[:200],
            )  # fmt: skip
            return [Reply(t("error.not_allowed", turn.lang))]
        return await command.run(turn, services)
    for _priority, early in EARLY_FALLBACKS:
        replies = await early(turn, services)
        if replies is not None:
            return replies
    if turn.state is not None and turn.state.flow in FLOWS:
        return await FLOWS[turn.state.flow].handle(turn, services)
    for _priority, fallback in FALLBACKS:
        replies = await fallback(turn, services)
        if replies is not None:
            return replies
    return [Reply(t("error.empty", turn.lang))]


def command_args(turn: Turn) -> str:
    """The text after a command word (`/lang en` -> "en")."""
    found = parse_command(turn.msg.text)
    return found[1] if found else ""


__all__ = ["COMMANDS", "LOCKS", "command_args", "handle"]

# Handler modules register on import (kept at the bottom: they import the registry).
from handlers import (  # noqa: E402,F401
    broadcast,
    checkins,
    commands,
    employer,
    feedback,
    followups,
    group_post,
    moderation,
    my_posts,
    onboarding,
    relay,
    staff,
)
