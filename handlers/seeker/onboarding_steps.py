"""The onboarding steps: one small async function per state, reading the answer to its question.

Each returns the next step (see TRANSITIONS in `handlers.seeker.onboarding`) or `Again` with a
short explanation of what did not fit; the runner saves the answers and asks the next question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from handlers import language
from handlers.seeker.answers import (
    OTHER_MAX,
    PAY_CEILING,
    SKILLS_MAX,
    clip,
    is_any,
    is_no,
    is_skip,
    is_yes,
    payload_index,
    pick_number,
    read_codes,
    read_education,
    read_km,
    read_needs,
    read_work_form,
    words,
)
from handlers.seeker.onboarding_state import FIELD_STEPS, Again, Ctx, Step
from handlers.seeker.profile_view import need_text, number
from handlers.seeker.questions import parse_payload
from handlers.texts import t
from matching.districts import (
    TIANJIN_DISTRICTS,
    centre,
    haversine_km,
    nearest_district,
)
from matching.numbers import parse_number
from matching.pay import find_pay
from matching.place_names import find_places
from matching.taxonomy import CATEGORIES, codes_in, label
from matching.wish_pay import reword_pay
from models.messages import Incoming, Location
from models.values import EDUCATION_LEVELS, NEEDS, Pay, PayUnit, WorkForm

StepHandler = Callable[[Incoming, Ctx], Awaitable[Step | Again]]

# A shared point farther than this from the nearest district centre is not in Tianjin: the
# largest districts (滨海新区 2,270 km², 蓟州区 1,590 km²) reach about 35 km from their centres.
FAR_KM = 40.0
STATED_PAY = 0.8  # find_pay's confidence when a unit word stands next to the figure (0.97)
_DONE_WORDS = ("完成", "好了", "选好了", "就这些", "done")
_CONFIRM_WORDS = (
    "确认",
    "确定",
    "对",
    "没问题",
    "提交",
    "好",
    "好的",
    "是",
    "confirm",
    "yes",
    "ok",
)


def _pick(msg: Incoming, key: str) -> str | None:
    """The value of an onboarding button for this step's key, if one was tapped."""
    found = parse_payload(msg.payload)
    return found[1] if found and found[0] == key else None


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _selected(items: list[str]) -> Again:
    if not items:
        return Again(t("onboarding.selected_none"))
    return Again(t("onboarding.selected", items=t("profile.list_sep").join(items)))


def _toggle(values: tuple[str, ...], value: str, order: tuple[str, ...]) -> tuple[str, ...]:
    chosen = set(values) ^ {value}
    return tuple(v for v in order if v in chosen)


# --- steps: one per state --------------------------------------------------------------------


async def on_work_form(msg: Incoming, ctx: Ctx) -> Step | Again:
    """就业形式: a button, a number, or a word such as 零工 or 创业."""
    value = _pick(msg, "form")
    form = read_work_form(value if value is not None else msg.text)
    if form is None:
        return Again(t("onboarding.bad.work_form"))
    ctx.answer("work_form", work_form=WorkForm(form))
    return Step.NEXT


async def on_categories(msg: Incoming, ctx: Ctx) -> Step | Again:
    """岗位意愿: buttons toggle A–Q until 完成; typed letters or job words answer at once."""
    value = _pick(msg, "cat")
    if value == "other" or (value is None and msg.text in ("其他", "other", "Other")):
        return Step.OTHER_CATEGORY
    if value == "done" or (value is None and msg.text.lower() in _DONE_WORDS):
        if ctx.profile.categories or ctx.profile.other_category:
            ctx.answered.add("categories")
            return Step.NEXT
        return Again(t("onboarding.bad.categories_empty"))
    if value is not None:
        if value not in CATEGORIES:
            return Again(t("onboarding.bad.categories"))
        codes = _toggle(ctx.profile.categories, value, tuple(CATEGORIES))
        ctx.profile = ctx.profile.with_(categories=codes)
        return _selected([f"{c} {label(c, language.current())}" for c in codes])
    codes_found = read_codes(msg.text) or codes_in(msg.text)
    if not codes_found:
        return Again(t("onboarding.bad.categories"))
    ctx.answer("categories", categories=tuple(dict.fromkeys(codes_found)))
    return Step.NEXT


