"""Build the running parts from `Settings`: one lifespan that opens and closes them in order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.settings import Settings
from handlers.context import Policy, Services
from models.db import Database


def policy_from(settings: Settings) -> Policy:
    """The handler policy part of the settings."""
    return Policy(
        default_lang=settings.lang,
        min_wage_monthly=settings.min_wage_monthly,
        moderation=settings.moderation,
        risk_hold_threshold=settings.risk_hold_threshold,
        gig_expiry_days=settings.gig_expiry_days,
        job_expiry_days=settings.job_expiry_days,
        reach_threshold=settings.reach_threshold,
        quiet_start=settings.quiet_start,
        quiet_end=settings.quiet_end,
        daily_cap=settings.daily_cap,
    )


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """Open the database (migrating it) and build the services every handler shares."""
    async with Database.open(settings.db) as db:
        yield Services(db=db, policy=policy_from(settings))


def configure_logging(level: str) -> None:
    """Plain logging to stderr; personal data is never logged by the handlers."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
