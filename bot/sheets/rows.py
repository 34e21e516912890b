"""One imported posting row: its columns, their Chinese headers, validation and the `Posting`.

Untrusted cells are checked here (pydantic): numbers typed as text ("5千"), units written many ways
(元/月, 月薪, month), ids stored as numbers. What a row leaves empty comes from its text.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from handlers.texts import t
from matching.admin_divisions import away_from_tianjin, home_city, same_place
from matching.districts import canonical, district_answer, parse_area
from matching.numbers import parse_number
from matching.parser import ParsedPost, parse_one
from matching.pay import find_pay
from matching.post_fields import find_contact_name, find_phones
from models.posting import Posting, Trust
from models.values import Pay, PayUnit

# Canonical column → the headers people write (the template's Chinese header first).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("编号", "岗位编号", "职位编号", "职位自编号", "ID"),
    "title": ("岗位名称", "职位名称", "岗位", "职位", "招聘岗位", "工种"),
    "description": ("岗位描述", "职位描述", "岗位职责", "工作内容", "描述", "招聘信息", "text"),
    "district": ("区", "所在区", "区县", "工作区域", "地区"),
    "address": ("地址", "工作地点", "工作地址"),
    "pay_min": ("最低薪资", "薪资下限", "最低工资"),
    "pay_max": ("最高薪资", "薪资上限", "最高工资"),
    "pay_unit": ("薪资单位", "工资单位"),
    "pay": ("薪资", "工资", "薪酬", "薪资待遇"),
    "work_form": ("用工形式", "工作性质", "就业形式"),
    "contact": ("联系方式", "联系人", "联系电话", "电话"),
    "headcount": ("招聘人数", "人数"),
}
_UNITS = {
    PayUnit.MONTH: ("元/月", "月", "月薪", "每月", "month", "monthly"),
    PayUnit.DAY: ("元/天", "天", "日", "日薪", "日结", "每天", "工", "元/工", "day", "daily"),
    PayUnit.HOUR: ("元/小时", "小时", "时", "时薪", "每小时", "hour", "hourly"),
    PayUnit.PIECE: ("计件", "件", "元/件", "元/单", "piece"),
    PayUnit.YEAR: ("元/年", "年", "年薪", "year", "yearly"),
}
_UNIT_WORDS = {w.lower(): unit for unit, words in _UNITS.items() for w in words}
_FORMS = {
    "全职": "全职", "稳定就业": "全职", "长期": "全职", "full-time": "全职",
    "兼职": "兼职", "part-time": "兼职",
    "零工": "零工", "灵活就业": "零工", "临时": "零工", "临时工": "零工", "日结": "零工",
    "小时工": "零工", "gig": "零工",
}  # fmt: skip
_MANY = re.compile(r"^(若干|多名|不限|数名)$")
TITLE_CHARS = 100
DESCRIPTION_CHARS = 10_000


def _problem(info: ValidationInfo, key: str, **values: object) -> PydanticCustomError:
    lang = (info.context or {}).get("lang", "zh")
    return PydanticCustomError("row", "{reason}", {"reason": t(key, lang, **values)})


class PostingRow(BaseModel):
    """A validated import row; every field optional except a title or a description."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | None = None
    title: str | None = None
    description: str | None = None
    district: str | None = None
    address: str | None = None
    pay_min: float | None = None
    pay_max: float | None = None
    pay_unit: PayUnit | None = None
    pay: str | None = None
    work_form: str | None = None
    contact: str | None = None
    headcount: int | None = None

    @field_validator(
        "id", "title", "description", "district", "address", "pay", "contact", mode="before"
    )
    @classmethod
    def _text(cls, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # ids and phones typed into numeric cells
        text = str(value).strip()
        return text or None

    @field_validator("pay_min", "pay_max", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number: float | None = float(value)
        else:
            number = parse_number(str(value).replace("元", "").strip())
        if number is None:
            raise _problem(info, "intake.row.not_number", value=str(value)[:20])
        if number < 0:
            raise _problem(info, "intake.row.negative", value=str(value)[:20])
        return number

    @field_validator("pay_unit", mode="before")
    @classmethod
    def _unit(cls, value: Any, info: ValidationInfo) -> PayUnit | None:
        if value is None or not str(value).strip():
            return None
        unit = _UNIT_WORDS.get(str(value).strip().lower())
        if unit is None:
            raise _problem(info, "intake.row.bad_unit", value=str(value)[:20])
        return unit

    @field_validator("work_form", mode="before")
    @classmethod
    def _form(cls, value: Any, info: ValidationInfo) -> str | None:
        if value is None or not str(value).strip():
            return None
        form = _FORMS.get(str(value).strip().lower())
        if form is None:
            raise _problem(info, "intake.row.bad_form", value=str(value)[:20])
        return form

    @field_validator("headcount", mode="before")
    @classmethod
    def _count(cls, value: Any, info: ValidationInfo) -> int | None:
        if value is None or not str(value).strip() or _MANY.match(str(value).strip()):
            return None
        number = parse_number(re.sub(r"[名人个位\s]", "", str(value)))
        if number is None or number != int(number) or not 1 <= number <= 100_000:
            raise _problem(info, "intake.row.bad_headcount", value=str(value)[:20])
        return int(number)

    @field_validator("contact", mode="after")
    @classmethod
    def _reachable(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not find_phones(value):
            raise _problem(info, "intake.row.no_phone", value=value[:20])
        return value

    @field_validator("district", mode="after")
    @classmethod
    def _in_area(cls, value: str | None, info: ValidationInfo) -> str | None:
        area = (info.context or {}).get("area")
        if value is None or not area or not parse_outside(value, area):
            return value
        raise _problem(info, "intake.row.outside_area", value=value[:20], area=area)

    @model_validator(mode="after")
    def _whole(self, info: ValidationInfo) -> PostingRow:
        if not self.title and not self.description:
            raise _problem(info, "intake.row.no_text")
        if not self.title and (info.context or {}).get("title_column"):
            raise _problem(info, "intake.row.no_title")
        if len(self.title or "") > TITLE_CHARS:
            raise _problem(info, "intake.row.too_long", field="title", n=TITLE_CHARS)
        if len(self.description or "") > DESCRIPTION_CHARS:
            raise _problem(info, "intake.row.too_long", field="description", n=DESCRIPTION_CHARS)
        if self.pay_min is not None and self.pay_max is not None and self.pay_min > self.pay_max:
            raise _problem(info, "intake.row.pay_order", low=self.pay_min, high=self.pay_max)
        return self


def row_to_posting(
    row: PostingRow, *, source: str, now: datetime, city: str = "天津市"
) -> Posting:
    """The posting for a row: its own columns first, the rest read from its text, as a reader
    in `city` (the importing station's service area) reads them."""
    text = "\n".join(x for x in (row.title, row.description) if x)
    district = _district(row.district, city)
    pay = _pay(row)
    phones = tuple(str(p.value) for p in find_phones(row.contact or ""))
    name = _contact_name(row.contact)
    given = {
        "district": district, "address": row.address, "pay": pay, "phones": phones,
        "contact_name": name, "headcount": row.headcount,
    }  # fmt: skip
    skip = [field for field, value in given.items() if value]
    context = "\n".join(x for x in (text, row.address, row.pay, row.contact) if x)
    parsed = parse_one(context, now, title=row.title, skip=skip, city=city)
    parsed = parsed or ParsedPost(title="", text="", original="")
    return Posting(
        id=None,
        title=row.title or parsed.title or (row.description or "")[:20],
        description=row.description or "",
        external_id=row.id,
        source=source,
        categories=parsed.categories,
        category_confidence=parsed.confidence.get("categories", 0.0),
        district=district or parsed.district,
        address=row.address or parsed.address,
        pay=pay or parsed.pay,
        work_form=row.work_form or parsed.work_form,
        contact=name or parsed.contact_name,
        phones=phones or parsed.phones,
        headcount=row.headcount if row.headcount is not None else parsed.headcount,
        age_min=parsed.age_min,
        age_max=parsed.age_max,
        gender=parsed.gender,
        benefits=parsed.benefits,
        start=parsed.start,
        trust=Trust.IMPORTED,
        created_at=now,
    )


def parse_outside(value: str, area: str = "天津市") -> bool:
    """Whether a district cell names no district of the service area `area` ("北京朝阳区", "深圳"
    or "某地" seen from 天津市; "西青", "杨柳青镇" and "西青区" are inside)."""
    found = parse_area(value, home_city(area))
    return found is None or found.district is None or not same_place(found.city or "", area)


def _district(value: str | None, city: str) -> str | None:
    if not value:
        return None
    # In a 区 column "河西" can only mean 河西区 (in free text it is also "west of the river").
    home = home_city(city)
    if not away_from_tianjin(home) and (found := canonical(value) or canonical(value + "区")):
        return found
    return district_answer(value, home) or value[:20]


def _pay(row: PostingRow) -> Pay | None:
    if row.pay_min is not None or row.pay_max is not None:
        top = row.pay_max if row.pay_max is not None else row.pay_min or 0.0
        # No unit: day rates run 80-1,000 and monthly pay 1,000+ (the same rule as pay.py).
        unit = row.pay_unit or (PayUnit.MONTH if top >= 1000 else PayUnit.DAY)
        return Pay(min=row.pay_min, max=row.pay_max, unit=unit)
    if row.pay:
        found = find_pay(row.pay)
        if found is not None and (found.pay.known or found.pay.negotiable):
            return found.pay
    if row.pay_unit is not None:
        return Pay(unit=row.pay_unit)
    return None


def _contact_name(value: str | None) -> str | None:
    if not value:
        return None
    named = find_contact_name(value)
    if named is not None:
        return str(named.value)
    rest = value
    for phone in find_phones(value):
        start, end = phone.span
        rest = rest[:start] + " " * (end - start) + rest[end:]
    rest = re.sub(r"[\s:：,，/、]+", " ", rest).strip()
    return rest[:20] or None
