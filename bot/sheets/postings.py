"""Import postings from JSONL, CSV or Excel, row by row: good rows in, bad rows reported.

Columns are the import schema (`id`, `title`, `description`, `district`, `address`, `pay_min`,
`pay_max`, `pay_unit`, `work_form`, `contact`) or the Chinese headers of `yizhan template`
(编号, 岗位名称, 岗位描述, 区 …). Fields a row leaves out are read from its text by the parser.
Rows are validated at this edge (pydantic), stored through intake (dedup, risk, trust
"imported") in transactions of `BATCH` rows, and a re-imported `id` updates its posting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.sheets.read import read_sheet
from bot.sheets.rows import ALIASES, PostingRow, row_to_posting
from handlers.context import Services
from handlers.services.intake import NewPosting, Stored, finish, store_many_in, update_in
from handlers.texts import t
from models.posting import Posting, PostingStatus

EXAMPLE_PREFIX = "示例"  # 编号 of the filled example's rows: never imported
BATCH = 250  # rows per transaction: ~0.3 s of writes, short enough not to starve chat turns
_HEADER_OF = {name: names[0] for name, names in ALIASES.items()}  # the template's header
Valid = tuple[int, PostingRow]
_JSON_KEYS = {alias.lower(): name for name, names in ALIASES.items() for alias in (name, *names)}


@dataclass(slots=True)
class ImportReport:
    """Counts for the summary and a reason for every row that could not be used."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    held: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line or row number, reason)
    posting_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Rows:
    """A file's data rows (row number, values by canonical column), the sheet's own header of
    each column (empty for JSONL), and file-level problems."""

    rows: list[tuple[int, dict[str, Any]]]
    headers: dict[str, str]
    problems: list[str]


def read_rows(path: Path, lang: str) -> Rows:
    """Read the file once; raises SheetError when it cannot be used at all."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return Rows(list(_jsonl_rows(path, lang)), {}, [])
    sheet = read_sheet(path, ALIASES, ("title",), lang=lang)
    problems = list(sheet.problems)
    if problems:
        problems = [t("intake.row.no_header", lang, columns="岗位名称 / title")]
    return Rows([(row.number, row.values) for row in sheet.rows], sheet.headers, problems)


def _jsonl_rows(path: Path, lang: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, {"__error__": t("intake.row.bad_json", lang, error=exc.msg)}
                continue
            if not isinstance(value, dict):
                yield number, {"__error__": t("intake.row.not_object", lang)}
                continue
            yield number, {_JSON_KEYS.get(str(k).lower(), str(k)): v for k, v in value.items()}


async def import_postings(
    services: Services,
    path: Path,
    *,
    source: str,
    lang: str = "zh",
    push: bool = False,
    check: bool = False,
    anywhere: bool = False,
    started: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every usable row; `push` publishes through `publish` (pushes to seekers).

    `check` validates and reports without writing; `anywhere` accepts districts outside
    the service area (national feeds). Raises SheetError when the file cannot be read at all.
    """
    report = ImportReport()
    read = read_rows(path, lang)
    report.errors.extend((0, p) for p in read.problems)
    report.rows = len(read.rows)
    if started is not None:
        started(report.rows)
    now = services.clock()
    area = None if anywhere else services.policy.service_area
    context = {"lang": lang, "area": area, "title_column": "title" in read.headers}
    valid = _validated(read, context, report)
    if check:
        await _dry_run(services, valid, report)
        report.errors.sort(key=lambda e: e[0])
        return report
    for start in range(0, len(valid), BATCH):
        batch = valid[start : start + BATCH]
        stored = await _import_batch(services, batch, source=source, push=push, now=now,
                                     report=report)  # fmt: skip
        for item in await finish(services, stored):
            report.posting_ids.append(item.posting_id)
            if item.status == PostingStatus.PENDING and item.created:
                report.held += 1
        if progress is not None:
            progress(len(batch))
    report.errors.sort(key=lambda e: e[0])
    return report


