"""A parsed post as a draft: kept in the dialog state, shown as a card, completed and edited.

Employers and caseworkers see the same card; only missing or unsure essentials (district, pay,
headcount, a title when none was found, and the trade when its reading is in doubt: "这是哪类活？
1 保洁 2 搬运…") are asked, one at a time, and any field can be
changed with "字段 值" (工资 日结220, 人数 5, 区 西青区, 类别 保洁, 要求 女 50岁以下); a job is
removed from a draft of several with "去掉第2个".
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from handlers import language
from handlers.services.cards import pay_text
from handlers.texts import t
from matching.admin_divisions import home_city
from matching.districts import district_answer, parse_area
from matching.numbers import parse_number
from matching.parser import ParsedPost
from matching.pay import find_all_pay
from matching.pay_offer import choose_offer
from matching.post_fields import (
    find_age,
    find_benefits,
    find_gender,
    find_gender_preference,
    find_phones,
    many_wanted,
)
from matching.post_terms import find_hours, find_licences
from matching.post_time import find_start
from matching.taxonomy import classify, codes_in, label
from models.values import Pay

# The words people use for each field when editing ("工资 日结220").
FIELD_WORDS = {
    "title": ("标题", "岗位", "职位", "工种", "title", "job"),
    "categories": ("类别", "类型", "分类", "category"),
    "requirements": ("要求", "条件", "requirements"),
    "pay": ("工资", "薪资", "薪酬", "待遇", "pay", "salary"),
    "headcount": ("人数", "招聘人数", "名额", "headcount", "people"),
    "district": ("区", "地区", "区域", "district"),
    "address": ("地址", "地点", "address"),
    "phones": ("电话", "手机", "联系电话", "phone"),
    "contact_name": ("联系人", "contact"),
    "age": ("年龄", "age"),
    "gender": ("性别", "gender"),
    "benefits": ("福利", "benefits"),
    "start": ("时间", "开始", "上岗时间", "开工", "start"),
    "work_form": ("用工形式", "形式", "form"),
    "description": ("描述", "说明", "description"),
}
_WORD_TO_FIELD = {w: f for f, words in FIELD_WORDS.items() for w in words}
_WORDS_LONGEST_FIRST = sorted(_WORD_TO_FIELD.items(), key=lambda kv: -len(kv[0]))
_NUMBER = r"(?:第\s*(?P<zh>[一二两三四五六七八九十]{1,3})|第?\s*(?P<n>\d{1,2}))\s*[个号#.、]?"
_JOB = r"\s*(?:岗位|工作|职位|活)?"
_JOB_NUMBER = re.compile(rf"^\s*(?:把|改|修改|更改)?\s*{_NUMBER}{_JOB}\s*的?\s*(?=\D)")
_EDIT_LEAD = re.compile(r"^\s*(?:把|改|修改|更改)\s*")
_VALUE_LEAD = re.compile(r"^\s*(?:改成|改为|换成|改|为)\s*")
_REMOVE_WORD = r"(?:去掉|删掉|删除|删了|去除|移除|拿掉|不要|取消)"
_REMOVALS = (
    re.compile(rf"^\s*(?:请|帮我)?{_REMOVE_WORD}\s*{_NUMBER}{_JOB}\s*(?:了|吧)?\s*[。.!！]?\s*$"),
    re.compile(rf"^\s*{_NUMBER}{_JOB}\s*(?:{_REMOVE_WORD}|不招)\s*(?:了|吧)?\s*[。.!！]?\s*$"),
)
_NO_REQUIREMENTS = re.compile(
    r"^(?:不限|无|没有|没要求|没有要求|都行|都可以|none)$", re.IGNORECASE
)
_MANY = re.compile(r"若干|多名|不限|很多|越多越好|跳过")
_NEGOTIABLE = re.compile(r"面议|面谈|商量")
_SOURCE_LINE = re.compile(
    r"^\s*(?:源群|来源|来自)\s*[:：]\s*(?P<g>[^\n]{1,40}?)\s*$", re.MULTILINE
)
_PAY_FIELDS = ("pay", "pay_doubt")  # Pay values, kept as their JSON
_FORMS = {"全职": "全职", "兼职": "兼职", "零工": "零工", "临时": "零工", "日结": "零工"}


def to_state(job: ParsedPost) -> dict[str, Any]:
    """A draft job as JSON for the dialog state."""
    out: dict[str, Any] = {}
    for f in fields(ParsedPost):
        value = getattr(job, f.name)
        if f.name in _PAY_FIELDS:
            value = value.to_json() if value is not None else None
        elif isinstance(value, tuple):
            value = list(value)
        elif f.name == "confidence":
            value = dict(value)
        out[f.name] = value
    return out


def from_state(data: dict[str, Any]) -> ParsedPost:
    """Inverse of `to_state`."""
    values: dict[str, Any] = {}
    for f in fields(ParsedPost):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in _PAY_FIELDS:
            value = Pay.from_json(value) if value is not None or f.name == "pay" else None
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return ParsedPost(**values)


def essentials_missing(job: ParsedPost) -> list[str]:
    """What to ask about this job, in order: title (if none), trade (if in doubt), district,
    pay, headcount."""
    missing = [] if job.title else ["title"]
    if job.trade_options:
        missing.append("trade")
    essentials = job.missing_essentials()
    if job.pay_doubt is not None and "pay" not in essentials:  # two readings: ask which
        essentials.insert(len(essentials) - ("headcount" in essentials), "pay")
    return missing + essentials


def pay_readings(job: ParsedPost) -> tuple[Pay, ...]:
    """The two readings the pay question offers: the parser's offer first, then the other."""
    return () if job.pay_doubt is None else (job.pay, job.pay_doubt)


