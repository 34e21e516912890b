"""The stages of `yizhan demo`, listed in order in one place (the command is bot/cli/demo.py).

A stage is a `DemoStage(title catalogue key, async run(ctx))`; add an area's stage to
`DEMO_STAGES` where it belongs in the story.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.app import open_services
from bot.channels.console.adapter import ConsoleSession
from bot.cli.chat import DEMO_USER, DemoContext, DemoStage, onboarding_stage, profile_stage
from bot.cli.matching import demo_matches
from bot.demo.delivery import delivery_stage
from bot.settings import Settings
from handlers.texts import t

DEMO_STAGES: tuple[DemoStage, ...] = (
    DemoStage("demo.stage.onboarding", onboarding_stage),
    DemoStage("demo.stage.profile", profile_stage),
    DemoStage("match.demo.stage", demo_matches),  # needs the profile the first stage stored
    DemoStage("delivery.demo.stage", delivery_stage),
)


async def run_demo(settings: Settings, out: Callable[[str], None]) -> None:
    """Run every stage in order against the database of `settings`, writing through `out`."""
    async with open_services(settings) as services:
        ctx = DemoContext(settings, services, ConsoleSession(services, DEMO_USER), out)
        out(t("demo.title", services.policy.default_lang, db=settings.db))
        for n, stage in enumerate(DEMO_STAGES, 1):
            out(t("demo.stage", services.policy.default_lang, n=n, name=t(stage.title_key)))
            await stage.run(ctx)
