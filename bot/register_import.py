"""Import a caseworker's register of unemployed people from Excel, row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.sheets import as_date, read_sheet
from handlers.context import Services
from matching.districts import find_districts
from models.register import RegisterEntry
from models.repos.register import RegisterRepo

# The 登记表's headers and the variants seen in real sheets.
ALIASES: dict[str, tuple[str, ...]] = {
    "姓名": ("名字",),
    "联系电话": ("电话", "手机", "手机号", "手机号码", "联系方式"),
    "性别": (),
    "文化程度": ("学历",),
    "专业/技能": ("专业", "技能", "专业技能"),
    "失业登记时间": ("登记时间", "失业登记日期", "登记日期"),
    "户籍/常住地址": ("地址", "常住地址", "户籍地址", "住址"),
    "所属区": ("区", "所属区县", "区县", "所在区"),
}
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{8})$")  # mobile, landline, local 8-digit


@dataclass(slots=True)
class RegisterImport:
    """What an import did: ids of the people kept and a reason for every row left out."""

    imported: list[int] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)


def _entry(values: dict[str, object], default_district: str | None) -> RegisterEntry:
    name = str(values.get("姓名") or "").strip()
    if not name:
        raise ValueError("缺少姓名")
    phone_raw = values.get("联系电话")
    phone = re.sub(r"[\s\-（）()]", "", str(phone_raw)) if phone_raw is not None else None
    if phone and not _PHONE.match(phone):
        raise ValueError(f"联系电话格式不对：{phone_raw}")
    district_text = str(values.get("所属区") or "")
    address = str(values.get("户籍/常住地址") or "") or None
    found = find_districts(district_text) or find_districts(address or "")
    district = found[0] if found else default_district
    if district is None:
        raise ValueError(f"无法识别所属区：{district_text or '（空）'}")
    gender = values.get("性别")
    return RegisterEntry(
        id=None,
        name=name[:50],
        phone=phone or None,
        gender=str(gender) if gender in ("男", "女") else None,
        education=str(values["文化程度"])[:20] if values.get("文化程度") else None,
        skills=str(values["专业/技能"])[:200] if values.get("专业/技能") else None,
        registered_on=as_date(values.get("失业登记时间")),
        address=address[:200] if address else None,
        district=district,
    )


async def import_register(
    services: Services, path: Path, default_district: str | None = None
) -> RegisterImport:
    """Read the sheet, keep every good row, and report every bad one with its reason."""
    report = RegisterImport()
    sheet = read_sheet(path, ALIASES, required=("姓名",))
    report.problems.extend((0, p) for p in sheet.problems)
    entries: list[RegisterEntry] = []
    for row in sheet.rows:
        try:
            entries.append(_entry(row.values, default_district))
        except ValueError as exc:
            report.problems.append((row.number, str(exc)))
    if entries:
        report.imported = await RegisterRepo(services.db).upsert_many(entries, services.clock())
    return report
