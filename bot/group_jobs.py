"""Customer groups in `yizhan run` (#21): when `wecom_group_digest_hour` is set, every day at that
local hour each tagged group's digest task is created (the owners still confirm each in WeCom),
and every hour the waiting tasks' results are read back. Off by default: `yizhan groups send`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from bot.errors import DeliveryError
from bot.group_digests import GroupDigests, open_group_digests
from bot.runner import Runtime
from bot.scheduler import Scheduler
from handlers.delivery_rules import next_local_hour

log = logging.getLogger(__name__)

DIGEST_TIMER, DIGEST_KIND = "groups:digests", "group_digests"
RESULTS_TIMER, RESULTS_KIND = "groups:results", "group_results"
# Owners confirm within hours; reading every waiting task hourly costs two calls a task.
RESULTS_EVERY = timedelta(hours=1)
STAFF = "yizhan run"  # who the audit log names for the daily tasks


async def install(scheduler: Scheduler, digests: GroupDigests, hour: int) -> None:
    """Register the daily digest run and the hourly results read; make sure both timers exist."""

    async def create(now: datetime, payload: dict[str, Any]) -> datetime:
        try:
            made = [plan for plan, d in await digests.send_all(STAFF) if d is not None]
            for plan in made:
                await digests.audit(STAFF, "groups:send", plan.group.chat_id,
                                    f"daily {len(plan.postings)} postings")  # fmt: skip
            log.info("created %d customer-group digest tasks", len(made))
        except DeliveryError as exc:
            log.warning("customer-group digests not created: %s", exc)
        return next_local_hour(now, hour)

    async def results(now: datetime, payload: dict[str, Any]) -> datetime:
        try:
            await digests.read_results()
        except DeliveryError as exc:
            log.warning("customer-group results not read: %s", exc)
        return now + RESULTS_EVERY

    now = scheduler.services.clock()
    scheduler.register(DIGEST_KIND, create)
    scheduler.register(RESULTS_KIND, results)
    await scheduler.ensure(DIGEST_TIMER, next_local_hour(now, hour), DIGEST_KIND)
    await scheduler.ensure(RESULTS_TIMER, now + RESULTS_EVERY, RESULTS_KIND)


@asynccontextmanager
async def group_jobs(runtime: Runtime) -> AsyncIterator[None]:
    """The daily digests and hourly results, while the process serves (when configured)."""
    settings = runtime.settings
    hour = settings.wecom_group_digest_hour
    configured = settings.wecom_corp_id and settings.wecom_secret and settings.wecom_kf_url
    if hour is None or runtime.scheduler is None or not configured:
        yield
        return
    async with open_group_digests(settings, runtime.services) as digests:
        await install(runtime.scheduler, digests, hour)
        yield
