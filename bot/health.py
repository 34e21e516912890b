"""`GET /healthz` and `GET /metrics` of `yizhan run`, served on its HTTP port.

/healthz answers 200 when the database answers and every configured channel is up, else 503,
with a JSON body an operator (or a load balancer) can read:
`{"status": "ok", "database": "ok", "channels": {"Telegram": "up"}, "model": "ready", "queue":
{"depth": 3, "oldest_due": "2026-11-23T02:00:00+00:00", "overdue_s": 12.5, "channels":
{"telegram": 3}}}`. "model" is "loading" for the first seconds of a worker, which already sends
pushes and answers what needs no model (the rest waits for it; a failed load ends the process).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.metrics import CONTENT_TYPE, Metrics
from handlers.context import Services
from models.repos.queue import QueueStat

log = logging.getLogger(__name__)

DB_TIMEOUT_S = 2.0  # a health check that waits longer than this reports the database down
UP = "up"


class HealthRoutes:
    """The two operator endpoints over one process's services, channel states and metrics."""

    def __init__(self, services: Services, channels: Mapping[str, str], metrics: Metrics) -> None:
        self._services = services
        self._channels = channels  # channel name -> state, kept current by the runtime
        self._metrics = metrics
        self._queue = services.repos.queue

    def add_routes(self, app: web.Application) -> None:
        """Install GET /healthz and GET /metrics."""
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)

    async def healthz(self, request: web.Request) -> web.Response:
        """Database, channels and the dispatcher's queue; 200 when all is well, else 503."""
        stats = await self._stats()
        channels = dict(self._channels)
        healthy = stats is not None and all(state == UP for state in channels.values())
        body: dict[str, Any] = {
            "status": "ok" if healthy else "unavailable",
            "database": "ok" if stats is not None else "unreachable",
            "channels": channels,
            "model": self._model(),
            "queue": None if stats is None else _queue(stats, self._services.clock()),
        }
        return web.json_response(body, status=200 if healthy else 503)

    def _model(self) -> str | None:
        """The matcher's and model's readiness: "loading" while a serving process loads the
        model or syncs its index (turns and pushes that need neither are served meanwhile),
        then "ready"; None in a process without a matcher."""
        matcher = self._services.matcher
        if matcher is None:
            return None
        encoder = matcher.encoder
        loading = matcher.state != "ready" or getattr(encoder, "state", "ready") != "ready"
        return "loading" if loading else "ready"

    async def metrics(self, request: web.Request) -> web.Response:
        """Prometheus text format; the queue gauges are read from the database now."""
        stats = await self._stats()
        if stats is not None:
            self._metrics.set_queue(stats)
        return web.Response(body=self._metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def _stats(self) -> list[QueueStat] | None:
        try:
            return await asyncio.wait_for(self._queue.stats(), DB_TIMEOUT_S)
        except Exception as exc:  # any failure to read means "unreachable" to the operator
            log.warning("health check: database unreachable: %s", type(exc).__name__)
            return None


def _queue(stats: list[QueueStat], now: datetime) -> dict[str, Any]:
    dues = [stat.oldest_due for stat in stats if stat.oldest_due is not None]
    oldest = min(dues, default=None)
    return {
        "depth": sum(stat.depth for stat in stats),
        "oldest_due": None if oldest is None else oldest.isoformat(),
        "overdue_s": 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()),
        "channels": {stat.channel: stat.depth for stat in stats},
    }
