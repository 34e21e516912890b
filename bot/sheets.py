"""Reading the messy Excel and CSV files caseworkers actually have.

Header row anywhere in the first rows, header variants (手机号/联系电话), merged cells, blank rows,
numbers stored as floats and dates as Excel serials: each data row comes back as a dict keyed by
canonical column names with its row number, so problems are reported row by row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

HEADER_SCAN_ROWS = 10  # a title line or two above the header is common in 登记表 exports


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its 1-based row number in the file and its values by canonical column."""

    number: int
    values: dict[str, Any]


@dataclass(slots=True)
class Sheet:
    """The usable rows, the columns found, and the file-level problems."""

    rows: list[SheetRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _norm_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return "".join(text.split()).replace("（", "(").replace("）", ")").lower()


def _match_header(cells: Sequence[Any], aliases: Mapping[str, Sequence[str]]) -> dict[int, str]:
    lookup = {_norm_header(a): name for name, names in aliases.items() for a in (name, *names)}
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = lookup.get(_norm_header(cell))
        if name is not None and name not in found.values():
            found[index] = name
    return found


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    # Not read_only: merged ranges are only known to a normal workbook. 10,000 rows load in ~1 s.
    book = openpyxl.load_workbook(path, data_only=True)
    try:
        ws = book.worksheets[0]
        merged = {}
        for rng in ws.merged_cells.ranges:
            top = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    merged[(r, c)] = top
        for r_index, row in enumerate(ws.iter_rows(values_only=True), start=1):
            values = [merged.get((r_index, c), v) for c, v in enumerate(row, start=1)]
            yield r_index, values
    finally:
        book.close()


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("无法识别的文件编码")
    yield from enumerate(csv.reader(text.splitlines()), start=1)


def read_sheet(
    path: Path, aliases: Mapping[str, Sequence[str]], required: Sequence[str] = ()
) -> Sheet:
    """Read the first sheet of an .xlsx (or a .csv) into canonical rows."""
    sheet = Sheet()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        sheet.problems.append(f"不支持的文件类型 {suffix}，请使用 .xlsx 或 .csv")
        return sheet
    header: dict[int, str] | None = None
    for number, cells in rows:
        if header is None:
            candidate = _match_header(cells, aliases)
            missing = [c for c in required if c not in candidate.values()]
            if candidate and not missing:
                header = candidate
                sheet.columns = list(candidate.values())
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        values = {name: _clean(cells[i]) for i, name in header.items() if i < len(cells)}
        if all(v is None for v in values.values()):
            continue  # blank row
        sheet.rows.append(SheetRow(number, values))
    if header is None:
        wanted = "、".join(required) if required else "、".join(aliases)
        sheet.problems.append(f"前 {HEADER_SCAN_ROWS} 行里没有找到表头（需要：{wanted}）")
    return sheet


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # phone numbers and counts typed into numeric cells
    return value


def as_date(value: Any) -> date | None:
    """A date from a cell: a real date, an ISO/中文 date string, or None; raises on nonsense."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for sep in ("年", "月", "/", "."):
        text = text.replace(sep, "-")
    text = text.replace("日", "").strip("-")
    parts = [p for p in text.split("-") if p]
    if len(parts) == 2:
        parts.append("1")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"无法识别的日期：{value}")
    return date(int(parts[0]), int(parts[1]), int(parts[2]))
