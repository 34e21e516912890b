"""The one bridge from the event loop to the synchronous matching core.

Parsing, encoding and ranking are CPU work: on the event loop, one user's 4,096-character post
would stall every other user's turn. In a worker thread the loop keeps running (the GIL is
handed over every 5 ms), so other users are answered while it parses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def run_blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a synchronous core function in a worker thread and await its result."""
    return await asyncio.to_thread(fn, *args, **kwargs)
