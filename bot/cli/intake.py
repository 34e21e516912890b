"""`yizhan import`, `yizhan parse`, `yizhan template` and `yizhan pending`: postings from files."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.app import open_services
from bot.cli.state import cli_state, run_async
from bot.sheets.postings import ImportReport, import_postings
from bot.sheets.read import SheetError
from bot.sheets.template import write_register_template, write_template
from handlers import language
from handlers.employer.posting import risk_text
from handlers.texts import t
from matching.parser import ParsedPost, parse_post, to_posting
from matching.risk import assess
from models.posting import Trust
from models.timeutil import LOCAL_TZ, utcnow

if TYPE_CHECKING:
    from matching.post_trade import TradeReader

console = Console(stderr=True)
PARSE_BATCH = 32  # lines whose trades are read in one model call (encoding batches well)


commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)


@commands.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSONL, CSV, XLSX, XLS or ODS file of postings.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Name of the feed (default: the file name).")
    ] = None,
    push: Annotated[
        bool, typer.Option("--push", help="Push new postings to matching seekers (small lists).")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Dry run: show the row report, write nothing.")
    ] = False,
    anywhere: Annotated[
        bool, typer.Option("--anywhere", help="Accept districts outside Tianjin (national feeds).")
    ] = False,
) -> None:
    """Import postings; re-importing an 编号 updates it; every refused row is reported by number.

    Sheet headers read: 编号 岗位名称 (required) 岗位描述 区 地址 最低薪资 最高薪资 薪资单位
    用工形式 联系方式 招聘人数 (and common variants); 编号 starting with 示例 are never imported.
    """
    settings = cli_state.settings
    lang = settings.lang
    if not file.exists():
        console.print(t("intake.cli.bad_file", lang, reason=f"{file} not found"))
        raise typer.Exit(2)
    name = source or file.stem

    async def run() -> ImportReport:
        async with open_services(settings) as services:
            with Progress(
                TextColumn(t("intake.cli.progress", lang)), BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), console=console, disable=not sys.stderr.isatty(),
            ) as bar:  # fmt: skip
                task = bar.add_task("import", total=None)
                return await import_postings(
                    services, file, source=name, lang=lang, push=push, check=check,
                    anywhere=anywhere, started=lambda n: bar.update(task, total=n),
                    progress=lambda n: bar.advance(task, n),
                )  # fmt: skip

    try:
        report = run_async(run())
    except SheetError as exc:
        console.print(t("intake.cli.bad_file", lang, reason=str(exc)), markup=False)
        raise typer.Exit(2) from None
    for number, reason in report.errors:
        line = t("intake.cli.row_error", lang, row=number, reason=reason) if number else reason
        console.print(line, markup=False)
    summary = t(
        "intake.cli.checked" if check else "intake.cli.imported", lang, created=report.created,
        updated=report.updated, duplicates=report.duplicates, held=report.held,
        errors=len(report.errors), rows=report.rows, unchanged=report.unchanged,
    )  # fmt: skip
    typer.echo(summary)
    if report.rows == 0 and report.errors:
        raise typer.Exit(1)


@commands.command("parse")
def parse_command(
    file: Annotated[
        Path | None, typer.Argument(help="JSONL with id and text per line; stdin when omitted.")
    ] = None,
    now: Annotated[
        str | None, typer.Option("--now", help="Time the posts were sent (ISO); default now.")
    ] = None,
    keywords_only: Annotated[
        bool,
        typer.Option("--keywords-only", help="Read trades from keywords alone (no model load)."),
    ] = False,
    city: Annotated[
        str | None,
        typer.Option(
            "--city",
            help="City the posts were sent in when not Tianjin (广州): its districts' short "
            'forms count. A line\'s own "city" key wins.',
        ),
    ] = None,
) -> None:
    """Extract structured fields from free-text job posts (one JSON line per input line).

    Trades are read as the chat intake reads them: keywords and meaning (the embedding model,
    loaded once); `trade_options` lists the trades a post is unsure between.
    """
    settings = cli_state.settings
    reader = None
    if not keywords_only:
        from bot.app import shared_encoder  # torch loads only when the model is wanted
        from matching.post_trade import TradeReader

        reader = TradeReader(
            shared_encoder(settings.embedding_model, settings.cache_dir, settings.encoder_backend)
        )
    moment = utcnow()
    if now:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError as exc:
            raise typer.BadParameter(f"--now: {now}") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=LOCAL_TZ)
    stream: TextIO = (
        sys.stdin if file is None or str(file) == "-" else file.open(encoding="utf-8-sig")
    )

    def flush(batch: list[tuple[int, str]]) -> None:
        for out in parse_lines(
            batch, moment, settings.min_wage_monthly, settings.lang, reader, city=city
        ):
            typer.echo(json.dumps(out, ensure_ascii=False))
        batch.clear()

    batch: list[tuple[int, str]] = []
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                batch.append((number, line))
            if len(batch) >= PARSE_BATCH:
                flush(batch)
        flush(batch)
    finally:
        if stream is not sys.stdin:
            stream.close()


def parse_lines(
    lines: list[tuple[int, str]],
    now: datetime,
    min_wage: float,
    lang: str,
    reader: TradeReader | None = None,
    *,
    city: str | None = None,
) -> list[dict[str, object]]:
    """One output per (number, line): the first job's fields at the top, every job under "jobs";
    or an error. The trades of all lines' jobs are read in one batch (one model call). A line's
    "city" (else `city`) is where its post was sent (`parse_post`)."""
    outs: list[dict[str, object]] = []
    parsed: list[tuple[int, list[ParsedPost]]] = []  # (index in outs, jobs)
    for number, line in lines:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            outs.append({"line": number, "error": t("intake.row.bad_json", lang, error=exc.msg)})
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            outs.append(
                {"line": number, "id": _id_of(item), "error": t("intake.row.no_text_field", lang)}
            )
            continue
        outs.append({"id": _id_of(item), "line": number})
        try:
            home = item.get("city") if isinstance(item.get("city"), str) else city
            parsed.append((len(outs) - 1, parse_post(item["text"], now, city=home or None)))
        except Exception as exc:  # a parser bug must not end a batch; the line says what failed
            outs[-1]["error"] = f"{type(exc).__name__}: {exc}"
    if reader is not None:
        read = iter(reader.read([job for _, jobs in parsed for job in jobs]))
        parsed = [(i, [next(read) for _ in jobs]) for i, jobs in parsed]
    for i, jobs in parsed:
        results = [_job_json(job, now, min_wage, lang) for job in jobs]
        outs[i].update(results[0] if results else {"title": None})
        outs[i]["jobs"] = results
    return outs


def _id_of(item: object) -> object:
    return item.get("id") if isinstance(item, dict) else None


def _risk_reasons(codes: tuple[str, ...], lang: str) -> list[str]:
    with language.speaking(lang):
        return risk_text(codes).split("；") if codes else []


def _job_json(job: ParsedPost, now: datetime, min_wage: float, lang: str) -> dict[str, object]:
    out = job.to_json()
    risk = assess(to_posting(job, trust=Trust.RELAYED, now=now), min_wage_monthly=min_wage)
    out["risk"] = {
        "score": risk.score,
        "codes": list(risk.reasons),
        "reasons": _risk_reasons(risk.reasons, lang),
    }
    return out


@commands.command("template")
def template_command(
    file: Annotated[Path, typer.Argument(help="Where to write the Excel template (.xlsx).")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="postings or register (default: register when the file "
            "name starts with register or contains 登记, else postings).",
        ),
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="Write the filled example instead (编号 示例-…).")
    ] = False,
) -> None:
    """Write an empty import template (Chinese headers, an explanation sheet), or the example."""
    lang = cli_state.settings.lang
    chosen = kind or ("register" if file.stem.lower().startswith("register")
                      or "登记" in file.stem else "postings")  # fmt: skip
    if chosen not in ("postings", "register"):
        raise typer.BadParameter("--kind 应为 postings 或 register")
    if chosen == "register":
        write_register_template(file, example=example)
    else:
        write_template(file, lang, example=example)
    typer.echo(t("intake.cli.template_written", lang, path=file))


@commands.command("pending")
def pending_command(
    limit: Annotated[int, typer.Option("--limit", help="How many to list.")] = 20,
) -> None:
    """List postings held for a caseworker (moderation or risk), riskiest first."""
    settings = cli_state.settings
    lang = settings.lang

    async def collect() -> list[str]:
        async with open_services(settings) as services:
            queue = await services.repos.intake.pending(limit)
        with language.speaking(lang):
            return [
                f"#{p.id}\t{p.title}\t{p.district or '-'}\t{p.risk_score:.2f}\t"
                + (risk_text(p.risk_reasons) if p.risk_reasons else "")
                for p in queue
            ]

    lines = run_async(collect())
    typer.echo("\n".join(lines) if lines else t("intake.queue.empty", lang))
