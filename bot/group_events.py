"""Customer groups kept current from WeCom's `change_external_chat` events (#21).

The event names the group and what changed (create; update: add_member, del_member,
change_owner, change_name, change_notice; dismiss) but not the new name, owner or member
count, so the group is read again with groupchat/get and stored as WeCom describes it now;
a dismissed group is marked at once. One group's events are applied one at a time, in the
order they came, so a later read always wins. A failed read is logged: the next event of the
group or `yizhan groups sync` puts it right.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.errors import DeliveryError
from bot.wecom_api import GroupGone
from bot.wecom_groups import GroupsApi
from handlers.context import Services

log = logging.getLogger(__name__)

REREAD = frozenset({"create", "update"})
DISMISS = "dismiss"


class GroupEvents:
    """Applies group change events in the background (`close` waits for them)."""

    def __init__(self, services: Services, api: GroupsApi) -> None:
        self._services = services
        self._api = api
        self._repo = services.repos.customer_groups
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    def wake(self, chat_id: str, change_type: str, detail: str) -> None:
        """The callback's event (WeComCallback's `on_group_event`)."""
        if not self._closing:
            self._background(self.apply(chat_id, change_type, detail))

    async def apply(self, chat_id: str, change_type: str, detail: str) -> None:
        """Bring the stored group up to date with one event."""
        async with self._locks.setdefault(chat_id, asyncio.Lock()):
            if change_type == DISMISS:
                await self._repo.mark_dissolved(chat_id)
                log.info("customer group %s dismissed", chat_id)
                return
            if change_type not in REREAD:
                log.info("customer group %s: change %r ignored", chat_id, change_type)
                return
            try:
                group = await self._api.group(chat_id)
            except GroupGone:
                await self._repo.mark_dissolved(chat_id)
                return
            await self._repo.save_one(group, self._services.clock())
            log.info("customer group %s updated (%s %s)", chat_id, change_type, detail or "")

    async def close(self) -> None:
        """Take no new events and let the running ones finish."""
        self._closing = True
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        async def logged() -> None:
            try:
                await coro
            except DeliveryError as exc:
                log.warning("customer group event not applied: %s", exc)
            except Exception:
                log.exception("customer group event failed")

        task = asyncio.ensure_future(logged())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