def with_pay_reading(job: ParsedPost, number: int) -> ParsedPost | None:
    """The job with reading `number` (from 1) of its pay chosen by the poster: no doubt left."""
    readings = pay_readings(job)
    if not 1 <= number <= len(readings):
        return None
    conf = {**job.confidence, "pay": 1.0}
    return replace(job, pay=readings[number - 1], pay_doubt=None, confidence=conf)


def trade_choice(job: ParsedPost, text: str) -> str | None:
    """The trade code an answer to "这是哪类活？" names: an option's number, a letter or a name."""
    value = text.strip().strip("。.!！ ")
    if value.isdigit() and 1 <= int(value) <= len(job.trade_options):
        return job.trade_options[int(value) - 1]
    named = codes_in(value) or [c for c, score in classify(value) if score >= 0.3]
    return named[0] if named else None


def with_trade(job: ParsedPost, code: str) -> ParsedPost:
    """The job with its main trade set by the poster: no doubt left."""
    rest = tuple(c for c in job.categories if c != code)[:1]
    conf = {**job.confidence, "categories": 1.0}
    return replace(job, categories=(code, *rest), trade_options=(), confidence=conf)


def with_negotiable_pay(job: ParsedPost) -> ParsedPost:
    """The job with its pay set to 面议 by the poster."""
    conf = {**job.confidence, "pay": 1.0}
    return replace(
        job, pay=Pay(negotiable=True), pay_base=None, pay_typical=None, pay_doubt=None,
        confidence=conf,
    )  # fmt: skip


def card(jobs: list[ParsedPost]) -> str:
    """The readable draft: one block per job."""
    blocks = []
    for n, job in enumerate(jobs, start=1):
        head = (
            t("intake.card.header")
            if len(jobs) == 1
            else t("intake.card.header_n", n=n, total=len(jobs))
        )
        lines = [head, t("intake.card.title", title=job.title or "？")]
        if job.categories:
            cats = "、".join(label(c, language.current()) for c in job.categories)
            lines.append(t("intake.card.categories", categories=cats))
        if job.trade_options or not job.categories:
            lines.append(_trade_doubt(job))
        lines.append(t("intake.card.headcount", value=_headcount_text(job)))
        pay = pay_text(job.pay) or "？"
        if job.pay_base is not None:  # 底薪3000+提成，综合5000-7000: the base stays visible
            pay += "，" + t("intake.card.base", value=f"{job.pay_base:g}")
        if job.pay_typical is not None:  # 月薪4000-6000，一般5000
            pay += "，" + t("intake.card.typical", value=f"{job.pay_typical:g}")
        lines.append(t("intake.card.pay", value=pay))
        if job.pay_doubt is not None:
            first, second = (pay_text(p) or "？" for p in pay_readings(job))
            lines.append(t("intake.card.pay_doubt", first=first, second=second))
        place = " ".join(p for p in (job.district, _address_rest(job)) if p) or "？"
        lines.append(t("intake.card.place", value=place))
        if job.start:
            lines.append(t("intake.card.start", value=start_text(job.start)))
        needs = _requirements(job)
        if needs:
            lines.append(t("intake.card.requirements", value=" · ".join(needs)))
        if job.benefits:
            lines.append(t("intake.card.benefits", value="、".join(job.benefits)))
        contact = " ".join([*(p for p in [job.contact_name] if p), *job.phones])
        lines.append(t("intake.card.contact", value=contact or "？"))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _trade_doubt(job: ParsedPost) -> str:
    """The card's doubt line: the trades it may be, or that none could be read (→ review)."""
    if not job.trade_options:
        return t("intake.card.trade_unknown")
    options = " / ".join(label(c, language.current()) for c in job.trade_options)
    return t("intake.card.trade_doubt", options=options)


