"""`yizhan seekers import FILE.jsonl`: console seekers in bulk, for evaluation and migration.

Each line is shaped like `yizhan profile show --json` plus `user` (the console user name); a
line replaces that user's stored profile. Lines are validated at this edge (pydantic); a bad
line is reported with its number and skipped. The matcher indexes the new seekers at the end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.app import open_services
from bot.cli.matching import Point
from bot.cli.state import cli_state, run_async
from bot.settings import Settings
from handlers.texts import t
from matching.districts import canonical
from models.messages import Channel, DialogKey, Location
from models.seeker import SeekerProfile
from models.values import Pay, WorkForm

seekers_app = typer.Typer(name="seekers", help="Seekers in bulk (import).", no_args_is_help=True)


class SeekerLine(BaseModel):
    """One imported seeker: `profile show --json`'s keys plus `user`."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    user: str = Field(min_length=1, max_length=64)
    work_form: WorkForm | None = None
    categories: list[str] = Field(default_factory=list)
    other_category: str | None = None
    pay: dict[str, Any] | None = None
    pay_hard: bool = False
    daily_settlement_only: bool = False
    districts: list[str] = Field(default_factory=list)
    max_km: float | None = Field(None, gt=0)
    location: Point = None
    education: str | None = None
    skills: str | None = None
    experience: str | None = None
    needs: list[str] = Field(default_factory=list)
    consent: bool | None = True
    wish: str | None = None
    paused: bool = False
    status: str = "active"
    quiet_hours: tuple[int, int] = (22, 7)
    daily_cap: int = Field(5, ge=0)
    digest_hour: int | None = None
    completed: bool = True

    @field_validator("categories")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        codes = [c.strip().upper() for c in value]
        bad = [c for c in codes if len(c) != 1 or not "A" <= c <= "Q"]
        if bad:
            raise ValueError(f"unknown category codes {bad}")
        return codes

    @field_validator("districts")
    @classmethod
    def _districts(cls, value: list[str]) -> list[str]:
        return [canonical(d) or d for d in value]

    def profile(self, user_id: int, now: Any) -> SeekerProfile:
        """The stored profile this line describes."""
        where = self.location
        return SeekerProfile(
            user_id=user_id,
            work_form=self.work_form,
            categories=tuple(self.categories),
            other_category=self.other_category,
            pay=Pay.from_json(self.pay),
            pay_hard=self.pay_hard,
            daily_settlement_only=self.daily_settlement_only,
            districts=tuple(self.districts),
            max_km=self.max_km,
            location=Location(where["lat"], where["lon"]) if where else None,
            education=self.education,
            skills=self.skills,
            experience=self.experience,
            needs=tuple(self.needs),
            consent=self.consent,
            wish=self.wish,
            paused=self.paused,
            status=self.status,
            quiet_start=self.quiet_hours[0],
            quiet_end=self.quiet_hours[1],
            daily_cap=self.daily_cap,
            digest_hour=self.digest_hour,
            completed_at=now if self.completed else None,
        )


@seekers_app.command("import")
def seekers_import(
    path: Annotated[Path, typer.Argument(help="JSONL: `profile show --json` lines + user.")],
) -> None:
    """Create or replace console seekers from a JSONL file."""
    raise typer.Exit(run_async(_import(cli_state.settings, path)))


async def _import(settings: Settings, path: Path) -> int:
    lang = settings.lang
    lines: list[SeekerLine] = []
    skipped = 0
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                lines.append(SeekerLine.model_validate(json.loads(raw)))
            except (json.JSONDecodeError, ValidationError) as error:
                skipped += 1
                reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
                typer.echo(t("seekers.cli.bad_line", lang, line=number, reason=reason), err=True)
    async with open_services(settings) as services:
        now = services.clock()
        for line in lines:
            user = await services.users.get_or_create(DialogKey(Channel.CONSOLE, line.user), now)
            await services.seekers.save(line.profile(user.id, now), now)
        if services.matcher is not None:
            await services.matcher.sync()
    typer.echo(t("seekers.cli.done", lang, count=len(lines), skipped=skipped), err=True)
    return 1 if skipped and not lines else 0