def _validated(read: Rows, context: dict[str, Any], report: ImportReport) -> list[Valid]:
    """Every row validated; refused rows (bad cells, a repeated 编号, examples) go to errors."""
    lang = str(context["lang"])
    valid: list[Valid] = []
    first: dict[str, int] = {}
    id_header = read.headers.get("id", "编号")
    for number, values in read.rows:
        row = _validate(values, context, read.headers)
        if isinstance(row, str):
            report.errors.append((number, row))
            continue
        if row.id and row.id.startswith(EXAMPLE_PREFIX):
            report.errors.append((number, t("intake.row.example", lang)))
            continue
        if row.id and row.id in first:
            report.errors.append((number, t("intake.row.same_id", lang, column=id_header,
                                            value=row.id[:20], row=first[row.id])))  # fmt: skip
            continue
        if row.id:
            first[row.id] = number
        valid.append((number, row))
    return valid


async def _dry_run(services: Services, valid: list[Valid], report: ImportReport) -> None:
    """Count what an import would create or update, writing nothing."""
    async with services.db.transaction() as tx:
        existing = await services.repos.intake.by_external_in(
            tx, [row.id for _, row in valid if row.id]
        )
    report.updated = sum(1 for _, row in valid if row.id and row.id in existing)
    report.created = len(valid) - report.updated


async def _import_batch(
    services: Services,
    batch: list[Valid],
    *,
    source: str,
    push: bool,
    now: datetime,
    report: ImportReport,
) -> list[Stored]:
    """Update known ids and store the new rows of a validated batch in one transaction."""
    city = services.policy.service_area
    valid = [(n, row, row_to_posting(row, source=source, now=now, city=city)) for n, row in batch]
    repo = services.repos.intake
    stored: list[Stored] = []
    async with services.db.transaction() as tx:
        ids = [row.id for _, row, _ in valid if row.id]
        existing = await repo.by_external_in(tx, ids)
        refs = {row.id: f"import:{source}#{row.id}" for _, row, _ in valid if row.id}
        merged = await repo.sources_known_in(tx, list(refs.values()))
        new: list[NewPosting] = []
        for _number, row, posting in valid:
            current = existing.get(row.id) if row.id else None
            if current is not None:
                if _same(current, posting):
                    report.unchanged += 1
                else:
                    stored.append(await update_in(services, tx, current, posting, now))
                    existing[row.id or ""] = posting.with_(id=current.id)
                    report.updated += 1
                continue
            ref = refs.get(row.id) if row.id else f"import:{source}"
            if row.id and ref in merged:
                report.unchanged += 1  # merged into another posting on an earlier import
                continue
            new.append(NewPosting(posting, ref or f"import:{source}"))
        results = await store_many_in(services, tx, new, now=now, push=push)
        for item in results:
            if item.duplicate is not None:
                report.duplicates += 1
            else:
                report.created += 1
        stored.extend(results)
    return stored


def _validate(
    values: dict[str, Any], context: dict[str, Any], headers: dict[str, str]
) -> PostingRow | str:
    """The validated row, or why it cannot be used (naming the sheet's own headers)."""
    lang = str(context["lang"])
    if "__error__" in values:
        return str(values["__error__"])
    banner = _banner(values)
    if banner:
        return t("intake.row.banner", lang, text=banner[:20])
    try:
        return PostingRow.model_validate(values, context=context)
    except ValidationError as exc:
        return "；".join(_reason(e, lang, headers) for e in exc.errors())


def _banner(values: dict[str, Any]) -> str | None:
    """A merged-cell note across the sheet ("以下岗位长期有效") repeats in every column."""
    filled = [v for v in values.values() if v is not None]
    if len(filled) >= 3 and len({str(v) for v in filled}) == 1:
        return str(filled[0])
    return None


def _reason(error: Any, lang: str, headers: dict[str, str]) -> str:
    field_name = ".".join(str(x) for x in error.get("loc", ())) or "row"
    if headers:  # a sheet: its own header; JSONL keeps the key as written
        field_name = headers.get(field_name) or _HEADER_OF.get(field_name, field_name)
    ctx = error.get("ctx") or {}
    message = str(ctx.get("reason") or error.get("msg", ""))
    if not field_name or field_name == "row":
        return message
    return t("intake.row.field", lang, field=field_name, reason=message)


def _same(a: Posting, b: Posting) -> bool:
    keys = ("title", "description", "district", "address", "pay", "work_form", "contact",
            "phones", "headcount")  # fmt: skip
    return all(getattr(a, k) == getattr(b, k) for k in keys)