def trade_options_text(job: ParsedPost) -> str:
    """The numbered options of the trade question ("1 家政/保洁  2 物流/仓储/司机")."""
    return "  ".join(
        f"{n} {label(c, language.current())}" for n, c in enumerate(job.trade_options, start=1)
    )


def start_text(start: str) -> str:
    """ "2026-11-24T07:00:00+08:00" → "11月24日 07:00" (dates as stated, local time)."""
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        return start
    day = f"{moment.month}月{moment.day}日"
    return f"{day} {moment:%H:%M}" if "T" in start else day


def _headcount_text(job: ParsedPost) -> str:
    if job.headcount is not None:
        return t("intake.card.people", n=job.headcount)
    return t("intake.card.many") if job.many_wanted else "？"


def _address_rest(job: ParsedPost) -> str | None:
    if job.address and job.district and job.address.startswith(job.district):
        return job.address[len(job.district) :] or None
    return job.address


def _requirements(job: ParsedPost) -> list[str]:
    out = []
    if job.age_min is not None and job.age_max is not None:
        out.append(t("intake.card.age_range", low=job.age_min, high=job.age_max))
    elif job.age_max is not None:
        out.append(t("intake.card.age_max", high=job.age_max))
    elif job.age_min is not None:
        out.append(t("intake.card.age_min", low=job.age_min))
    if job.gender:
        out.append(job.gender)
    elif job.gender_preference:
        out.append(t("intake.card.prefers", value=job.gender_preference))
    if job.work_form:
        out.append(job.work_form)
    if job.hours:
        out.append(t("intake.card.hours", value=job.hours))
    out.extend(t("intake.card.licence", value=name) for name in job.licences)
    return out


def answer(
    job: ParsedPost, field: str, text: str, now: datetime, *, city: str = "天津市"
) -> ParsedPost | None:
    """The job with one field set from a free-text answer; None when the answer is unclear.

    `city` is the station's service area: a district is one of its own."""
    value = text.strip()
    conf = {**job.confidence}
    if field == "title":
        if not 1 <= len(value) <= 20:
            return None
        cats = [c for c, s in classify(job.text, value) if s >= 0.3][:2]
        conf.update(title=1.0, categories=1.0 if cats else 0.0)
        return replace(job, title=value, categories=tuple(cats) or job.categories, confidence=conf)
    if field == "district":
        district = district_answer(value, home_city(city))
        if district is None:
            return None
        conf["district"] = 1.0
        address = job.address if len(value) <= len(district) + 1 else value
        return replace(job, district=district, address=address, confidence=conf)
    if field == "pay":
        if value.isdigit() and job.pay_doubt is not None:  # "2": the second reading
            return with_pay_reading(job, int(value))
        if _NEGOTIABLE.search(value):
            return with_negotiable_pay(job)
        match = choose_offer(find_all_pay(value))
        if match is None or not match.pay.known:
            return None
        conf["pay"] = 1.0
        return replace(
            job, pay=match.pay, pay_base=match.base, pay_typical=match.typical, pay_doubt=None,
            confidence=conf,
        )  # fmt: skip
    if field == "trade":
        code = trade_choice(job, value)
        return with_trade(job, code) if code else None
    if field == "headcount":
        if _MANY.search(value) or many_wanted(value):
            return replace(job, headcount=None, many_wanted=True)
        number = parse_number(re.sub(r"[名人个位\s]", "", value))
        if number is None or number != int(number) or not 1 <= number <= 9999:
            return None
        conf["headcount"] = 1.0
        return replace(job, headcount=int(number), many_wanted=False, confidence=conf)
    return edit(job, field, value, now, city=city)


