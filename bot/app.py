"""Build the running parts from `Settings`: one lifespan that opens and closes them in order."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from handlers.context import Policy, Services
from handlers.routes import build_router
from handlers.texts import t
from matching.encoder_backend import Backend, choose_backend, cpu_flags
from matching.engine import Matcher, SyncReport, TextEncoder
from matching.lazy_encoder import LazyEncoder, known
from models.db import Database, is_postgres, sqlite_path

if TYPE_CHECKING:
    from matching.encoder import Encoder

log = logging.getLogger(__name__)


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
        service_area=settings.service_area,
        quiet_start=settings.quiet_start,
        quiet_end=settings.quiet_end,
        daily_cap=settings.daily_cap,
        push_reach_cap=settings.push_reach_cap,
        telegram_bot_username=settings.telegram_bot_username,
        station_address=settings.station_address,
        station_phone=settings.station_phone,
    )


@asynccontextmanager
async def open_services(
    settings: Settings, *, with_matcher: bool = True, lazy_model: bool = False
) -> AsyncIterator[Services]:
    """Open the database (migrating it), the matcher unless told not to (light commands skip
    loading the model), and build the services every handler shares. `lazy_model` (a serving
    process) loads the model in the background: see `open_matcher`."""
    async with Database.open(settings.database) as db:
        matcher = await open_matcher(db, settings, lazy=lazy_model) if with_matcher else None
        try:
            yield Services(
                db=db, policy=policy_from(settings), matcher=matcher, router=build_router()
            )
        finally:
            if matcher is not None:
                await matcher.close()


async def open_matcher(db: Database, settings: Settings, *, lazy: bool = False) -> Matcher:
    """The matcher, its index files next to the database file (synced with it on open).

    `lazy`: when the model's identity is recorded (matching.lazy_encoder), the model loads in a
    thread and the sync on open runs in the background, so the caller serves at once; whatever
    needs them waits (`Matcher.ready`). Otherwise the model loads and the sync runs first.
    """
    model, cache = settings.embedding_model, settings.cache_dir
    backend = choose_backend(settings.encoder_backend, cpu_flags())  # decided once, here
    encoder: TextEncoder | None = None
    if lazy:
        from matching.model_files import model_folder  # tokenizers: only when a model is wanted

        folder = await asyncio.to_thread(model_folder, model, cache)
        identity = await asyncio.to_thread(known, folder, cache, backend)
        if identity is not None:
            encoder = LazyEncoder(identity, partial(shared_encoder, model, cache, backend))
    background = encoder is not None
    if encoder is None:
        encoder = await asyncio.to_thread(shared_encoder, model, cache, backend)
    matcher = await Matcher.open(
        db,
        encoder,
        index_dir(settings),
        phrases=t,
        lang=settings.lang,
        progress=sys.stderr.isatty(),
        background=background,
    )
    if not background:
        log_opened(matcher.opened)
    return matcher


def log_opened(report: SyncReport | None) -> None:
    """How much the model ran on open, for operators."""
    if report is not None:
        counts = {
            "postings": report.postings,
            "seekers": report.seekers,
            "encoded": report.encoded,
        }
        log.info("matcher open: %s postings, %s seekers, %s texts encoded", *counts.values(),
                 extra=counts)  # fmt: skip


def index_dir(settings: Settings) -> Path:
    """Index files sit next to a SQLite file; a server database's in the cache folder."""
    if is_postgres(settings.database):
        return settings.cache_dir / "indexes"
    return sqlite_path(settings.database).resolve().parent


def shared_encoder(model: str | None, cache_dir: Path, backend: Backend = "auto") -> Encoder:
    """One loaded model per process and inference path (loading takes seconds); `auto` is
    resolved first, so asking for `auto` and for the path it picks gives the same instance. No
    on-disk embedding cache: the index files already keep every posting's vector, and seekers'
    wishes stay out of extra files (删除我的信息)."""
    return _loaded_encoder(model, cache_dir, choose_backend(backend, cpu_flags()))


@lru_cache(maxsize=2)
def _loaded_encoder(model: str | None, cache_dir: Path, backend: Backend) -> Encoder:
    # Imported here: torch and sentence-transformers take seconds to import, and most commands
    # (chat, stats, import --no-push, wechat menu) never need them.
    from matching.encoder import load_encoder

    return load_encoder(model, cache_dir, backend=backend)
