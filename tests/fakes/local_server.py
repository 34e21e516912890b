"""Start a fake platform's aiohttp app on localhost at a free port (never a fixed one)."""

from __future__ import annotations

from typing import Any

from aiohttp import web


async def serve_local(app: web.Application, **runner_options: Any) -> tuple[web.AppRunner, int]:
    """The started runner and the port it listens on, at 127.0.0.1."""
    runner = web.AppRunner(app, **runner_options)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]
