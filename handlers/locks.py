"""One user's updates run one at a time (concurrent messages would race on the stored state)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from models.messages import DialogKey


class UserLocks:
    """A lock per dialog key, dropped again when nobody holds or waits for it.

    Re-entrant within one task: the Telegram adapter holds a user's lock around the turn and
    its replies (so they leave in order), and the router's middleware inside it holds the same.
    """

    def __init__(self) -> None:
        self._locks: dict[DialogKey, asyncio.Lock] = {}
        self._users: dict[DialogKey, int] = {}
        self._owners: dict[DialogKey, asyncio.Task[object] | None] = {}

    @asynccontextmanager
    async def hold(self, key: DialogKey) -> AsyncIterator[None]:
        """Serialise turns of one user; different users run concurrently."""
        me = asyncio.current_task()
        if key in self._owners and self._owners[key] is me:
            yield  # this task holds it already
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                self._owners[key] = me
                try:
                    yield
                finally:
                    del self._owners[key]
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._locks[key]
