"""`yizhan run`: serve every configured channel, the dispatcher and the scheduler until stopped."""

from __future__ import annotations

import asyncio
import signal

import typer

from bot.assembly import PARTS
from bot.channels.telegram.app import PollingTaken
from bot.cli.state import cli_state, run_async
from bot.logs import configure_logging
from bot.runner import NotConfigured, Runtime, serve
from bot.settings import Settings
from handlers.texts import t

commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)


@commands.command("run")
def run() -> None:
    """Serve the configured channels (Telegram when YIZHAN_TELEGRAM_TOKEN is set) until Ctrl+C."""
    settings = cli_state.settings
    configure_logging(settings.log_level, settings.log_format)  # a service logs at INFO
    try:
        run_async(_serve(settings))
    except NotConfigured as missing:
        lang = settings.lang
        lines = [t("run.no_channel", lang)]
        for channel, names in missing.missing:
            lines.append(t("run.channel_needs", lang, channel=channel, settings=" + ".join(names)))
        lines.append(t("run.chat_locally", lang))
        typer.echo("\n".join(lines), err=True)
        raise typer.Exit(2) from None
    except PollingTaken:
        typer.echo(t("run.telegram_webhook_needed", settings.lang), err=True)
        raise typer.Exit(2) from None
    typer.echo(t("run.stopped", settings.lang), err=True)


async def _serve(settings: Settings) -> None:
    """SIGINT/SIGTERM set the stop event once; a second signal interrupts as usual."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        stop.set()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)

    def started(runtime: Runtime) -> None:
        names = [spec.name for spec in PARTS.channels if spec.configured(runtime.settings)]
        typer.echo(t("run.started", settings.lang, channels=", ".join(names)), err=True)

    await serve(settings, stop, started=started, parts=PARTS)
