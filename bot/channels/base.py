"""The sender interface every channel implements for the delivery pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from models.messages import Channel, Reply


@dataclass(frozen=True, slots=True)
class Pace:
    """A channel's declared limits; the dispatcher never exceeds them.

    `per_recipient` is the smallest gap in seconds between two sends to the same address;
    `global_per_s` is the overall rate (None = unpaced).
    """

    global_per_s: float | None = None
    per_recipient_s: float = 0.0


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the platform said about a successful send."""

    message_id: str | None = None


class Sender(Protocol):
    """Sends one reply to one address on one channel; raises
    `bot.delivery.errors.DeliveryError`."""

    channel: Channel
    pace: Pace

    async def send(self, address: str, reply: Reply) -> SendResult:
        """Send now; the dispatcher has already applied pacing."""
        ...
