"""`yizhan demo`: its stages, listed in order in one place.

A stage is a `DemoStage(title catalogue key, async run(ctx))`; add an area's stage to
`DEMO_STAGES` where it belongs in the story.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from bot.app import open_services
from bot.channels.console import ConsoleSession
from bot.cli import app, cli_state, run_async
from bot.cli_chat import DEMO_USER, DemoContext, DemoStage, onboarding_stage, profile_stage
from bot.cli_matching import demo_matches
from bot.demo_delivery import delivery_stage
from bot.settings import Settings
from handlers.texts import t

DEMO_STAGES: tuple[DemoStage, ...] = (
    DemoStage("demo.stage.onboarding", onboarding_stage),
    DemoStage("demo.stage.profile", profile_stage),
    DemoStage("match.demo.stage", demo_matches),  # needs the profile the first stage stored
    DemoStage("delivery.demo.stage", delivery_stage),
)


@app.command()
def demo() -> None:
    """Walk a sample seeker through onboarding in the console and show the stored profile."""
    run_async(_demo(cli_state.settings, typer.echo))


async def _demo(settings: Settings, out: Callable[[str], None]) -> None:
    async with open_services(settings) as services:
        ctx = DemoContext(settings, services, ConsoleSession(services, DEMO_USER), out)
        out(t("demo.title", services.policy.default_lang, db=settings.db))
        for n, stage in enumerate(DEMO_STAGES, 1):
            out(t("demo.stage", services.policy.default_lang, n=n, name=t(stage.title_key)))
            await stage.run(ctx)