async def on_other_category(msg: Incoming, ctx: Ctx) -> Step | Again:
    """其他: the job in the seeker's own words (kept to OTHER_MAX characters)."""
    if _pick(msg, "other") == "back":
        return Step.CATEGORIES
    text = clip(ctx.turn.msg.text, OTHER_MAX)
    if not _has_words(text.text):
        return Again(t("onboarding.bad.other_category"))
    if text.cut:
        ctx.notes.append(t("onboarding.truncated", limit=OTHER_MAX))
    ctx.answer("categories", other_category=text.text)
    return Step.NEXT


def _read_unit(text: str) -> PayUnit | None:
    for keys, unit in (
        (("月", "month", "1"), PayUnit.MONTH),
        (("天", "日", "day", "2"), PayUnit.DAY),
        (("时", "hour", "3"), PayUnit.HOUR),
        (("件", "piece", "4"), PayUnit.PIECE),
    ):
        if any(k in text.lower() for k in keys):
            return unit
    return None


def stated_pay(text: str) -> Pay | None:
    """Pay with a stated unit ("日结200", "月薪6000"), as a floor; None for a bare figure.

    find_pay guesses a unit for a bare figure with confidence 0.6; in an answer we ask instead.
    """
    found = find_pay(reword_pay(text))
    if found is None or found.confidence < STATED_PAY or not found.pay.known:
        return None
    pay = found.pay
    return replace(pay, max=None) if pay.max == pay.min else pay  # "一天150" is a floor


async def on_pay(msg: Incoming, ctx: Ctx) -> Step | Again:
    """期望薪酬: a figure with its unit (日结200, 5000, 时薪25), 面议 or 计件."""
    value = _pick(msg, "pay")
    # A typed label counts as the option (WeChat shows this question's options as words to type).
    said = msg.text.strip().lower() if value is None else ""
    negotiable = {"面议", "不确定", "negotiable", t("word.negotiable").lower()}
    if value == "negotiable" or said in negotiable:
        ctx.answer("pay", pay=Pay(negotiable=True))
        return Step.NEXT
    if value == "piece" or said in {"计件", "piece", t("onboarding.unit.piece").lower()}:
        ctx.answer("pay", pay=Pay(unit=PayUnit.PIECE))
        return Step.NEXT
    pay = stated_pay(msg.text) if value is None else None
    if pay is not None:
        figure = pay.min if pay.min is not None else pay.max
        if figure is None or not 0 < figure <= PAY_CEILING:
            return Again(t("onboarding.bad.pay_range", amount=number(figure or 0)))
        ctx.answer("pay", pay=pay)
        return Step.NEXT
    amount = parse_number(msg.text.replace("元", "").replace("块", "")) if value is None else None
    if amount is None:
        return Again(t("onboarding.bad.pay"))
    if not 0 < amount <= PAY_CEILING:
        return Again(t("onboarding.bad.pay_range", amount=number(amount)))
    # 1,000 or more is a monthly wage (Tianjin's minimum is 2,320 a month; gig day rates in the
    # posts run 100–400); below that, day, hour and piece rates all occur, so the unit is asked.
    if amount >= 1000:
        ctx.answer("pay", pay=Pay(min=amount, unit=PayUnit.MONTH))
        ctx.notes.append(t("onboarding.pay_assumed_month", amount=number(amount)))
        return Step.NEXT
    ctx.scratch.amount = amount
    return Step.PAY_UNIT


async def on_pay_unit(msg: Incoming, ctx: Ctx) -> Step | Again:
    """The unit of a bare figure: 元/月, 元/天 (日结), 元/小时 or 计件."""
    amount = ctx.scratch.amount
    if amount is None:
        return Step.PAY
    stated = stated_pay(msg.text)
    if stated is not None:
        ctx.scratch.amount = None
        ctx.answer("pay", pay=stated)
        return Step.NEXT
    value = _pick(msg, "unit")
    unit = _read_unit(value if value is not None else msg.text)
    if unit is None:
        return Again(t("onboarding.bad.pay_unit"))
    ctx.scratch.amount = None
    period = "日结" if unit is PayUnit.DAY else None
    ctx.answer("pay", pay=Pay(min=float(amount), unit=unit, period=period))
    return Step.NEXT


