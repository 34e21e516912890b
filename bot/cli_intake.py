"""`yizhan import`, `yizhan parse`, `yizhan template` and `yizhan pending`: postings from files."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.app import open_services
from bot.cli import app, cli_state, run_async
from bot.posting_import import ImportReport, import_postings, read_rows
from bot.posting_template import write_template
from handlers.employer import risk_text
from handlers.texts import t
from matching.parser import ParsedPost, parse_post, to_posting
from matching.risk import assess
from models.posting import Trust
from models.repos.intake import IntakeRepo
from models.timeutil import LOCAL_TZ, utcnow

console = Console(stderr=True)
PROGRESS_FROM = 200  # rows; shorter imports finish before a bar would be read


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSONL, CSV or XLSX file of postings.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Name of the feed (default: the file name).")
    ] = None,
    push: Annotated[
        bool, typer.Option("--push", help="Push new postings to matching seekers (small lists).")
    ] = False,
) -> None:
    """Import postings; re-importing an id updates it; bad rows are reported by number."""
    settings = cli_state.settings
    lang = settings.lang
    if not file.exists():
        console.print(t("intake.cli.bad_file", lang, reason=f"{file} not found"))
        raise typer.Exit(2)
    name = source or file.stem

    async def run() -> ImportReport:
        async with open_services(settings) as services:
            total = _count_rows(file, lang) if sys.stderr.isatty() else 0
            if total < PROGRESS_FROM:
                return await import_postings(services, file, source=name, lang=lang, push=push)
            with Progress(
                TextColumn(t("intake.cli.progress", lang)), BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), console=console,
            ) as bar:  # fmt: skip
                task = bar.add_task("import", total=total)
                return await import_postings(
                    services, file, source=name, lang=lang, push=push,
                    progress=lambda n: bar.advance(task, n),
                )  # fmt: skip

    report = run_async(run())
    for number, reason in report.errors:
        line = t("intake.cli.row_error", lang, row=number, reason=reason) if number else reason
        console.print(line, markup=False)
    summary = t(
        "intake.cli.imported", lang, created=report.created, updated=report.updated,
        duplicates=report.duplicates, held=report.held, errors=len(report.errors),
        rows=report.rows, unchanged=report.unchanged,
    )  # fmt: skip
    typer.echo(summary)
    if report.rows == 0 and report.errors:
        raise typer.Exit(1)


def _count_rows(file: Path, lang: str) -> int:
    if file.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        with file.open(encoding="utf-8-sig") as f:
            return sum(1 for line in f if line.strip())
    return len(read_rows(file, lang)[0])


@app.command("parse")
def parse_command(
    file: Annotated[
        Path | None, typer.Argument(help="JSONL with id and text per line; stdin when omitted.")
    ] = None,
    now: Annotated[
        str | None, typer.Option("--now", help="Time the posts were sent (ISO); default now.")
    ] = None,
) -> None:
    """Extract structured fields from free-text job posts (one JSON line per input line)."""
    settings = cli_state.settings
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
    try:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                out = parse_line(line, number, moment, settings.min_wage_monthly, settings.lang)
                typer.echo(json.dumps(out, ensure_ascii=False))
    finally:
        if stream is not sys.stdin:
            stream.close()


def parse_line(
    line: str, number: int, now: datetime, min_wage: float, lang: str
) -> dict[str, object]:
    """One output line: the first job's fields at the top, every job under "jobs"; or an error."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": t("intake.row.bad_json", lang, error=exc.msg)}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"line": number, "id": _id_of(item), "error": t("intake.row.no_text_field", lang)}
    try:
        jobs = parse_post(item["text"], now)
    except Exception as exc:  # a parser bug must not end a batch; the line says what failed
        return {"line": number, "id": _id_of(item), "error": f"{type(exc).__name__}: {exc}"}
    results = [_job_json(job, now, min_wage, lang) for job in jobs]
    head: dict[str, object] = {"id": _id_of(item), "line": number}
    head.update(results[0] if results else {"title": None})
    head["jobs"] = results
    return head


def _id_of(item: object) -> object:
    return item.get("id") if isinstance(item, dict) else None


def _job_json(job: ParsedPost, now: datetime, min_wage: float, lang: str) -> dict[str, object]:
    out = job.to_json()
    risk = assess(to_posting(job, trust=Trust.RELAYED, now=now), min_wage_monthly=min_wage)
    out["risk"] = {
        "score": risk.score,
        "codes": list(risk.reasons),
        "reasons": risk_text(risk.reasons, lang).split("；") if risk.reasons else [],
    }
    return out


@app.command("template")
def template_command(
    file: Annotated[Path, typer.Argument(help="Where to write the Excel template (.xlsx).")],
) -> None:
    """Write the Excel template for posting imports (Chinese headers and an explanation sheet)."""
    lang = cli_state.settings.lang
    write_template(file, lang)
    typer.echo(t("intake.cli.template_written", lang, path=file))


@app.command("pending")
def pending_command(
    limit: Annotated[int, typer.Option("--limit", help="How many to list.")] = 20,
) -> None:
    """List postings held for a caseworker (moderation or risk), riskiest first."""
    settings = cli_state.settings
    lang = settings.lang

    async def collect() -> list[str]:
        async with open_services(settings) as services:
            queue = await IntakeRepo(services.db).pending(limit)
            return [
                f"#{p.id}\t{p.title}\t{p.district or '-'}\t{p.risk_score:.2f}\t"
                + (risk_text(p.risk_reasons, lang) if p.risk_reasons else "")
                for p in queue
            ]

    lines = run_async(collect())
    typer.echo("\n".join(lines) if lines else t("intake.queue.empty", lang))
