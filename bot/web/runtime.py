"""How `yizhan run` serves the console: a component on the shared HTTP server when switched on.

It registers like a channel (`register_channel`, switched on by `web_console`) because channel
openers are what run before the HTTP server starts, when routes can still be added. It sends
nothing, so it puts no sender into the runtime.
"""

from __future__ import annotations

import logging
from functools import partial

from bot.group_digests import open_group_digests
from bot.runner import ChannelSpec, Runtime, register_channel
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


register_channel(ChannelSpec("Web console", ("web_console",), WebConsole))
