"""`yizhan chat` and `yizhan profile show`: the console channel on the command line.

Also the first two stages of `yizhan demo` (onboarding, the stored profile); `bot.demo.stages`
lists every stage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console

from bot.app import open_services
from bot.channels.console.adapter import ConsoleSession, render, run_interactive, run_lines
from bot.cli.state import cli_state, run_async
from bot.settings import Settings
from handlers import language
from handlers.context import Services
from handlers.seeker.profile_view import summary
from handlers.texts import t
from models.messages import Channel, DialogKey
from models.seeker import SeekerProfile

commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)


@commands.command()
def chat(
    user: Annotated[
        str, typer.Option("--user", help="Console user name (one profile each).")
    ] = "me",
    echo: Annotated[
        bool, typer.Option("--echo", help="Piped mode: print your own lines before the replies.")
    ] = False,
) -> None:
    """Chat with the bot in the terminal as console user NAME.

    Answer with a choice's number or with text; for a multiple choice type several numbers
    ("1 3"). Share a location with a line "@loc 39.08 117.2" (latitude longitude). Quit with
    /quit or Ctrl-D. When stdin is not a terminal every line is one message and every reply is
    printed: printf '你好\\n1\\n' | yizhan --db /tmp/t.db chat --user u1
    """
    run_async(_chat(cli_state.settings, user, echo))


async def _chat(settings: Settings, user: str, echo: bool) -> None:
    async with open_services(settings) as services:
        session = ConsoleSession(services, user)
        if sys.stdin.isatty():
            await run_interactive(session, Console())
        else:
            await run_lines(session, sys.stdin, typer.echo, echo=echo)


profile_app = typer.Typer(
    name="profile", help="Seeker profiles stored in the database.", no_args_is_help=True
)


def plain(value: Any) -> Any:
    """JSON values with whole floats as integers ({"min": 150.0} prints as {"min": 150})."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


async def load_profile(services: Services, user: str) -> tuple[SeekerProfile | None, str]:
    """A console user's stored profile (None if unknown) and the user's language."""
    found = await services.users.get(DialogKey(Channel.CONSOLE, user))
    if found is None:
        return None, services.policy.default_lang
    return await services.seekers.get(found.id), found.lang


@profile_app.command("show")
def profile_show(
    user: Annotated[str, typer.Option("--user", help="Console user name.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stored profile as JSON (English keys).")
    ] = False,
) -> None:
    """Show a console user's stored profile (a Chinese summary, or JSON with --json)."""
    raise typer.Exit(run_async(_profile_show(cli_state.settings, user, as_json)))


async def _profile_show(settings: Settings, user: str, as_json: bool) -> int:
    async with open_services(settings, with_matcher=False) as services:
        profile, lang = await load_profile(services, user)
    if profile is None:
        typer.echo(t("console.unknown_user", lang, user=user), err=True)
        return 1
    if as_json:
        typer.echo(json.dumps(plain(profile.to_json()), ensure_ascii=False, indent=2))
    else:
        with language.speaking(lang):
            typer.echo(summary(profile))
    return 0


# --- yizhan demo ---------------------------------------------------------------------------------

DEMO_USER = "demo-seeker"
# The sample seeker opens with a wish; the dialog then asks only what is still missing, and the
# demo answers whatever it is asked from this table (keyed by the step waiting for an answer).
DEMO_OPENING = ("你好", "想在西青区找保洁，日结，一天150以上")
DEMO_ANSWERS = {
    "ask_work_form": "2",
    "ask_categories": "A",
    "ask_pay": "日结150",
    "ask_districts": "西青区",
    "ask_keep_location": "不保存",
    "ask_distance": "5公里",
    "ask_education": "初中",
    "ask_skills": "做过三年家政保洁，有健康证",
    "ask_needs": "技能培训",
    "ask_consent": "1",
    "confirm": "确认",
}
DEMO_MAX_TURNS = 20  # a guard: the dialog has 11 questions at most


@dataclass(frozen=True, slots=True)
class DemoContext:
    """What every demo stage may use: the open services and the sample seeker's console."""

    settings: Settings
    services: Services
    seeker: ConsoleSession
    out: Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoStage:
    """One part of `yizhan demo`: a catalogue key for its title and what it runs."""

    title_key: str
    run: Callable[[DemoContext], Awaitable[None]]


async def say(ctx: DemoContext, line: str) -> None:
    """The sample seeker sends a line; both sides of the exchange are printed."""
    lang = await ctx.seeker.lang()
    ctx.out(f"{t('demo.seeker', lang)}> {line}")
    for reply in await ctx.seeker.send(line):
        ctx.out(f"{t('console.bot', await ctx.seeker.lang())}> {render(reply, lang)}")
    ctx.out("")


async def onboarding_stage(ctx: DemoContext) -> None:
    """The sample seeker answers every onboarding question (afresh on every run)."""
    user = await ctx.services.users.get(ctx.seeker.key)
    if user is not None:  # start afresh on every run
        await ctx.services.seekers.delete_personal_data(user.id)
    for line in DEMO_OPENING:
        await say(ctx, line)
    for _ in range(DEMO_MAX_TURNS):
        user = await ctx.services.users.get(ctx.seeker.key)
        state = await ctx.services.dialogs.load(user.id) if user is not None else None
        if state is None or state.step not in DEMO_ANSWERS:
            break
        await say(ctx, DEMO_ANSWERS[state.step])


async def profile_stage(ctx: DemoContext) -> None:
    """The stored profile, as the seeker reads it and as JSON."""
    profile, lang = await load_profile(ctx.services, ctx.seeker.key.user_id)
    if profile is None:
        return
    with language.speaking(lang):
        ctx.out(summary(profile))
    ctx.out(json.dumps(plain(profile.to_json()), ensure_ascii=False, indent=2))
    ctx.out("")
