"""How `yizhan run` serves the console: a component on the shared HTTP server when switched on.

A component in `bot.assembly.COMPONENTS` (switched on by `web_console`): like a channel's, its
opener runs before the HTTP server starts, when routes can still be added; it sends nothing, so
it puts no sender into the runtime and is no channel.
"""

from __future__ import annotations

import logging
from functools import partial

from bot.group_digests import open_group_digests
from bot.runner import Runtime
from bot.web.app import PREFIX, mount

log = logging.getLogger(__name__)


class WebConsole:
    """The console's routes on the process's HTTP server."""

    def __init__(self, runtime: Runtime) -> None:
        groups = partial(open_group_digests, runtime.settings)
        mount(runtime.http.app, runtime.services, groups)
        self._runtime = runtime

    async def __aenter__(self) -> WebConsole:
        log.info("web console at %s/", PREFIX)
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Nothing to close: the HTTP server stops the routes with it."""
