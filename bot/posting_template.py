"""The Excel template caseworkers fill in for `yizhan import`: Chinese headers, drop-down lists
for 区/薪资单位/用工形式, an example row, and a second sheet explaining every column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from bot.import_rows import ALIASES
from handlers.texts import t
from matching.districts import TIANJIN_DISTRICTS

COLUMNS = ("id", "title", "description", "district", "address", "pay_min", "pay_max", "pay_unit",
           "work_form", "contact", "headcount")  # fmt: skip
EXAMPLE = (
    "XQ-001",
    "物流仓库分拣",
    "张家窝物流园分拣打包，男女不限，18-50岁，包午饭，明早7点到岗",
    "西青区",
    "张家窝镇物流园",
    180,
    180,
    "元/天",
    "零工",
    "王经理 13812345678",
    10,
)
UNITS = ("元/月", "元/天", "元/小时", "计件")
FORMS = ("全职", "兼职", "零工")
ROWS_WITH_LISTS = 5000  # drop-down lists cover this many rows
WIDTHS = {"title": 16, "description": 48, "address": 24, "contact": 22}


def write_template(path: Path, lang: str = "zh") -> None:
    """Write the template workbook to `path`."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("intake.template.sheet", lang)
    headers = [ALIASES[c][0] if c != "id" else ALIASES["id"][0] for c in COLUMNS]
    sheet.append(headers)
    sheet.append(list(EXAMPLE))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for index, column in enumerate(COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(column, 12)
    sheet.freeze_panes = "A2"
    for column, values in (
        ("district", TIANJIN_DISTRICTS),
        ("pay_unit", UNITS),
        ("work_form", FORMS),
    ):
        letter = openpyxl.utils.get_column_letter(COLUMNS.index(column) + 1)
        # A list, not a hard rule: a 驿站 elsewhere may type its own district names.
        rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                              showErrorMessage=False)  # fmt: skip
        rule.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
        sheet.add_data_validation(rule)
    notes = book.create_sheet(t("intake.template.notes_sheet", lang))
    notes.append([t("intake.template.column", lang), t("intake.template.meaning", lang),
                  t("intake.template.required", lang)])  # fmt: skip
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS:
        required = t("word.yes", lang) if column == "title" else ""
        notes.append([ALIASES[column][0], t(f"intake.template.{column}", lang), required])
    notes.append([])
    notes.append([t("intake.template.footer", lang)])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    for row in notes.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