async def on_districts(msg: Incoming, ctx: Ctx) -> Step | Again:
    """地点要求: district buttons toggle until 完成; typed names, 不限, or a shared location."""
    if msg.location is not None:
        near = nearest_district(msg.location.lat, msg.location.lon)
        lat, lon = centre(near)
        km = haversine_km(msg.location.lat, msg.location.lon, lat, lon)
        if km > FAR_KM:
            return Again(t("onboarding.bad.far_location", km=round(km)))
        chosen = (
            ctx.profile.districts
            if near in ctx.profile.districts
            else (*ctx.profile.districts, near)
        )
        ctx.answer("districts", districts=chosen)
        ctx.scratch.location = (msg.location.lat, msg.location.lon)
        ctx.scratch.near = near
        return Step.KEEP_LOCATION
    value = _pick(msg, "district")
    if value == "any" or (value is None and is_any(msg.text)):
        ctx.answer("districts", districts=())
        return Step.NEXT
    if value == "done" or (value is None and msg.text.lower() in _DONE_WORDS):
        if ctx.profile.districts:
            ctx.answered.add("districts")
            return Step.NEXT
        return Again(t("onboarding.bad.districts_empty"))
    if value is not None:
        if value not in TIANJIN_DISTRICTS:
            return Again(t("onboarding.bad.districts"))
        districts = _toggle(ctx.profile.districts, value, tuple(TIANJIN_DISTRICTS))
        ctx.profile = ctx.profile.with_(districts=districts)
        return _selected(list(districts))
    tokens = words(msg.text)
    picked = [pick_number(w, len(TIANJIN_DISTRICTS)) for w in tokens]
    if tokens and all(i is not None for i in picked):
        found = [TIANJIN_DISTRICTS[i] for i in picked if i is not None]
    else:
        found = find_places(msg.text)  # 西清, Xiqing and 西青区 alike
    if not found:
        return Again(t("onboarding.bad.districts"))
    ctx.answer("districts", districts=tuple(dict.fromkeys(found)))
    return Step.NEXT


async def on_keep_location(msg: Incoming, ctx: Ctx) -> Step | Again:
    """Keep the exact point only with the seeker's consent; otherwise the district is enough."""
    point = ctx.scratch.location
    value = _pick(msg, "keep")
    keep = value == "yes" or (value is None and is_yes(msg.text))
    drop = value == "no" or (value is None and is_no(msg.text))
    if point is not None and not (keep or drop):
        return Again(t("onboarding.bad.keep_location"))
    ctx.scratch.location = ctx.scratch.near = None
    if keep and point is not None:
        ctx.profile = ctx.profile.with_(location=Location(*point))
    elif drop:
        ctx.profile = ctx.profile.with_(location=None)
    return Step.NEXT


async def on_distance(msg: Incoming, ctx: Ctx) -> Step | Again:
    """最远距离 in km (1–200), or 不限."""
    value = _pick(msg, "km")
    if value == "any" or (value is None and is_any(msg.text)):
        ctx.answer("max_km", max_km=None)
        return Step.NEXT
    km = read_km(value if value is not None else msg.text)
    if km is None:
        return Again(t("onboarding.bad.distance"))
    ctx.answer("max_km", max_km=km)
    return Step.NEXT


async def on_education(msg: Incoming, ctx: Ctx) -> Step | Again:
    """文化程度: one of EDUCATION_LEVELS (a button, a number, or a word such as 中专)."""
    value = _pick(msg, "edu")
    if value is not None:
        index = payload_index(value, len(EDUCATION_LEVELS))
        level = EDUCATION_LEVELS[index] if index is not None else None
    else:
        level = read_education(msg.text)
    if level is None:
        return Again(t("onboarding.bad.education"))
    ctx.answer("education", education=level)
    return Step.NEXT