def edit(
    job: ParsedPost, field: str, value: str, now: datetime, *, city: str = "天津市"
) -> ParsedPost | None:
    """Change any field from "字段 值"; None when the value cannot be read."""
    if field in ("title", "district", "pay", "headcount"):
        return answer(job, field, value, now, city=city)
    conf = {**job.confidence, field: 1.0}
    if field == "address":
        area = parse_area(value, home_city(city))
        district = area.district if area and area.district else job.district
        return replace(job, address=value, district=district, confidence=conf)
    if field == "phones":
        phones = tuple(str(p.value) for p in find_phones(value))
        return replace(job, phones=phones, confidence=conf) if phones else None
    if field == "contact_name":
        return replace(job, contact_name=value[:20], confidence=conf)
    if field == "age":
        low, high = find_age(value if "岁" in value else value + "岁")
        if low is None and high is None:
            return None
        return replace(
            job,
            age_min=int(str(low.value)) if low else None,
            age_max=int(str(high.value)) if high else None,
            confidence=conf,
        )
    if field == "gender":
        gender = find_gender(value)
        return replace(job, gender=str(gender.value), confidence=conf) if gender else None
    if field == "benefits":
        benefits = tuple(str(b.value) for b in find_benefits(value))
        return replace(job, benefits=benefits, confidence=conf) if benefits else None
    if field == "start":
        start = find_start(value, now)
        return replace(job, start=start.value, confidence=conf) if start else None
    if field == "work_form":
        form = next((f for w, f in _FORMS.items() if w in value), None)
        return replace(job, work_form=form, confidence=conf) if form else None
    if field == "description":
        return replace(job, text=value, confidence=conf)
    if field == "categories":
        cats = codes_in(value) or [c for c, _score in classify(value)]
        if not cats:
            return None
        return replace(job, categories=tuple(cats[:3]), trade_options=(), confidence=conf)
    if field == "requirements":
        return _requirements_from(job, value, conf)
    return None


def _requirements_from(job: ParsedPost, value: str, conf: dict[str, float]) -> ParsedPost | None:
    """要求 replaces the card's requirements line (age, gender, form, hours, licences); 不限
    clears it."""
    if _NO_REQUIREMENTS.match(value.strip(" 。.!！")):
        return replace(
            job,
            age_min=None,
            age_max=None,
            gender=None,
            gender_preference=None,
            work_form=None,
            hours=None,
            licences=(),
            confidence=conf,
        )
    low, high = find_age(value)
    gender = find_gender(value)
    preference = None if gender else find_gender_preference(value)
    form = next((f for w, f in _FORMS.items() if w in value), None)
    hours, licences = find_hours(value), find_licences(value)
    said = (low, high, gender, preference, form, hours)
    if all(x is None for x in said) and not licences:
        return None
    return replace(
        job,
        age_min=int(str(low.value)) if low else None,
        age_max=int(str(high.value)) if high else None,
        gender=str(gender.value) if gender else None,
        gender_preference=str(preference.value) if preference else None,
        work_form=form,
        hours=hours,
        licences=licences,
        confidence=conf,
    )


def parse_edit(text: str) -> tuple[int | None, str, str] | None:
    """ "2 工资 日结200", "改第2个的类别 保洁" → (job, field, value); None without a field word."""
    m = _JOB_NUMBER.match(text)
    job = _job_number(m) if m else None
    rest = text[m.end() :] if m else _EDIT_LEAD.sub("", text, count=1).strip()
    lowered = rest.lower()
    for word, field in _WORDS_LONGEST_FIRST:
        if lowered.startswith(word):
            value = _VALUE_LEAD.sub("", rest[len(word) :].strip(" :："), count=1).strip()
            return (job, field, value) if value else None
    return None


def parse_removal(text: str) -> int | None:
    """ "去掉第4个", "删掉第2个", "第3个不要了" → the job number (from 1); None otherwise."""
    for pattern in _REMOVALS:
        m = pattern.match(text)
        if m is not None:
            return _job_number(m)
    return None


def _job_number(m: re.Match[str]) -> int:
    if m.group("zh"):
        number = parse_number(m.group("zh"))
        return int(number) if number is not None else 0
    return int(m.group("n"))


def split_source(text: str) -> tuple[str | None, str]:
    """("西青零工群", post without that line) from a relayed paste carrying "源群：西青零工群"."""
    m = _SOURCE_LINE.search(text)
    if m is None:
        return None, text
    return m.group("g").strip()[:40], (text[: m.start()] + text[m.end() :]).strip()
