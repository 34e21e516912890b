"""Import a caseworker's register of unemployed people (登记表) from a sheet, row by row.

Every data row ends imported, updated (same name and phone as someone on the register) or
refused with a reason (the catalogue's `register.row.*`, in the caseworker's language) that
names the sheet's own column header and the row number.
A sheet with a 身份证号 column is refused as a whole: Yizhan never stores ID numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.sheets.read import Sheet, SheetError, as_date, read_sheet
from handlers.context import Services
from handlers.texts import t
from matching.districts import TIANJIN_DISTRICTS, canonical, find_districts
from models.register import RegisterEntry
from models.timeutil import local

# The 登记表's headers (the template's, first) and the variants seen in real sheets.
ALIASES: dict[str, tuple[str, ...]] = {
    "姓名": ("名字",),
    "性别": (),
    "联系电话": ("电话", "手机", "手机号", "手机号码", "联系方式"),
    "文化程度": ("学历",),
    "专业/技能": ("专业", "技能", "专业技能"),
    "就业意向": ("求职意向", "意向岗位", "意向"),
    "失业登记时间": ("登记时间", "失业登记日期", "登记日期"),
    "所属区": ("区", "所属区县", "区县", "所在区"),
    "街道": ("街道(乡镇)", "街镇", "乡镇", "街道/乡镇"),
    "社区": ("社区(村)", "村", "社区/村", "居委会"),
    "户籍/常住地址": ("地址", "常住地址", "户籍地址", "住址"),
}
REQUIRED = ("姓名",)
ID_NUMBER = ("身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{8})$")  # mobile, landline, local 8-digit


@dataclass(slots=True)
class RegisterImport:
    """What an import did (or, with check, would do): ids kept and a reason per refused row."""

    imported: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)


class _Refused(ValueError):
    """A row refused, with its reason in the caller's language."""


def _entry(
    values: dict[str, object], sheet: Sheet, default: str | None, today: date, lang: str
) -> RegisterEntry:
    head = sheet.headers
    name = str(values.get("姓名") or "").strip()
    if not name:
        raise _Refused(t("register.row.no_name", lang, column=head["姓名"]))
    if name.startswith("示例"):
        raise _Refused(t("register.row.example", lang))
    phone_raw = values.get("联系电话")
    phone = re.sub(r"[\s\-（）()]", "", str(phone_raw)) if phone_raw is not None else None
    if phone and not _PHONE.match(phone):
        column = head.get("联系电话", "联系电话")
        raise _Refused(t("register.row.bad_phone", lang, column=column, value=str(phone_raw)[:20]))
    district_text = str(values.get("所属区") or "").strip()
    address = str(values.get("户籍/常住地址") or "") or None
    if district_text:
        found = canonical(district_text) or canonical(district_text + "区")
        if found is None:
            raise _Refused(t(
                "register.row.not_tianjin", lang, column=head.get("所属区", "所属区"),
                value=district_text[:20], districts="、".join(TIANJIN_DISTRICTS),
            ))  # fmt: skip
        district: str | None = found
    else:
        district = next(iter(find_districts(address or "")), None) or default
    if district is None:
        raise _Refused(t("register.row.no_district", lang, column=head.get("所属区", "所属区")))
    try:
        registered = as_date(values.get("失业登记时间"), today, lang)
    except ValueError as exc:
        column = head.get("失业登记时间", "失业登记时间")
        raise _Refused(t("intake.row.field", lang, field=column, reason=exc)) from exc
    gender = values.get("性别")
    if gender not in (None, "男", "女"):
        column = head.get("性别", "性别")
        raise _Refused(t("register.row.bad_gender", lang, column=column, value=str(gender)[:10]))

    def text(key: str, limit: int) -> str | None:
        value = values.get(key)
        return str(value)[:limit] if value is not None else None

    return RegisterEntry(
        id=None,
        name=name[:50],
        phone=phone or None,
        gender=str(gender) if gender else None,
        education=text("文化程度", 20),
        skills=text("专业/技能", 200),
        registered_on=registered,
        address=address[:200] if address else None,
        district=district,
        wish=text("就业意向", 200),
        street=text("街道", 50),
        community=text("社区", 50),
    )


def _has_id_numbers(path: Path, lang: str) -> bool:
    probe = read_sheet(path, {"身份证号": ID_NUMBER[1:]}, required=("身份证号",), lang=lang)
    return not probe.problems


async def import_register(
    services: Services,
    path: Path,
    default_district: str | None = None,
    *,
    check: bool = False,
    started: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
    lang: str = "zh",
    allowed: tuple[str, ...] | None = None,
) -> RegisterImport:
    """Read the sheet, keep every good row, report every other one; `check` writes nothing;
    rows outside `allowed` districts (a caseworker's own) are refused.

    Raises SheetError when the file as a whole cannot be used.
    """
    report = RegisterImport()
    sheet = read_sheet(path, ALIASES, required=REQUIRED, lang=lang)
    if not sheet.problems and _has_id_numbers(path, lang):
        raise SheetError(t("register.id_numbers", lang))
    report.problems.extend((0, p) for p in sheet.problems)
    report.rows = len(sheet.rows)
    if started is not None:
        started(report.rows)
    today = local(services.clock()).date()
    repo = services.repos.register
    phone_head = sheet.headers.get("联系电话", "联系电话")
    entries: list[RegisterEntry] = []
    first_row: dict[str, int] = {}
    for row in sheet.rows:
        try:
            entry = _entry(row.values, sheet, default_district, today, lang)
        except _Refused as exc:
            report.problems.append((row.number, str(exc)))
            continue
        if allowed is not None and entry.district not in allowed:
            reason = t("register.row.not_yours", lang, districts="、".join(allowed))
            report.problems.append((row.number, reason))
            continue
        if entry.phone and entry.phone in first_row:
            reason = t("register.row.same_phone", lang, column=phone_head,
                       row=first_row[entry.phone])  # fmt: skip
            report.problems.append((row.number, reason))
            continue
        if entry.phone:
            first_row[entry.phone] = row.number
        entries.append(entry)
    known = await repo.by_phones([e.phone for e in entries if e.phone])
    kept: list[RegisterEntry] = []
    numbers = {phone: n for phone, n in first_row.items()}
    for entry in entries:
        other = known.get(entry.phone or "")
        if other is not None and other[1] != entry.name:
            report.problems.append((
                numbers[entry.phone or ""],
                t("register.row.phone_taken", lang, column=phone_head, id=other[0],
                  name=other[1]),
            ))  # fmt: skip
            continue
        kept.append(entry)
        if other is not None:
            report.updated += 1
        else:
            report.created += 1
    report.problems.sort(key=lambda p: p[0])
    if check:
        return report
    for start in range(0, len(kept), 500):
        batch = kept[start : start + 500]
        report.imported += await repo.upsert_many(batch, services.clock())
        if progress is not None:
            progress(len(batch))
    return report
