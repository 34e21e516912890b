"""Reading the messy Excel and CSV files caseworkers actually have, safely.

.xlsx/.xlsm/.xls/.ods are read once with calamine (fast, and it knows merged ranges); .csv in
UTF-8 (with or without BOM), UTF-16 or GBK. Header row anywhere in the first rows, header
variants (手机号/联系电话), merged cells, blank rows, numbers stored as floats: each data row comes
back keyed by canonical column with its row number, and `Sheet.headers` keeps the sheet's own
header text so problems name the column as the caseworker sees it.

Limits, checked before anything big is read: file size, the unpacked size of a zip-based
workbook (a 1 MB file can unpack to a 1 GiB cell), DTD/entity declarations, and a row cap.
A file that is not what its extension says ends in one `SheetError` with a Chinese reason.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from handlers.texts import t

HEADER_SCAN_ROWS = 10  # a title line or two above the header is common in 登记表 exports
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # xlsx/ods members, uncompressed
MAX_ROWS = 100_000
MAX_CELL_CHARS = 20_000
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
# What pandas, Excel and databases leave in empty cells: never a value.
_NOT_VALUES = frozenset({"nan", "none", "null", "#n/a", "n/a", "#null!", "nat"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls


class SheetError(ValueError):
    """The whole file cannot be read; the message is the Chinese line to show."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its 1-based row number in the file and its values by canonical column."""

    number: int
    values: dict[str, Any]


@dataclass(slots=True)
class Sheet:
    """The usable rows, the columns found (canonical → the sheet's own header), problems."""

    rows: list[SheetRow] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)  # headers of columns nobody reads
    problems: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """The canonical columns the sheet has."""
        return list(self.headers)


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


def _check_zip(path: Path, lang: str) -> None:
    """Refuse zip bombs and XML with DTDs before the reader sees the file."""
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise SheetError(t("sheet.too_big_unpacked", lang, mb=MAX_UNPACKED_BYTES >> 20))
            for m in members:
                if m.filename.endswith(".xml"):
                    with z.open(m) as f:
                        head = f.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise SheetError(t("sheet.entities", lang))
    except zipfile.BadZipFile as exc:
        raise SheetError(t("sheet.not_what_it_says", lang, kind="Excel")) from exc


def _book_rows(path: Path, lang: str, max_rows: int) -> Iterator[tuple[int, list[Any]]]:
    head = path.read_bytes()[:8] if path.stat().st_size else b""
    suffix = path.suffix.lower()
    if suffix == ".xls" and head != _OLE_MAGIC and not head.startswith(_ZIP_MAGIC):
        raise SheetError(t("sheet.not_what_it_says", lang, kind="Excel"))
    if suffix != ".xls" and not head.startswith(_ZIP_MAGIC):
        raise SheetError(t("sheet.not_what_it_says", lang, kind="Excel"))
    if head.startswith(_ZIP_MAGIC):
        _check_zip(path, lang)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise SheetError(t("sheet.not_what_it_says", lang, kind="Excel")) from exc
    if sheet.height > max_rows + 1:  # the data rows and a header
        raise SheetError(t("sheet.too_many_rows", lang, rows=sheet.height, limit=max_rows))
    top, left = sheet.start or (0, 0)
    merged: dict[tuple[int, int], tuple[int, int]] = {}  # cell → its range's top-left
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ():
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                merged[(r, c)] = (r0, c0)
    seen: dict[tuple[int, int], Any] = {}
    for offset, row in enumerate(sheet.iter_rows()):
        r = top + offset
        values = [None] * left + list(row)
        for c, value in enumerate(values):
            if (r, c) in merged:
                anchor = merged[(r, c)]
                if anchor == (r, c):
                    seen[anchor] = value
                else:
                    values[c] = seen.get(anchor)
        yield r + 1, values


