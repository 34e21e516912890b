"""The Excel templates caseworkers fill in: postings for `yizhan import` (drop-down lists for
区/薪资单位/用工形式) and the 登记表 for `yizhan register import`; each with a sheet explaining
every column. Templates carry no data rows; the separate filled example's 编号 start with 示例,
so an example left in a sheet is never imported."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from bot.sheets.rows import ALIASES
from handlers.texts import t
from matching.districts import TIANJIN_DISTRICTS

COLUMNS = ("id", "title", "description", "district", "address", "pay_min", "pay_max", "pay_unit",
           "work_form", "contact", "headcount")  # fmt: skip
EXAMPLE = (
    "示例-001",
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


def write_template(path: Path, lang: str = "zh", *, example: bool = False) -> None:
    """Write the empty template (or, with `example`, the filled example) to `path`."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("intake.template.sheet", lang)
    headers = [ALIASES[c][0] if c != "id" else ALIASES["id"][0] for c in COLUMNS]
    sheet.append(headers)
    if example:
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


REGISTER_COLUMNS = ("姓名", "性别", "联系电话", "文化程度", "专业/技能", "就业意向",
                    "失业登记时间", "所属区", "街道", "社区", "户籍/常住地址")  # fmt: skip
REGISTER_NOTES = (
    "必填", "男 或 女", "手机或座机；同一电话只能登记一人", "如 初中、高中、大专", "如 电焊、会计",
    "想做的工作，如 保洁、仓库", "如 2026-03-05、2026年3月5日 或 11月5日", "天津的 16 个区之一",
    "", "", "",
)  # fmt: skip
REGISTER_EXAMPLE = ("示例-张三", "男", "13800000000", "初中", "电焊", "仓库分拣", "2026-03-05",
                    "西青区", "杨柳青镇", "柳口路社区", "杨柳青镇柳口路1号")  # fmt: skip


def write_register_template(path: Path, *, example: bool = False) -> None:
    """The 登记表 template for `yizhan register import` (never a 身份证号 column)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "失业人员登记表"
    sheet.append(list(REGISTER_COLUMNS))
    if example:
        sheet.append(list(REGISTER_EXAMPLE))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    sheet.freeze_panes = "A2"
    letter = openpyxl.utils.get_column_letter(REGISTER_COLUMNS.index("所属区") + 1)
    rule = DataValidation(type="list", formula1='"' + ",".join(TIANJIN_DISTRICTS) + '"',
                          allow_blank=True)  # fmt: skip
    rule.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
    sheet.add_data_validation(rule)
    notes = book.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for column, note in zip(REGISTER_COLUMNS, REGISTER_NOTES, strict=True):
        notes.append([column, note])
    notes.append([])
    notes.append(["不要填写身份证号：驿站不保存身份证号，含身份证号列的表格会被拒绝。"])
    notes.append(["姓名以“示例”开头的行不会被导入。"])
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 60
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
