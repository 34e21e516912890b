"""A chat identity and its role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.messages import Channel, DialogKey
from models.values import Role


@dataclass(frozen=True, slots=True)
class User:
    """One identity on one channel; `id` is the foreign key everything else uses."""

    id: int
    key: DialogKey
    role: Role = Role.SEEKER
    lang: str = "zh"
    display_name: str | None = None
    district: str | None = None
    station: str | None = None
    subscribed: bool = True
    last_inbound_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def channel(self) -> Channel:
        """The channel this identity lives on."""
        return self.key.channel

    @property
    def is_staff(self) -> bool:
        """Caseworkers and admins may moderate, broadcast and export."""
        return self.role in (Role.CASEWORKER, Role.ADMIN)
