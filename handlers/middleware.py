"""Steps around every inbound message: the apology on a failure, retry dedup, the user lock.

The root router lists them (`handlers.routes.build_router`), outermost first.
"""

from __future__ import annotations

import logging

from handlers.context import Services
from handlers.routing import Step
from handlers.texts import t
from models.messages import DialogKey, Incoming, Reply

log = logging.getLogger(__name__)


async def apologise_on_error(msg: Incoming, services: Services, run: Step) -> list[Reply]:
    """The one error hook of a turn: log first (with the update id), then a polite apology.

    Everything that touches storage runs inside it: a failing database ends in the apology
    too, never in an exception out of `handle`.
    """
    try:
        return await run(msg, services)
    except Exception:
        log.exception("turn failed: message %s from %s", msg.message_id, msg.key)
        lang = await apology_lang(services, msg.key)
        return [Reply(t("error.apology", lang), lang=lang)]


async def apology_lang(services: Services, key: DialogKey) -> str:
    """The user's language for an apology; the default when even that cannot be read."""
    try:
        user = await services.users.get(key)
    except Exception:  # the database may be what failed
        return services.policy.default_lang
    return user.lang if user is not None else services.policy.default_lang


async def drop_retries(msg: Incoming, services: Services, run: Step) -> list[Reply]:
    """A platform's redelivery of a message already handled gets no second answer."""
    now = services.clock()
    if msg.message_id and await services.dialogs.seen_message(
        msg.key.channel.value, msg.message_id, now
    ):
        log.info("dropping platform retry %s of %s", msg.message_id, msg.key.channel)
        return []
    return await run(msg, services)


async def one_turn_per_user(msg: Incoming, services: Services, run: Step) -> list[Reply]:
    """One user's turns run one at a time: in this process, then across workers (PostgreSQL)."""
    # In-process first, so waiting turns hold no database connection.
    async with services.locks.hold(msg.key), services.db.user_lock(f"dialog:{msg.key}"):
        return await run(msg, services)
