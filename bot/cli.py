"""The `yizhan` command line (typer). Area modules add their commands to `app` on import."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.app import configure_logging
from bot.settings import Settings

T = TypeVar("T")

app = typer.Typer(
    name="yizhan",
    help="驿站 Yizhan — chat-first job matching for public employment stations.",
    no_args_is_help=True,
    add_completion=False,
)


class CliState:
    """Options given before the command (`yizhan --db PATH chat ...`)."""

    settings: Settings = Settings()  # replaced by the callback below


cli_state = CliState()


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="SQLite database file (default ./yizhan.db or $YIZHAN_DB)."),
    ] = None,
    log_level: Annotated[
        str | None, typer.Option("--log-level", help="Logging level, e.g. INFO or DEBUG.")
    ] = None,
) -> None:
    """驿站 Yizhan: options shared by every command."""
    overrides: dict[str, Any] = {}
    if db is not None:
        overrides["db"] = db
    if log_level is not None:
        overrides["log_level"] = log_level
    settings = Settings(**overrides)
    cli_state.settings = settings
    configure_logging(settings.log_level if log_level else "WARNING")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion from a synchronous typer command."""
    return asyncio.run(coro)


def main() -> None:
    """Entry point of the `yizhan` script."""
    app()


# Area modules register their commands on import (kept at the bottom: they import `app`).
from bot import (  # noqa: E402
    cli_chat,  # noqa: F401
    cli_intake,  # noqa: F401
    cli_matching,  # noqa: F401
    cli_run,  # noqa: F401
    cli_seekers,  # noqa: F401
    cli_staff,  # noqa: F401
    cli_stats,  # noqa: F401
    cli_web,  # noqa: F401
    cli_wechat,  # noqa: F401
    demo_delivery,  # noqa: F401
)
