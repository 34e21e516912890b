"""Builders for the caseworker tests: staff chats, register rows, audit look-ups."""

from __future__ import annotations

import zlib

from handlers.context import Services
from models.messages import Channel, DialogKey
from models.register import RegisterEntry
from models.repos.audit import AuditEntry
from models.repos.register import RegisterRepo
from models.values import Role
from tests.chat_helpers import Chat


async def staff_chat(
    services: Services,
    name: str = "cw1",
    district: str | None = "西青区",
    role: Role = Role.CASEWORKER,
    channel: Channel = Channel.CONSOLE,
    station: str | None = "中北镇驿站",
) -> Chat:
    """A chat as an allow-listed caseworker (or admin)."""
    user = await services.users.get_or_create(DialogKey(channel, name), services.clock(), name)
    await services.users.set_role(user.id, role, district, station)
    return Chat(services, name, channel)


async def register(services: Services, *people: RegisterEntry) -> list[int]:
    """Put people on the register; returns their ids."""
    return await RegisterRepo(services.db).upsert_many(list(people), services.clock())


def person(name: str, district: str = "西青区", **fields: object) -> RegisterEntry:
    """A register row with a phone derived from the name."""
    phone = f"139{zlib.crc32(name.encode()) % 10**8:08d}"
    values: dict[str, object] = {"phone": phone, "district": district, **fields}
    return RegisterEntry(id=None, name=name, **values)  # type: ignore[arg-type]


async def audit(services: Services, action: str) -> list[AuditEntry]:
    """Audit entries of one action, newest first."""
    return [e for e in await services.audit.recent(500) if e.action == action]
