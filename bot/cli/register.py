"""`yizhan register import` and `yizhan register invites`: the register of unemployed people."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot.app import open_services
from bot.cli.staff import district_arg
from bot.cli.state import cli_state, run_async
from bot.cli.stats import console, district_scope, err_console
from bot.sheets.read import SheetError
from bot.sheets.register import RegisterImport, import_register
from handlers.caseworker.staff import invite_text
from handlers.texts import t
from models.register import RegisterStatus

register_app = typer.Typer(
    name="register", help="The register of unemployed people (登记名单).", no_args_is_help=True
)


@register_app.command("import")
def register_import(
    file: Annotated[
        Path, typer.Argument(help="The register as .xlsx, .xls, .ods or .csv.", exists=True)
    ],
    district: Annotated[
        str | None, typer.Option("--district", help="District for rows that name none.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Dry run: show the row report, write nothing.")
    ] = False,
) -> None:
    """Import the register of unemployed people (登记表); every refused row is listed.

    Headers read (and common variants): 姓名 (required) 性别 联系电话 文化程度 专业/技能 就业意向
    失业登记时间 所属区 街道 社区 户籍/常住地址. A sheet with a 身份证号 column is refused (never
    stored); `yizhan template register.xlsx` writes the empty template.
    """
    default = district_scope(district)[0] if district else None

    async def load() -> RegisterImport:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            with Progress(
                TextColumn("导入登记名单"), BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), console=err_console, disable=not sys.stderr.isatty(),
            ) as bar:  # fmt: skip
                task = bar.add_task("register", total=None)
                return await import_register(
                    services, file, default, check=check,
                    started=lambda n: bar.update(task, total=n),
                    progress=lambda n: bar.advance(task, n),
                )  # fmt: skip

    try:
        report = run_async(load())
    except SheetError as exc:
        console.print(f"无法读取文件：{exc}", markup=False)
        raise typer.Exit(2) from None
    for row, reason in report.problems:
        console.print(f"第 {row} 行：{reason}" if row else reason, markup=False)
    verb = "检查完成（未写入）：将" if check else "导入完成："
    console.print(
        f"{verb}新增 {report.created} 人，更新 {report.updated} 人，"
        f"拒绝 {len(report.problems)} 行（共 {report.rows} 行）。"
    )
    if report.problems and not (report.created or report.updated):
        raise typer.Exit(1)


@register_app.command("invites")
def register_invites(
    district: Annotated[str | None, typer.Option("--district", help="One district only.")] = None,
    station: Annotated[
        str | None, typer.Option("--station", help="Station name used in the invite text.")
    ] = None,
    everyone: Annotated[
        bool, typer.Option("--all", help="Also list people already linked to the bot.")
    ] = False,
) -> None:
    """Each registered person's invite code and the text (with a t.me link) to send them."""
    where = district_arg(district)

    async def collect() -> list[list[str]]:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            people = await services.repos.register.in_district(where)
        bot = cli_state.settings.telegram_bot_username
        return [
            [str(p.id), p.name, p.phone or "", p.district or "", p.invite_code or "",
             t("caseworker.cli.linked", "zh") if p.user_id else invite_text(p, station, bot)]
            for p in people
            if p.invite_code and (everyone or (p.user_id is None
                                               and p.status is RegisterStatus.REGISTERED))
        ]  # fmt: skip

    rows = run_async(collect())
    table = Table(title=t("caseworker.cli.invites_title", "zh"))
    for header in ("#", "姓名", "电话", "所属区", "邀请码", "邀请文字"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
