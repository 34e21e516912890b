"""Demo data for the console (`yizhan web serve --demo`): postings, a held few, a register."""

from __future__ import annotations

from handlers.context import Services
from models.messages import Channel, DialogKey
from models.posting import PostingStatus
from models.register import RegisterEntry
from models.user import User
from models.values import Role

DEMO_STAFF = "demo-caseworker"
DEMO_DISTRICT = "西青区"
HELD = 3  # the first three sample postings wait in the moderation queue
DEMO_PEOPLE = (("张三", "13800000001"), ("李四", "13800000002"), ("王五", None))


async def seed_demo(services: Services) -> User:
    """Fill an empty database with the sample postings and register; return the caseworker."""
    from bot.cli_matching import load_demo_postings  # the one list of sample postings

    now = services.clock()
    if not await services.postings.with_status(*PostingStatus):
        for n, posting in enumerate(load_demo_postings(now)):
            if n < HELD:
                posting = posting.with_(status=PostingStatus.PENDING, published_at=None,
                                        expires_at=None)  # fmt: skip
            await services.postings.add(posting, now)
        people = [RegisterEntry(None, name, phone, district=DEMO_DISTRICT, imported_at=now)
                  for name, phone in DEMO_PEOPLE]  # fmt: skip
        await services.repos.register.upsert_many(people, now)
    key = DialogKey(Channel.CONSOLE, DEMO_STAFF)
    user = await services.users.get_or_create(key, now, "演示社工")
    await services.users.set_role(user.id, Role.CASEWORKER, DEMO_DISTRICT, "西青区驿站")
    staff = await services.users.by_id(user.id)
    assert staff is not None
    return staff
