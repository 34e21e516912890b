"""`yizhan demo`: the sample seeker's walk through the bot (stages in bot/demo/stages.py)."""

from __future__ import annotations

import typer

from bot.cli.state import cli_state, run_async
from bot.demo.stages import run_demo

commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)


@commands.command()
def demo() -> None:
    """Walk a sample seeker through onboarding in the console and show the stored profile."""
    run_async(run_demo(cli_state.settings, typer.echo))
