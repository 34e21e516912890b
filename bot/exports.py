"""Excel files in the layouts the employment-service reports use.

Every text a person typed (names, 记录 text, staff names) goes through `_text_cell`, so a value
starting with = + - @ is stored as text, never as a live formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from handlers.context import Services
from models.delivery import ContactRecord
from models.register import UNREACHED, RegisterEntry
from models.repos.stats import DUE_DAY, REPORT_DAY, DistrictMonth, total
from models.timeutil import local

STATS_TITLE = "失业人员就业服务攻坚行动统计表"
# The official columns: header text and the numbering row under it.
STATS_HEADERS = ("所属区", "登记失业人员下发人数", "联系不到人数", "联系服务人数", "已就业人数",
                 "未就业人数")  # fmt: skip
STATS_NUMBERS = ("1=2+3", "2", "3=4+5", "4", "5")
STATS_NOTE = f"各区于每月{DUE_DAY}日前上报截至当月{REPORT_DAY}日的情况"
TOTAL = "合计"
OWN_SHEET = "驿站服务情况"
OWN_HEADERS = (
    "所属区",
    "本期未联系人数",
    "发布岗位数",
    "推送次数",
    "感兴趣次数",
    "推送后就业人数",
)
CONTACT_HEADERS = (
    "序号", "姓名", "联系电话", "所属区", "联系日期",
    "联系方式", "联系内容", "工作人员", "联系结果",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@")
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _text_cell(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """Write one cell; text is always text (openpyxl would make "=…" a formula)."""
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True  # Excel shows it as typed and never evaluates it


def _append(ws: Worksheet, values: Sequence[Any]) -> int:
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        _text_cell(ws, row, column, value)
    return row


def _title(ws: Worksheet, text: str, width: int) -> None:
    _text_cell(ws, 1, 1, text)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    cell = ws.cell(1, 1)
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def month_title(month: str) -> str:
    """`2026-12` → 2026年12月."""
    year, _, mon = month.partition("-")
    return f"{year}年{int(mon)}月"


def write_stats(path: Path, month: str, rows: Sequence[DistrictMonth]) -> None:
    """The 失业人员就业服务攻坚行动统计表 and, on a second sheet, Yizhan's own figures.

    Layout (sheet 1): title A1:F1; period A2:F2; header rows 3-4 (所属区 merged A3:A4, the
    numbering 1=2+3 … under each figure); one row per district as given; 合计; the note.
    """
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = STATS_TITLE[:31]
    width = len(STATS_HEADERS)
    _title(ws, f"{STATS_TITLE}（{month_title(month)}）", width)
    _text_cell(ws, 2, 1, f"截至{month_title(month)}{REPORT_DAY}日")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(2, 1).alignment = Alignment(horizontal="right")
    for column, header in enumerate(STATS_HEADERS, start=1):
        _text_cell(ws, 3, column, header)
    for column, number in enumerate(STATS_NUMBERS, start=2):
        _text_cell(ws, 4, column, number)
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    everything = [*rows, total(list(rows), TOTAL)]
    for r in everything:
        _append(ws, [r.district, r.issued, r.unreachable, r.served, r.employed, r.unemployed])
    last = ws.max_row
    for line in ws.iter_rows(min_row=3, max_row=last, max_col=width):
        for cell in line:
            cell.border = _BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for line in ws.iter_rows(min_row=3, max_row=4, max_col=width):
        for cell in line:
            cell.font = Font(bold=True)
    for cell in ws[last]:
        cell.font = Font(bold=True)
    note_row = last + 1
    _text_cell(ws, note_row, 1, f"注：{STATS_NOTE}")
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=width)
    for letter, size in zip("ABCDEF", (12, 14, 12, 12, 12, 12), strict=True):
        ws.column_dimensions[letter].width = size

    own = book.create_sheet(OWN_SHEET)
    _title(own, f"驿站服务情况（{month_title(month)}，截至{REPORT_DAY}日）", len(OWN_HEADERS))
    _append(own, list(OWN_HEADERS))
    for cell in own[2]:
        cell.font = Font(bold=True)
    for r in everything:
        _append(own, [r.district, r.not_contacted, r.postings, r.pushes, r.interested,
                      r.hired_after_push])  # fmt: skip
    book.save(path)


def write_contacts(
    path: Path,
    month: str,
    records: Sequence[ContactRecord],
    people: dict[int, RegisterEntry],
    by_user: dict[int, RegisterEntry],
) -> None:
    """The 联系服务记录 layout: one line per contact, oldest first."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "联系服务记录"
    _title(ws, f"失业人员联系服务记录（{month}）", len(CONTACT_HEADERS))
    _append(ws, list(CONTACT_HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for number, record in enumerate(records, start=1):
        person = None
        if record.register_id is not None:
            person = people.get(record.register_id)
        elif record.user_id is not None:
            person = by_user.get(record.user_id)
        result = "联系不到" if record.outcome == UNREACHED else "已联系"
        _append(ws, [
            number,
            person.name if person else "（未登记）",
            (person.phone or "") if person else "",
            (person.district or "") if person else "",
            local(record.at).strftime("%Y-%m-%d"),
            record.method,
            record.content,
            record.staff,
            result,
        ])  # fmt: skip
    for letter, size in zip("ABCDEFGHI", (6, 10, 14, 10, 12, 10, 40, 10, 10), strict=True):
        ws.column_dimensions[letter].width = size
    book.save(path)


async def contacts_in_scope(
    services: Services, start: datetime, end: datetime, districts: tuple[str, ...] | None
) -> tuple[list[ContactRecord], dict[int, RegisterEntry], dict[int, RegisterEntry]]:
    """The period's contact records of people in `districts` (None: everyone, for the CLI),
    with the register rows they name; a record of an unknown person is only in None's."""
    records = await services.contacts.between(start, end)
    people = await services.repos.register.in_district()
    by_id = {p.id: p for p in people if p.id is not None}
    by_user = {p.user_id: p for p in people if p.user_id is not None}
    if districts is not None:
        allowed = set(districts)

        def keep(record: ContactRecord) -> bool:
            person = (
                by_id.get(record.register_id)
                if record.register_id is not None
                else by_user.get(record.user_id or 0)
            )
            return person is not None and person.district in allowed

        records = [r for r in records if keep(r)]
        by_id = {k: p for k, p in by_id.items() if p.district in allowed}
        by_user = {k: p for k, p in by_user.items() if p.district in allowed}
    return records, by_id, by_user