def _csv_rows(path: Path, lang: str, max_rows: int) -> Iterator[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    binary = raw.startswith((_ZIP_MAGIC, _OLE_MAGIC)) or b"\x00\x00" in raw[:4096]
    if binary and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(t("sheet.not_what_it_says", lang, kind="CSV"))
    text = _decode(raw, lang)
    rows = csv.reader(text.splitlines())
    for number, row in enumerate(rows, start=1):
        if number > max_rows + 1:
            raise SheetError(t("sheet.too_many_rows", lang, rows=f"{number}+", limit=max_rows))
        yield number, list(row)


def _decode(raw: bytes, lang: str) -> str:
    """UTF-16 by its BOM; UTF-8; else GBK (Excel on Chinese Windows), also after a UTF-8 BOM."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SheetError(t("sheet.bad_encoding", lang)) from exc
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    for encoding in ("utf-8", "gb18030"):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise SheetError(t("sheet.bad_encoding", lang))


def read_sheet(
    path: Path,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str] = (),
    lang: str = "zh",
    max_rows: int = MAX_ROWS,
) -> Sheet:
    """Read the first sheet of a workbook (or a .csv) into canonical rows; raises SheetError
    when the file as a whole cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in (*SPREADSHEETS, ".csv"):
        raise SheetError(t("sheet.bad_type", lang, suffix=suffix or "（无）"))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SheetError(t("sheet.too_big", lang, mb=MAX_FILE_BYTES >> 20))
    rows = (
        _csv_rows(path, lang, max_rows) if suffix == ".csv" else _book_rows(path, lang, max_rows)
    )
    sheet = Sheet()
    header: dict[int, str] | None = None
    for number, cells in rows:
        if header is None:
            candidate = _match_header(cells, aliases)
            missing = [c for c in required if c not in candidate.values()]
            if candidate and not missing:
                header = candidate
                sheet.headers = {name: str(cells[i]).strip() for i, name in candidate.items()}
                sheet.extra = [str(c).strip() for i, c in enumerate(cells)
                               if i not in candidate and c not in (None, "")]  # fmt: skip
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        values = {name: _clean(cells[i]) for i, name in header.items() if i < len(cells)}
        if all(v is None for v in values.values()):
            continue  # blank row
        sheet.rows.append(SheetRow(number, values))
    if header is None:
        wanted = "、".join(required) if required else "、".join(aliases)
        sheet.problems.append(t("sheet.no_header", lang, rows=HEADER_SCAN_ROWS, wanted=wanted))
    return sheet


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()[:MAX_CELL_CHARS]
        return None if not value or value.lower() in _NOT_VALUES else value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # phone numbers and counts typed into numeric cells
    return value


def as_date(value: Any, today: date, lang: str = "zh") -> date | None:
    """A date from a cell: a real date, 2026-03-05 / 2026年3月5日 / 2026/3/5 / 2026-03, or a
    year-less 11月5日 (the latest such date not after `today`); raises ValueError in Chinese."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for sep in ("年", "月", "/", "."):
        text = text.replace(sep, "-")
    text = text.replace("日", "").replace("号", "").strip("-")
    parts = [p for p in text.split("-") if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(t("sheet.bad_date", lang, value=str(value)[:20]))
    numbers = [int(p) for p in parts]
    if len(parts) == 2 and len(parts[0]) <= 2:  # 11月5日: this year's, or last year's if later
        numbers = [today.year, *numbers]
    elif len(parts) == 2:
        numbers.append(1)
    if len(numbers) != 3 or not 1900 <= numbers[0] <= 2100:
        raise ValueError(t("sheet.bad_date", lang, value=str(value)[:20]))
    try:
        found = date(numbers[0], numbers[1], numbers[2])
    except ValueError as exc:
        raise ValueError(t("sheet.bad_date", lang, value=str(value)[:20])) from exc
    if len(parts) == 2 and len(parts[0]) <= 2 and found > today:
        found = found.replace(year=found.year - 1)
    return found
