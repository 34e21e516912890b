"""`yizhan match` and `yizhan reach`: matching from the command line, and the demo's matches.

`match --profiles FILE.jsonl` is the machine interface (one JSON line per profile, postings by
their imported ids); `match --user NAME` and `reach` print for people.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from rich.console import Console
from rich.table import Table

from bot.app import open_services
from bot.cli.chat import DemoContext, load_profile
from bot.cli.state import cli_state, run_async
from bot.settings import Settings
from handlers.context import Services
from handlers.seeker.jobs import ordered_matches
from handlers.services.publishing import push_decisions
from handlers.texts import t
from matching.engine import Matcher
from matching.profile_text import apply_wish
from models.messages import Location
from models.posting import Posting, PostingStatus, Trust
from models.seeker import SeekerProfile
from models.values import Pay, PayUnit, WorkForm

_WORK_FORMS = {
    "稳定就业": WorkForm.STABLE, "stable": WorkForm.STABLE, "全职": WorkForm.STABLE,
    "灵活就业": WorkForm.FLEXIBLE, "flexible": WorkForm.FLEXIBLE, "零工": WorkForm.FLEXIBLE,
    "兼职": WorkForm.FLEXIBLE, "自主创业": WorkForm.SELF, "self": WorkForm.SELF,
}  # fmt: skip


def _lat_lon(value: dict[str, float] | None) -> dict[str, float] | None:
    if value is not None and not {"lat", "lon"} <= value.keys():
        raise ValueError("location needs lat and lon")
    return value


# A profile line's shared location ({"lat": …, "lon": …}); read by `match` and `seekers import`.
Point = Annotated[dict[str, float] | None, AfterValidator(_lat_lon)]


class ProfileLine(BaseModel):
    """One line of `match --profiles`: an id and any of the profile fields."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | int
    categories: list[str] = Field(default_factory=list)
    wish: str | None = None
    districts: list[str] = Field(default_factory=list)
    location: Point = None
    max_km: float | None = Field(None, gt=0)
    pay_min: float | None = Field(None, ge=0)
    pay_unit: PayUnit | None = None
    work_form: str | None = None

    @field_validator("categories", "districts", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        """Accept "A,C" as well as ["A", "C"]."""
        if isinstance(value, str):
            return [v for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
        return value

    @field_validator("work_form")
    @classmethod
    def _form(cls, value: str | None) -> str | None:
        if value and value not in _WORK_FORMS:
            raise ValueError(f"unknown work_form {value!r}")
        return value

    def profile(self) -> SeekerProfile:
        """The seeker profile this line describes (a wish fills what the fields leave open)."""
        pay = Pay()
        if self.pay_min is not None:
            pay = Pay(min=self.pay_min, unit=self.pay_unit or PayUnit.MONTH)
        where = self.location
        profile = SeekerProfile(
            user_id=0,  # not a stored seeker: never reuses a stored seeker's vector
            categories=tuple(c.strip().upper() for c in self.categories),
            districts=tuple(self.districts),
            location=Location(where["lat"], where["lon"]) if where else None,
            max_km=self.max_km,
            pay=pay,
            work_form=_WORK_FORMS[self.work_form] if self.work_form else None,
        )
        return apply_wish(profile, self.wish) if self.wish else profile


def read_profiles(lines: TextIO, warn: Callable[[int, str], None]) -> Iterator[ProfileLine]:
    """Parse JSONL profiles; a bad line is reported with its number and skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield ProfileLine.model_validate(json.loads(line))
        except json.JSONDecodeError as error:
            warn(number, f"JSON: {error.msg}")
        except ValidationError as error:
            warn(number, "; ".join(_problem(e) for e in error.errors()))


commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)


@commands.command("match")
def match(
    profiles: Annotated[
        Path | None,
        typer.Option("--profiles", help="JSONL profiles: id, categories, wish, districts, …"),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="A stored console seeker, printed for people.")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="Results per profile.")] = 10,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON lines here (default stdout).")
    ] = None,
) -> None:
    """Best postings for profiles in a JSONL file, or for a stored console seeker."""
    settings = cli_state.settings
    if (profiles is None) == (user is None):
        typer.echo(t("match.cli.need_input", settings.lang), err=True)
        raise typer.Exit(2)
    if profiles is not None:
        raise typer.Exit(run_async(_match_file(settings, profiles, top, out)))
    assert user is not None
    raise typer.Exit(run_async(_match_user(settings, user, top)))


async def _match_file(settings: Settings, path: Path, top: int, out: Path | None) -> int:
    lang = settings.lang
    skipped = 0

    def warn(line: int, reason: str) -> None:
        nonlocal skipped
        skipped += 1
        typer.echo(t("match.cli.bad_line", lang, line=line, reason=reason), err=True)

    with path.open(encoding="utf-8") as handle:
        lines = list(read_profiles(handle, warn))
    async with open_services(settings) as services:
        matcher = _matcher(services)
        now = services.clock()
        profiles = [line.profile() for line in lines]
        ranked = await ordered_matches(matcher, services, profiles, top, now)
        results = [[r.match for r in found] for found in ranked]
        ids = sorted({m.posting_id for found in results for m in found})
        external = await services.postings.external_ids(ids)
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for line, found in zip(lines, results, strict=True):
            record = {
                "profile_id": line.id,
                "results": [
                    {
                        "posting_id": external.get(m.posting_id) or str(m.posting_id),
                        "score": round(m.score, 4),
                        "reason": m.reason,
                    }
                    for m in found
                ],
            }
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out:
            sink.close()
    typer.echo(t("match.cli.done", lang, count=len(lines), skipped=skipped), err=True)
    return 0


async def _match_user(settings: Settings, user: str, top: int) -> int:
    async with open_services(settings) as services:
        profile, lang = await load_profile(services, user)
        if profile is None:
            typer.echo(t("match.cli.no_user", lang, user=user), err=True)
            return 1
        ranked = await ordered_matches(
            _matcher(services), services, [profile], top, services.clock()
        )
        found = [r.match for r in ranked[0]]
        postings = await services.postings.many([m.posting_id for m in found])
    table = Table(title=t("match.cli.title", lang, user=user, k=top))
    for key in ("match.cli.rank", "match.cli.posting", "match.cli.score", "match.cli.reason"):
        table.add_column(t(key, lang))
    for rank, m in enumerate(found, 1):
        posting = postings[m.posting_id]
        near = t("match.cli.near_miss", lang) if m.near_miss else ""
        table.add_row(str(rank), _label(posting), f"{m.score:.2f}", m.reason + near)
    console = Console()
    console.print(table if found else t("match.cli.none", lang))
    return 0


@commands.command("reach")
def reach(
    posting: Annotated[str, typer.Option("--posting", help="Imported id, or our numeric id.")],
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Lowest score pushed (default YIZHAN_REACH_THRESHOLD)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per seeker.")] = False,
) -> None:
    """The seekers a posting would be pushed to, with scores and reasons."""
    raise typer.Exit(run_async(_reach(cli_state.settings, posting, threshold, as_json)))


async def _reach(settings: Settings, key: str, threshold: float | None, as_json: bool) -> int:
    lang = settings.lang
    level = settings.reach_threshold if threshold is None else threshold
    async with open_services(settings) as services:
        posting = await services.postings.by_external_id(key)
        if posting is None and key.isdigit():
            posting = await services.postings.get(int(key))
        if posting is None:
            typer.echo(t("match.cli.no_posting", lang, posting=key), err=True)
            return 1
        policy = replace(services.policy, reach_threshold=level)
        decided = await push_decisions(replace(services, policy=policy), posting, services.clock())
        pushed = [(m, v) for m, v in decided if v.push]
        users = {m.user_id: await services.users.by_id(m.user_id) for m, _ in pushed}
    if as_json:
        for m, verdict in pushed:
            user = users[m.user_id]
            record = {
                "user_id": m.user_id,
                "seeker": str(user.key) if user else None,
                "score": round(m.score, 4),
                "bars": list(verdict.cleared),
                "reason": m.reason,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        return 0
    found = [m for m, _ in pushed]
    bars = {m.user_id: " ".join(v.cleared) for m, v in pushed}
    table = Table(
        title=t(
            "match.cli.reach_title", lang, title=posting.title, count=len(found), threshold=level
        )
    )
    names = ("match.cli.rank", "match.cli.seeker", "match.cli.score", "match.cli.reason")
    for name in (*names, "match.cli.bars"):
        table.add_column(t(name, lang))
    for rank, m in enumerate(found, 1):
        user = users[m.user_id]
        who = f"{user.display_name or user.key} (#{m.user_id})" if user else f"#{m.user_id}"
        table.add_row(str(rank), who, f"{m.score:.2f}", m.reason, bars[m.user_id])
    Console().print(table if found else t("match.cli.nobody", lang))
    return 0


# --- yizhan demo: the sample seeker's top matches ------------------------------------------------

DEMO_TOP = 5


async def demo_matches(ctx: DemoContext) -> None:
    """`yizhan demo`: the sample seeker's top matches (loading sample postings if none)."""
    services = ctx.services
    matcher = _matcher(services)
    now = services.clock()
    lang = services.policy.default_lang
    if matcher.posting_count == 0 and not await services.postings.with_status(*PostingStatus):
        count = 0
        for posting in load_demo_postings(now):
            await services.postings.add(posting, now)
            count += 1
        await matcher.sync()
        ctx.out(t("match.demo.loaded", lang, count=count))
    profile, lang = await load_profile(services, ctx.seeker.key.user_id)
    if profile is None:
        return
    found = await matcher.search(profile, DEMO_TOP, now)
    postings = await services.postings.many([m.posting_id for m in found])
    for rank, m in enumerate(found, 1):
        title = _label(postings[m.posting_id])
        ctx.out(t("match.demo.line", lang, rank=rank, title=title, score=f"{m.score:.2f}"))
        ctx.out(t("match.demo.reason", lang, reason=m.reason))
    if not found:
        ctx.out(t("match.cli.none", lang))
    ctx.out("")


def load_demo_postings(now: datetime) -> list[Posting]:
    """The hand-written sample postings (bot/demo_postings.json), published an hour apart."""
    text = resources.files("bot").joinpath("demo_postings.json").read_text(encoding="utf-8")
    postings = []
    for n, row in enumerate(json.loads(text)):
        unit = PayUnit(row["pay_unit"]) if row.get("pay_unit") else None
        published = now - timedelta(hours=n)
        postings.append(
            Posting(
                id=None,
                external_id=row["id"],
                source="demo",
                title=row["title"],
                description=row["description"],
                categories=tuple(row["categories"]),
                category_confidence=0.9,
                district=row["district"],
                pay=Pay(row.get("pay_min"), row.get("pay_max"), unit, period=row.get("period")),
                work_form=row["work_form"],
                trust=Trust(row.get("trust", "employer")),
                published_at=published,
                expires_at=published + timedelta(days=7),
            )
        )
    return postings


def _matcher(services: Services) -> Matcher:
    if services.matcher is None:  # open_services builds it unless told not to
        raise RuntimeError("matching needs open_services(..., with_matcher=True)")
    return services.matcher


def _label(posting: Posting) -> str:
    where = f" · {posting.district}" if posting.district else ""
    return f"{posting.title}{where} [{posting.external_id or posting.id}]"


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ())) or "line"
    return f"{where}: {error.get('msg', 'invalid')}"
