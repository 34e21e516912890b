"""Builders shared by the delivery tests: seekers, postings, queued pushes, a fake-time sleep."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from handlers.context import Services
from models.db import Database
from models.messages import Channel, DialogKey
from models.posting import Posting, PostingStatus, Trust
from models.repos.deliveries import DeliveryRepo
from models.seeker import SeekerProfile
from models.values import Pay, PayUnit


async def make_seeker(
    services: Services,
    name: str = "u1",
    channel: Channel = Channel.CONSOLE,
    lang: str = "zh",
    **changes: object,
) -> int:
    """A consenting, active seeker with a complete profile; returns the user id."""
    now = services.clock()
    user = await services.users.get_or_create(DialogKey(channel, name), now)
    if lang != "zh":
        await services.users.set_lang(user.id, lang)
    profile = SeekerProfile(
        user_id=user.id,
        consent=True,
        categories=("A",),
        districts=("西青区",),
        completed_at=now,
    ).with_(**changes)
    await services.seekers.save(profile, now)
    return user.id


async def make_posting(services: Services, title: str = "保洁员", **changes: object) -> int:
    """A pending gig posting with a phone number; returns its id."""
    posting = Posting(
        id=None,
        title=title,
        description="西青区商场保洁，早8晚5，联系电话13812345678",
        categories=("A",),
        district="西青区",
        address="中北镇",
        pay=Pay(200, None, PayUnit.DAY, period="日结"),
        contact="王先生",
        phones=("13812345678",),
        headcount=4,
        trust=Trust.EMPLOYER,
        status=PostingStatus.PENDING,
    ).with_(**changes)
    return await services.postings.add(posting, services.clock())


async def publish_now(services: Services, posting_id: int, expires_at: datetime) -> None:
    """Mark a posting published without matching (for tests that enqueue by hand)."""
    async with services.db.transaction() as tx:
        await services.postings.set_status_in(
            tx, posting_id, PostingStatus.PUBLISHED, services.clock()
        )
        await services.postings.set_expiry_in(tx, posting_id, expires_at, services.clock())


async def enqueue(
    services: Services, posting_id: int, seekers: Sequence[int], score: float = 0.8
) -> tuple[int, int]:
    """Queue pushes of a posting to seekers through the real repository."""
    async with services.db.transaction() as tx:
        return await DeliveryRepo(services.db).enqueue_in(
            tx, posting_id, [(s, score, "保洁类 · 西青区") for s in seekers], services.clock()
        )


@dataclass
class FakeTime:
    """Sleeping advances the fake clock (never backwards), so paced waits cost no real time."""

    clock: Any  # tests.conftest.FakeClock

    def monotonic(self) -> float:
        return float(self.clock.now.timestamp())

    async def sleep(self, seconds: float) -> None:
        # Round up to the clock's microsecond, or a wait of 0.4 µs would never end.
        target = self.clock.now + timedelta(microseconds=math.ceil(max(0.0, seconds) * 1e6))
        self.clock.now = max(self.clock.now, target)
        await asyncio.sleep(0)


async def states(db: Database) -> dict[str, int]:
    """How many deliveries are in each state."""
    rows = await db.fetchall("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state")
    return {r["state"]: r["n"] for r in rows}
