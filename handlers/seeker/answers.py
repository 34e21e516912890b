"""Reading typed answers to the onboarding questions, and folding a free-text wish into a profile.

Pure functions over strings and values: the dialog steps in `handlers.seeker.onboarding` decide
what to ask; this module only says what a message means (or that it means nothing we can use).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from matching.normalize import normalize_text
from matching.numbers import parse_number
from matching.wish import WishFields
from models.messages import Location
from models.seeker import SeekerProfile
from models.values import EDUCATION_LEVELS, NEEDS, WorkForm

# Stored free text is cut here (the column is TEXT, but a chat answer is a sentence, not a file).
WISH_MAX = 500  # the wish keeps its newest 500 characters (several wishes are joined by "；")
SKILLS_MAX = 200  # 专业/技能 as written, e.g. "电工证，会开叉车，做过三年仓库管理"
OTHER_MAX = 50  # 其他 category: a job name
# Only the first 2,000 characters of a message are read: a wish is a sentence or two, and a
# 10,000-character paste must not cost more than a normal message to parse.
READ_MAX = 2000
MAX_KM = 200.0  # Tianjin is about 190 km north to south; farther means a typo
PAY_CEILING = 1_000_000.0  # any figure above this (per month, day or hour) is a typo

_SPLIT = re.compile(r"[\s,，、;；/。.和及与]+")
_ANY = ("不限", "都行", "都可以", "无所谓", "随便", "哪里都行", "any", "anywhere")
_YES = (
    "是",
    "好",
    "好的",
    "可以",
    "行",
    "要",
    "同意",
    "愿意",
    "嗯",
    "对",
    "需要",
    "保存",
    "yes",
    "y",
    "ok",
    "sure",
)
_NO = (
    "否",
    "不",
    "不要",
    "不用",
    "不行",
    "不同意",
    "暂时不用",
    "不保存",
    "算了",
    "no",
    "n",
    "not now",
)
_SKIP = ("跳过", "没有", "无", "不会", "skip", "none", "no")
_EDUCATION_WORDS = (
    (("硕士", "研究生", "博士", "master", "phd"), 5),
    (("本科", "大学", "学士", "bachelor", "university"), 4),
    (("大专", "专科", "高职", "college"), 3),
    (("高中", "中专", "技校", "职高", "中技", "high school", "vocational"), 2),
    (("初中", "junior"), 1),
    (("小学", "没上过学", "文盲", "primary"), 0),
)
_WORK_FORM_WORDS = (
    (("稳定", "长期", "全职", "正式", "stable", "full"), WorkForm.STABLE),
    (
        ("灵活", "零工", "兼职", "临时", "日结", "小时工", "flexible", "gig", "part"),
        WorkForm.FLEXIBLE,
    ),
    (("创业", "自己干", "开店", "self", "business"), WorkForm.SELF),
)
_NEED_WORDS = (
    (("补贴", "subsid"), "补贴申领"),
    (("指导", "咨询", "guid"), "职业指导"),
    (("创业", "start"), "创业培训"),
    (("技能", "培训", "skill", "train"), "技能培训"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_KM = re.compile(r"(公里|千米|km|KM|Km|里|以内|之内|内|左右)")


@dataclass(frozen=True, slots=True)
class Clipped:
    """Text cut to a limit, remembering whether anything was cut (the user is told)."""

    text: str
    cut: bool


def clip(text: str, limit: int) -> Clipped:
    """Free text to store: as written, without control characters, at most `limit` characters."""
    clean = _CONTROL.sub("", text).strip()
    return Clipped(clean[:limit].rstrip(), len(clean) > limit)


def readable(text: str) -> str:
    """What the answer readers see: the first READ_MAX characters, normalised (NFKC, no emoji)."""
    return normalize_text(text[:READ_MAX])


def words(text: str) -> list[str]:
    """The message split into its words on spaces and Chinese/ASCII punctuation."""
    return [w for w in _SPLIT.split(text.strip()) if w]


def _is(text: str, vocabulary: Sequence[str]) -> bool:
    return text.strip().lower().rstrip("!！。.~") in vocabulary


def is_any(text: str) -> bool:
    """不限 / 都行 / 无所谓: the seeker sets no limit."""
    return _is(text, _ANY)


def is_yes(text: str) -> bool:
    """A plain yes."""
    return _is(text, _YES)


def is_no(text: str) -> bool:
    """A plain no."""
    return _is(text, _NO)


def is_skip(text: str) -> bool:
    """跳过 / 没有: an optional question left empty."""
    return _is(text, _SKIP)


def pick_number(text: str, count: int) -> int | None:
    """ "2" -> 1: a typed choice number (1-based) as an index, when it is one of `count`."""
    index = payload_index(text.strip(), count + 1)
    return index - 1 if index else None


def payload_index(value: str, count: int) -> int | None:
    """ "2" -> 2 when 0 <= 2 < count; ASCII digits only ("²".isdigit() is true, int() fails)."""
    if value.isascii() and value.isdigit() and int(value) < count:
        return int(value)
    return None


def read_codes(text: str) -> list[str] | None:
    """ "A C", "a,c", "1 3" -> ["A", "C"]: category letters or their numbers, else None."""
    found: list[str] = []
    for word in words(text):
        if len(word) == 1 and "A" <= word.upper() <= "Q":
            code = word.upper()
        elif (index := pick_number(word, 17)) is not None:
            code = chr(ord("A") + index)
        else:
            return None
        if code not in found:
            found.append(code)
    return found or None


def read_work_form(text: str) -> WorkForm | None:
    """稳定就业 / 灵活就业 / 自主创业 from a label, a number or a word such as 零工."""
    index = pick_number(text, len(WorkForm))
    if index is not None:
        return list(WorkForm)[index]
    lowered = text.lower()
    for form in WorkForm:
        if form.value in text:
            return form
    for keys, form in _WORK_FORM_WORDS:
        if any(k in lowered for k in keys):
            return form
    return None


def read_education(text: str) -> str | None:
    """One of EDUCATION_LEVELS from a label, a number or a word such as 中专 or 大学."""
    index = pick_number(text, len(EDUCATION_LEVELS))
    if index is not None:
        return EDUCATION_LEVELS[index]
    if text.strip() in EDUCATION_LEVELS:
        return text.strip()
    lowered = text.lower()
    for keys, level in _EDUCATION_WORDS:
        if any(k in lowered for k in keys):
            return EDUCATION_LEVELS[level]
    return None


def read_needs(text: str) -> tuple[str, ...] | None:
    """其他需求 named in the text; () for 不需要; None when nothing is recognised."""
    if is_no(text) or is_skip(text) or text.strip() in ("不需要", "都不需要"):
        return ()
    lowered = text.lower()
    found: list[str] = []
    for word in words(lowered) or [lowered]:
        index = pick_number(word, len(NEEDS))
        if index is not None:
            found.append(NEEDS[index])
            continue
        for keys, need in _NEED_WORDS:
            if any(k in word for k in keys):
                found.append(need)
                break
    unique = tuple(n for n in NEEDS if n in found)
    return unique or None


def read_km(text: str) -> float | None:
    """ "5", "5公里", "五公里以内" -> 5.0; None when no usable distance is written."""
    value = parse_number(_KM.sub("", text).strip())
    if value is None or not 0 < value <= MAX_KM:
        return None
    return value


def join_wish(old: str | None, new: str) -> str:
    """The stored wish with a new one appended; only the newest WISH_MAX characters are kept."""
    if not new:
        return old or ""
    if old and new in old:
        return old
    joined = f"{old}；{new}" if old else new
    return joined[-WISH_MAX:]


def apply_wish(
    profile: SeekerProfile, wish: WishFields, answered: set[str], *, overwrite: bool
) -> tuple[SeekerProfile, list[str]]:
    """Fill the fields the wish states: all of them when `overwrite`, else only missing ones.

    Returns the new profile and the names (as in `profile_view.FIELDS`) of the fields changed.
    """
    changes: dict[str, object] = {}
    names: list[str] = []

    def allowed(name: str) -> bool:
        return overwrite or name not in answered

    if wish.any_job and allowed("categories"):
        changes["categories"] = ()
        changes["other_category"] = None
        names.append("categories")
    if (wish.categories or wish.other_category) and allowed("categories"):
        changes["categories"] = tuple(wish.categories) if wish.categories else profile.categories
        if wish.other_category:
            changes["other_category"] = wish.other_category[:OTHER_MAX]
        names.append("categories")
    if wish.pay is not None and (wish.pay.known or wish.pay.negotiable) and allowed("pay"):
        changes["pay"] = wish.pay
        names.append("pay")
    elif wish.pay is not None and wish.pay.period and not profile.pay.known and allowed("pay"):
        changes["pay"] = wish.pay  # 日结 preferred, no figure yet
        names.append("pay")
    if wish.pay_hard and not profile.pay_hard:
        changes["pay_hard"] = True
        names.append("pay")
    if wish.daily_settlement_only and not profile.daily_settlement_only:
        changes["daily_settlement_only"] = True
        names.append("pay")
    if wish.districts and allowed("districts"):
        changes["districts"] = tuple(wish.districts)
        names.append("districts")
    if wish.landmark is not None and allowed("districts"):
        changes["location"] = Location(wish.landmark.lat, wish.landmark.lon)
        names.append("districts")
    if wish.max_km is not None and 0 < wish.max_km <= MAX_KM and allowed("max_km"):
        changes["max_km"] = float(wish.max_km)
        names.append("max_km")
    if wish.work_form is not None and allowed("work_form"):
        changes["work_form"] = wish.work_form
        names.append("work_form")
    if wish.education and wish.education in EDUCATION_LEVELS and allowed("education"):
        changes["education"] = wish.education
        names.append("education")
    if wish.needs and allowed("needs"):
        changes["needs"] = tuple(n for n in NEEDS if n in wish.needs)
        names.append("needs")
    # What the seeker says about themselves is kept as said (not a form field: never asked).
    if wish.age is not None:
        changes["age"] = wish.age
    if wish.gender is not None:
        changes["gender"] = wish.gender
    if wish.benefits:
        changes["benefits"] = tuple(dict.fromkeys((*profile.benefits, *wish.benefits)))
    updated = profile.with_(**changes)
    changed = [
        n
        for n in dict.fromkeys(names)
        if _value(updated, n) != _value(profile, n) or (n == "categories" and wish.any_job)
    ]
    return updated, changed


def _value(profile: SeekerProfile, name: str) -> object:
    if name == "categories":
        return (profile.categories, profile.other_category)
    if name == "pay":
        return (profile.pay, profile.pay_hard, profile.daily_settlement_only)
    if name == "districts":
        return (profile.districts, profile.location)
    return getattr(profile, name)