async def on_skills(msg: Incoming, ctx: Ctx) -> Step | Again:
    """专业/技能 (optional): free text kept to SKILLS_MAX characters, or 跳过."""
    if _pick(msg, "skills") == "skip" or (msg.payload is None and is_skip(msg.text)):
        ctx.answer("skills", skills=None)
        return Step.NEXT
    text = clip(ctx.turn.msg.text, SKILLS_MAX)
    if not _has_words(text.text):
        return Again(t("onboarding.bad.skills"))
    if text.cut:
        ctx.notes.append(t("onboarding.truncated", limit=SKILLS_MAX))
    ctx.answer("skills", skills=text.text)
    return Step.NEXT


async def on_needs(msg: Incoming, ctx: Ctx) -> Step | Again:
    """其他需求: buttons toggle until 完成; 不需要; or the needs named in words."""
    value = _pick(msg, "need")
    if value == "none":
        ctx.answer("needs", needs=())
        return Step.NEXT
    if value == "done" or (value is None and msg.text.lower() in _DONE_WORDS):
        ctx.answered.add("needs")
        return Step.NEXT
    if value is not None:
        index = payload_index(value, len(NEEDS))
        if index is None:
            return Again(t("onboarding.bad.needs"))
        needs = _toggle(ctx.profile.needs, NEEDS[index], NEEDS)
        ctx.profile = ctx.profile.with_(needs=needs)
        return _selected([need_text(n) for n in needs])
    found = read_needs(msg.text)
    if found is None:
        return Again(t("onboarding.bad.needs"))
    ctx.answer("needs", needs=found)
    return Step.NEXT


async def on_consent(msg: Incoming, ctx: Ctx) -> Step | Again:
    """Consent to receive job pushes: yes or no, both are answers."""
    value = _pick(msg, "consent")
    if value == "yes" or (value is None and is_yes(msg.text)):
        ctx.answer("consent", consent=True)
        return Step.NEXT
    if value == "no" or (value is None and is_no(msg.text)):
        ctx.answer("consent", consent=False)
        return Step.NEXT
    return Again(t("onboarding.bad.consent"))


async def on_confirm(msg: Incoming, ctx: Ctx) -> Step | Again:
    """The summary: 确认 saves the profile as complete; 修改 picks a field to change."""
    value = _pick(msg, "confirm")
    if value == "edit":
        return Step.EDIT_FIELD
    if value == "yes" or (value is None and msg.text.lower() in _CONFIRM_WORDS):
        return Step.DONE
    return Again(t("onboarding.bad.confirm"))


FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "work_form": ("就业形式", "形式", "form", "work_form"),
    "categories": (
        "岗位",
        "岗位意愿",
        "工作",
        "职位",
        "工种",
        "意愿",
        "job",
        "jobs",
        "categories",
    ),
    "pay": ("工资", "薪酬", "薪资", "待遇", "期望薪酬", "收入", "pay", "salary", "wage"),
    "districts": ("地点", "地区", "区", "位置", "地址", "district", "districts", "place"),
    "max_km": ("距离", "最远距离", "远近", "公里", "distance", "km", "max_km"),
    "education": ("学历", "文化程度", "文化", "教育", "education"),
    "skills": ("技能", "专业", "证书", "专业/技能", "skills", "skill"),
    "needs": ("需求", "其他需求", "服务", "培训", "needs"),
    "consent": ("推送", "接收推送", "同意", "consent", "push"),
}


def field_named(text: str) -> str | None:
    """The form field a word names ("工资" -> "pay"), for `修改 工资` and the edit question."""
    word = text.strip().lower()
    for name, aliases in FIELD_WORDS.items():
        if word in aliases or word == t(f"profile.field.{name}", "zh"):
            return name
    return None


async def on_edit_field(msg: Incoming, ctx: Ctx) -> Step | Again:
    """Which field to change: jump to its step; 返回 goes back to where the seeker was."""
    value = _pick(msg, "edit")
    if value == "back" or (value is None and msg.text in ("返回", "取消", "back", "cancel")):
        return Step.NEXT
    name = field_named(value if value is not None else msg.text)
    if name is None:
        return Again(t("onboarding.bad.edit_field"))
    return FIELD_STEPS[name]
