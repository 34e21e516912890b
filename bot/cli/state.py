"""What every `yizhan` command shares: the options given before it and the one async bridge."""

from __future__ import annotations

import asyncio
import importlib.metadata
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.logs import configure_logging
from bot.settings import Settings

T = TypeVar("T")


class CliState:
    """Options given before the command (`yizhan --db PATH chat ...`)."""

    settings: Settings = Settings()  # replaced by main_options below


cli_state = CliState()


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"yizhan {importlib.metadata.version('yizhan')}")
        raise typer.Exit()


def main_options(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="SQLite database file (default ./yizhan.db, $YIZHAN_DB or $YIZHAN_DATABASE_URL).",
        ),
    ] = None,
    log_level: Annotated[
        str | None, typer.Option("--log-level", help="Logging level, e.g. INFO or DEBUG.")
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """驿站 Yizhan: options shared by every command."""
    overrides: dict[str, Any] = {}
    if db is not None:  # an explicit file wins over a URL in the environment
        overrides["db"] = db
        overrides["database_url"] = None
    if log_level is not None:
        overrides["log_level"] = log_level
    settings = Settings(**overrides)
    cli_state.settings = settings
    # Commands people run at a terminal log warnings only; `yizhan run` logs at YIZHAN_LOG_LEVEL.
    configure_logging(settings.log_level if log_level else "WARNING", settings.log_format)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion from a synchronous typer command."""
    return asyncio.run(coro)
