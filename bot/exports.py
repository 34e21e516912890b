"""Excel files in the layouts the employment-service reports use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

from models.delivery import ContactRecord
from models.register import UNREACHED, RegisterEntry
from models.repos.stats import DistrictMonth
from models.timeutil import local

STATS_HEADERS = ("区", "下发人数", "联系不到人数", "联系服务人数", "已就业人数", "未就业人数")
OWN_HEADERS = ("发布岗位数", "推送次数", "感兴趣次数", "推送后就业人数")
CONTACT_HEADERS = (
    "序号", "姓名", "联系电话", "所属区", "联系日期",
    "联系方式", "联系内容", "工作人员", "联系结果",
)  # fmt: skip


def _title(ws: object, text: str, width: int) -> None:
    sheet = ws  # openpyxl worksheets are untyped
    sheet.append([text])  # type: ignore[attr-defined]
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)  # type: ignore[attr-defined]
    cell = sheet.cell(1, 1)  # type: ignore[attr-defined]
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(horizontal="center")


def write_stats(path: Path, month: str, rows: Sequence[DistrictMonth]) -> None:
    """The monthly table: one row per district and a 合计 row, official columns first."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "联系服务情况统计"
    headers = (*STATS_HEADERS, *OWN_HEADERS)
    _title(ws, f"失业人员联系服务情况统计表（{month}）", len(headers))
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.district, r.issued, r.unreachable, r.served, r.employed, r.unemployed,
                   r.postings, r.pushes, r.interested, r.hired_after_push])  # fmt: skip
    totals = [sum(getattr(r, f) for r in rows) for f in (
        "issued", "unreachable", "served", "employed", "unemployed",
        "postings", "pushes", "interested", "hired_after_push")]  # fmt: skip
    ws.append(["合计", *totals])
    ws.append([])
    ws.append(
        ["说明：下发人数 = 联系不到人数 + 联系服务人数；联系服务人数 = 已就业 + 未就业人数。"]
    )
    for column, width in zip("ABCDEFGHIJ", (10, 10, 12, 12, 10, 10, 12, 10, 12, 14), strict=True):
        ws.column_dimensions[column].width = width
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
    ws.title = "联系服务记录"
    _title(ws, f"失业人员联系服务记录（{month}）", len(CONTACT_HEADERS))
    ws.append(list(CONTACT_HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for number, record in enumerate(records, start=1):
        person = None
        if record.register_id is not None:
            person = people.get(record.register_id)
        elif record.user_id is not None:
            person = by_user.get(record.user_id)
        result = "联系不到" if record.outcome == UNREACHED else "已联系"
        ws.append([
            number,
            person.name if person else "（未登记）",
            person.phone if person else "",
            person.district if person else "",
            local(record.at).strftime("%Y-%m-%d"),
            record.method,
            record.content,
            record.staff,
            result,
        ])  # fmt: skip
    for column, width in zip("ABCDEFGHI", (6, 10, 14, 10, 12, 10, 40, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    book.save(path)
