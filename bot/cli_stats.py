"""`yizhan stats`, `yizhan export contacts` and `yizhan register import`: the monthly paperwork."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.app import open_services
from bot.cli import app, cli_state, run_async
from bot.exports import OWN_HEADERS, STATS_HEADERS, write_contacts, write_stats
from bot.register_import import import_register
from models.repos.register import RegisterRepo
from models.repos.stats import DistrictMonth, StatsRepo
from models.timeutil import month_bounds

export_app = typer.Typer(help="Export records as Excel files.", no_args_is_help=True)
register_app = typer.Typer(
    help="The register of unemployed people (登记名单).", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.add_typer(register_app, name="register")

# Piped output (scripts, CI logs) gets a wide table instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)


def parse_month(month: str) -> tuple[datetime, datetime]:
    """The month's bounds, or a usage error in Chinese."""
    try:
        return month_bounds(month)
    except ValueError as exc:
        raise typer.BadParameter(f"月份格式应为 YYYY-MM，例如 2026-11（收到：{month}）") from exc


@app.command("stats")
def stats(
    month: Annotated[str, typer.Option("--month", help="Month as YYYY-MM.")],
    district: Annotated[str | None, typer.Option("--district", help="One district only.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write an Excel file.")] = None,
) -> None:
    """Monthly statistics per district (下发/联系不到/联系服务/已就业/未就业 + Yizhan figures)."""
    start, end = parse_month(month)

    async def collect() -> list[DistrictMonth]:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            repo = StatsRepo(services.db)
            names = [district] if district else await repo.districts_with_data()
            return [await repo.month(name, start, end) for name in names]

    rows = run_async(collect())
    table = Table(title=f"{month} 失业人员联系服务情况")
    for header in (*STATS_HEADERS, *OWN_HEADERS):
        table.add_column(header, justify="right")
    for r in rows:
        table.add_row(r.district, *(str(v) for v in (
            r.issued, r.unreachable, r.served, r.employed, r.unemployed,
            r.postings, r.pushes, r.interested, r.hired_after_push)))  # fmt: skip
    console.print(table)
    if xlsx is not None:
        write_stats(xlsx, month, rows)
        console.print(f"已写入 {xlsx}")


@export_app.command("contacts")
def export_contacts(
    month: Annotated[str, typer.Option("--month", help="Month as YYYY-MM.")],
    xlsx: Annotated[Path, typer.Option("--xlsx", help="Excel file to write.")],
) -> None:
    """The month's contact records in the 联系服务记录 layout."""
    start, end = parse_month(month)

    async def collect() -> int:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            records = await services.contacts.between(start, end)
            people = await RegisterRepo(services.db).in_district()
            by_id = {p.id: p for p in people if p.id is not None}
            by_user = {p.user_id: p for p in people if p.user_id is not None}
            write_contacts(xlsx, month, records, by_id, by_user)
            return len(records)

    count = run_async(collect())
    console.print(f"已写入 {xlsx}（{count} 条联系记录）")


@register_app.command("import")
def register_import(
    file: Annotated[Path, typer.Argument(help="The register as .xlsx or .csv.", exists=True)],
    district: Annotated[
        str | None, typer.Option("--district", help="District for rows that name none.")
    ] = None,
) -> None:
    """Import the register of unemployed people; bad rows are listed and the rest kept."""

    async def load() -> tuple[int, list[tuple[int, str]]]:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            report = await import_register(services, file, district)
            return len(report.imported), report.problems

    imported, problems = run_async(load())
    for row, reason in problems:
        console.print(f"[yellow]第 {row} 行：{reason}[/yellow]" if row else f"[red]{reason}[/red]")
    console.print(f"导入 {imported} 人，{len(problems)} 行有问题。")
    if problems and not imported:
        raise typer.Exit(1)
