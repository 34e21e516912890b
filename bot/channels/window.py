"""The customer-service window: 5 messages within 48 hours of the user's last message.

One rule for the official account (`message/custom/send`, since 2023-06-12) and 微信客服
(`kf/send_msg`): both platforms allow 5 messages within 48 hours after the user wrote. The count
is kept in the database (wechat_windows, keyed by our user id) so that a restart does not hand
out the same five messages again. When the platform refuses first (`WindowClosed`), it knows
better and the window counts as spent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.errors import DeliveryError, RecipientGone, Transient, WindowClosed
from bot.limits import WECHAT_WINDOW_HOURS, WECHAT_WINDOW_MESSAGES
from handlers.context import Services
from models.user import User

WINDOW = timedelta(hours=WECHAT_WINDOW_HOURS)


class ServiceWindow:
    """Counts and spends one user's customer-service messages; see the module docstring."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._repo = services.repos.wechat

    async def left(self, user: User, now: datetime) -> int:
        """How many customer-service messages the user's window still allows."""
        opened = user.last_inbound_at
        if opened is None or now - opened >= WINDOW:
            return 0
        return max(0, WECHAT_WINDOW_MESSAGES - await self._repo.window_sent(user.id, opened))

    async def send(
        self, user: User, now: datetime, deliver: Callable[[], Awaitable[None]]
    ) -> bool:
        """Run `deliver` on one slot of the window: True when sent, False when it has no room."""
        opened = user.last_inbound_at
        if opened is None or now - opened >= WINDOW:
            return False
        if not await self._repo.take_window_slot(user.id, opened, WECHAT_WINDOW_MESSAGES):
            return False
        try:
            await deliver()
        except WindowClosed:
            # The platform knows better (e.g. a menu click opens only 3 messages within 1 minute).
            await self._repo.spend_window(user.id, opened, WECHAT_WINDOW_MESSAGES)
            return False
        except RecipientGone:
            raise  # whoever asked unsubscribes them (handlers.subscription)
        except Transient:
            raise  # it may have gone out: the slot stays counted
        except DeliveryError:
            await self._repo.give_back_window_slot(user.id, opened)
            raise
        return True
