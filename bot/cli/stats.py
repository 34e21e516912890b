"""`yizhan stats` and `yizhan export contacts`: the monthly paperwork."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.app import open_services
from bot.cli.state import cli_state, run_async
from bot.groups.origin_report import OriginRow, origin_rows, posting_interest
from bot.sheets.exports import (
    OWN_HEADERS,
    OWN_SHEET,
    STATS_HEADERS,
    STATS_NUMBERS,
    STATS_TITLE,
    TOTAL,
    contacts_in_scope,
    month_title,
    write_contacts,
    write_stats,
)
from handlers.texts import t
from matching.districts import TIANJIN_DISTRICTS, canonical
from models.repos.origin_stats import PostingInterest
from models.repos.stats import REPORT_DAY, DistrictMonth, report_period, total
from models.timeutil import month_bounds

export_app = typer.Typer(
    name="export", help="Export records as Excel files.", no_args_is_help=True
)

commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)

# Piped output (scripts, CI logs) gets a wide table instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def parse_month(month: str) -> tuple[datetime, datetime]:
    """The month's bounds, or a usage error in Chinese."""
    try:
        return month_bounds(month)
    except ValueError as exc:
        raise typer.BadParameter(f"月份格式应为 YYYY-MM，例如 2026-11（收到：{month}）") from exc


def parse_period(month: str) -> tuple[datetime, datetime]:
    """The report period of a month (21st before to the 20th), or a usage error in Chinese."""
    parse_month(month)
    return report_period(month)


def district_scope(district: str | None) -> tuple[str, ...]:
    """The districts an option names (every Tianjin district when none), or a usage error."""
    if district is None:
        return TIANJIN_DISTRICTS
    name = canonical(district) or canonical(district + "区")
    if name is None:
        raise typer.BadParameter(
            f"不是天津的区：{district}（可选：{'、'.join(TIANJIN_DISTRICTS)}）"
        )
    return (name,)


@commands.command("stats")
def stats(
    month: Annotated[str, typer.Option("--month", help="Month as YYYY-MM.")],
    district: Annotated[str | None, typer.Option("--district", help="One district only.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write an Excel file.")] = None,
) -> None:
    """The 失业人员就业服务攻坚行动统计表 of a month (as of its 20th) and Yizhan's own figures.

    Sheet 1 is the official table: the 16 districts in order, then 合计; sheet 2 驿站服务情况.
    """
    start, end = parse_period(month)
    names = district_scope(district)

    async def collect() -> tuple[
        list[DistrictMonth], list[OriginRow], list[tuple[str, PostingInterest]]
    ]:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            first, last = parse_month(month)
            return (
                await services.repos.stats.table(names, start, end),
                await origin_rows(services.repos, first, last, "zh"),
                await posting_interest(services.repos, first, last),
            )

    rows, origins, interest = run_async(collect())
    everything = [*rows, total(rows, TOTAL)]
    table = Table(title=f"{STATS_TITLE}（{month_title(month)}，截至{REPORT_DAY}日）")
    for header, number in zip(STATS_HEADERS, ("", *STATS_NUMBERS), strict=True):
        table.add_column(f"{header}\n{number}" if number else header, justify="right")
    for r in everything:
        table.add_row(r.district, *(str(v) for v in (
            r.issued, r.unreachable, r.served, r.employed, r.unemployed)))  # fmt: skip
    console.print(table)
    own = Table(title=OWN_SHEET)
    for header in OWN_HEADERS:
        own.add_column(header, justify="right")
    for r in everything:
        own.add_row(r.district, *(str(v) for v in (
            r.not_contacted, r.postings, r.pushes, r.interested, r.hired_after_push)))  # fmt: skip
    console.print(own)
    waiting = everything[-1].not_contacted
    if waiting:
        console.print(
            f"[yellow]尚有 {waiting} 人本期还没有联系记录（不计入联系不到），"
            "上报前请联系，否则 1=2+3 不成立。[/yellow]"
        )
    _print_origins(origins, interest)
    if xlsx is not None:
        write_stats(xlsx, month, rows)
        console.print(f"已写入 {xlsx}")


def _print_origins(origins: list[OriginRow], interest: list[tuple[str, PostingInterest]]) -> None:
    """来源统计: people per customer group, 驿站 or poster QR code, and what interested them."""
    if not origins:
        return
    table = Table(title=t("groups.origins.title", "zh"))
    for key in ("kind", "scene", "people", "signed_up", "interested"):
        table.add_column(t(f"groups.origins.{key}", "zh"), justify="left" if key in (
            "kind", "scene") else "right")  # fmt: skip
    for o in origins:
        table.add_row(o.kind, o.name, str(o.came), str(o.signed_up), str(o.interested))
    console.print(table)
    if interest:
        posts = Table(title=t("groups.origins.by_post", "zh"))
        for key in ("scene", "post", "interested"):
            posts.add_column(t(f"groups.origins.{key}", "zh"))
        for name, p in interest[:30]:
            posts.add_row(name, f"#{p.posting_id} {p.title}", str(p.people))
        console.print(posts)


@export_app.command("contacts")
def export_contacts(
    month: Annotated[str, typer.Option("--month", help="Month as YYYY-MM.")],
    xlsx: Annotated[Path, typer.Option("--xlsx", help="Excel file to write.")],
    district: Annotated[str | None, typer.Option("--district", help="One district only.")] = None,
) -> None:
    """The month's contact records in the 联系服务记录 layout."""
    start, end = parse_month(month)
    scope = district_scope(district) if district else None

    async def collect() -> int:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            records, by_id, by_user = await contacts_in_scope(services, start, end, scope)
            write_contacts(xlsx, month, records, by_id, by_user)
            return len(records)

    count = run_async(collect())
    console.print(f"已写入 {xlsx}（{count} 条联系记录）")
