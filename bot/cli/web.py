"""`yizhan web token` and `yizhan web serve`: sign-in links and the console on its own."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Annotated

import typer
from aiohttp import web

from bot.app import open_services
from bot.cli.state import cli_state, run_async
from bot.demo.console import seed_demo
from bot.groups.digests import open_group_digests
from bot.web.app import mount
from bot.web.auth import TOKEN_MINUTES, NotStaff, issue_token, sign_in_path
from handlers.texts import t
from models.messages import Channel, DialogKey

web_app = typer.Typer(
    name="web", help="The caseworker web console (/console).", no_args_is_help=True
)


def _base(base_url: str | None) -> str:
    settings = cli_state.settings
    return (base_url or f"http://{settings.http_host}:{settings.http_port}").rstrip("/")


@web_app.command("token")
def token(
    user_id: Annotated[str, typer.Option("--user-id", help="The staff member's chat user id.")],
    channel: Annotated[Channel, typer.Option("--channel", help="Their channel.")],
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Public address of the console.")
    ] = None,
) -> None:
    """Print a one-time sign-in link for a caseworker or admin."""
    lang = cli_state.settings.lang

    async def make() -> str | None:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            user = await services.users.get(DialogKey(channel, user_id))
            if user is None:
                typer.echo(t("web.cli.no_user", lang), err=True)
                return None
            try:
                return await issue_token(services, user)
            except NotStaff:
                typer.echo(t("web.cli.not_staff", lang), err=True)
                return None

    secret = run_async(make())
    if secret is None:
        raise typer.Exit(1)
    typer.echo(t("web.cli.link", lang, minutes=TOKEN_MINUTES))
    typer.echo(_base(base_url) + sign_in_path(secret))


@web_app.command("serve")
def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="Load sample data and print a caseworker's link.")
    ] = False,
) -> None:
    """Serve only the console on YIZHAN_HTTP_HOST:YIZHAN_HTTP_PORT (Ctrl+C stops)."""
    run_async(_serve(demo))


async def _serve(demo: bool) -> None:
    settings = cli_state.settings
    async with open_services(settings) as services:
        if demo:
            staff = await seed_demo(services)
            typer.echo(t("web.cli.link", settings.lang, minutes=TOKEN_MINUTES))
            typer.echo(_base(None) + sign_in_path(await issue_token(services, staff)))
        root = web.Application()
        mount(root, services, partial(open_group_digests, settings))
        runner = web.AppRunner(root, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.http_host, settings.http_port).start()
            typer.echo(t("web.cli.serving", settings.lang, host=settings.http_host,
                         port=settings.http_port))  # fmt: skip
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
