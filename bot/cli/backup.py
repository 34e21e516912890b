"""`yizhan backup FILE`: a consistent copy of the database (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.backup import BackupError, backup
from bot.cli.state import cli_state, run_async
from handlers.texts import CATALOGUE, t

commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)


@commands.command("backup")
def backup_command(
    dest: Annotated[Path, typer.Argument(help="New file to write (SQLite copy or pg_dump file).")],
) -> None:
    """Back up the live database while workers keep running (online backup API or pg_dump)."""
    lang = cli_state.settings.lang
    try:
        method = run_async(backup(cli_state.settings.database, dest))
    except BackupError as error:
        reason = str(error)
        typer.echo(t(reason, lang) if reason in CATALOGUE else reason, err=True)
        raise typer.Exit(1) from error
    typer.echo(t(f"backup.done.{method}", lang, path=dest))
