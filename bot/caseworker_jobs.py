"""The caseworker area's part of `yizhan run`: WeCom group identities and the check-in timer.

On start it makes the WeCom group identities (one per district robot in `wecom_robots`) match
the settings, so a broadcast can queue a group message to them, and it registers the monthly
check-in: a timer that runs daily at `checkin_hour` (local) and queues the month's check-ins
from `checkin_day` on (`handlers.checkins.due_checkins`, idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.runner import Runtime
from bot.scheduler import Scheduler
from handlers.broadcast import sync_group_targets
from handlers.checkins import CHECKIN_DAY, due_checkins
from handlers.delivery_rules import next_local_hour

log = logging.getLogger(__name__)

CHECKIN_TIMER = "followups:checkins"
CHECKIN_KIND = "checkins"
CHECKIN_HOUR = 10  # local: after the morning rush, well inside anyone's waking hours


async def install_checkins(
    scheduler: Scheduler, day: int = CHECKIN_DAY, hour: int = CHECKIN_HOUR
) -> None:
    """Register the daily check-in run and make sure its timer exists."""
    services = scheduler.services

    async def run(now: datetime, payload: dict[str, Any]) -> datetime:
        queued = await due_checkins(services, now, day)
        if queued:
            log.info("queued %s monthly check-ins", queued)
        return next_local_hour(now, hour)

    scheduler.register(CHECKIN_KIND, run)
    await scheduler.ensure(CHECKIN_TIMER, next_local_hour(services.clock(), hour), CHECKIN_KIND)


@asynccontextmanager
async def caseworker_jobs(runtime: Runtime) -> AsyncIterator[None]:
    """Sync the WeCom group identities and install the check-in timer (after the scheduler)."""
    services = runtime.services
    await sync_group_targets(services, runtime.settings.wecom_robots, services.clock())
    if runtime.scheduler is not None:
        settings = runtime.settings
        await install_checkins(runtime.scheduler, settings.checkin_day, settings.checkin_hour)
    yield
