"""A seeker's free-text wish ("想在西青区找保洁，日结，一天150以上") mapped onto the form's fields.

Decisions: a pay figure in a wish is a floor (min only, unless a range is given); it becomes a
hard gate (`pay_hard`) only with words like 不低于/最低/低于…不考虑. "日结" alone is a preference
(kept as the pay's period); 只要/必须/仅限日结 make it the hard gate `daily_settlement_only`.
"离家近" means the plan's 15-minute circle, in the countryside 3 km (DESIGN.md): max_km = 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matching.districts import find_districts
from matching.landmarks import Landmark, find_landmark, find_landmark_at
from matching.normalize import normalize_text
from matching.numbers import parse_number
from matching.pay import find_pay
from matching.place_names import find_places
from matching.post_fields import find_benefits
from matching.taxonomy import classify, codes_in
from matching.wish_pay import reword_pay
from models.values import Pay, PayUnit, WorkForm

NEAR_HOME_KM = 3.0  # 15-minute circle: within 3 km in the countryside (the plan's target)
# Travel speeds for "半小时车程" style limits: walking 5 km/h, bus or e-bike in town ~15 km/h.
WALK_KMH, RIDE_KMH = 5.0, 15.0
# One job title in the text scores 0.4, a seeker's trade word (看大门, 洗碗: listed as brands)
# 0.348, a loose synonym alone 0.29: the first two are a trade, a lone synonym is not.
MIN_CATEGORY_CONFIDENCE = 0.34


@dataclass(frozen=True, slots=True)
class WishFields:
    """Form fields read from a wish; empty/None where the text says nothing about them."""

    categories: tuple[str, ...] = ()
    other_category: str | None = None
    pay: Pay | None = None
    pay_hard: bool = False
    daily_settlement_only: bool = False
    districts: tuple[str, ...] = ()
    max_km: float | None = None
    work_form: WorkForm | None = None
    needs: tuple[str, ...] = ()
    education: str | None = None
    any_job: bool = False  # 干啥都行: a real answer, no trade preference
    age: int | None = None
    gender: str | None = None
    benefits: tuple[str, ...] = ()
    landmark: Landmark | None = None  # 天津站附近: a place with coordinates to measure from


_NEGATION = re.compile(
    r"(?:不想|不要|不做|不干|不考虑|不接受|不去|别给我|除了)([^,，。;；!！?？\s]{1,12})|"
    r"不是([^,，。;；!！?？\s是]{1,8})"  # 不是保安 是保洁: a correction, up to its 是
)
_OTHER = re.compile(
    r"(?:想|要|找|做|干|应聘|当)(?:找|做|干|当|应聘)?(?:个|份|点|一份|一个)?"
    r"(?P<job>[\u4e00-\u9fffA-Za-z]{2,8}?)的?(?:工作|活儿?|岗位|职位|类|$|[,，。;；!！\s])"
)
_GENERIC = re.compile(
    r"^(?:工作|活儿?|事|事情|兼职|零工|临时工|全职|长期|短期|离家近|附近|轻松|稳定|日结|钱多|"
    r"高薪|简单|什么|啥|一下|一份|合适|能日结|近一点|好|离家近点|人工|真人|骗子|人工客服)$"
)
# 干啥都行 / 什么活都干 / 啥都能干 / 不挑: the seeker has no trade preference.
_ANY_JOB = re.compile(
    r"(?:干|做|找)?(?:啥|什么|哪种|任何)(?:活|工作|工种|活儿)?(?:都|也)(?:行|可以|能干|干|做|成|中)|"
    r"不挑(?:活|工作)?|有活就(?:行|干)|能挣钱就行|什么都(?:能)?(?:干|做)|"
    r"(?i:\bany\s*(?:job|work|kind|type|sort)|anything|whatever job)"
)
# Benefits a seeker asks for are not a trade: 包吃住 reads as 普工 in posts, not in a wish.
_BENEFITS = re.compile(r"包吃包?住|包吃|包住|管吃住|管住|管饭|五险一金|五险|社保|住宿")
_BOARD = {"包吃", "包住", "五险", "公积金"}
# A would-be 其他 job holding one of these is a question or filler, never a trade (到活吗, 个活).
_JOB_TITLE = re.compile(r"(?:工|员|师|匠|手|司机|长|生|管理|维修|技术)$")
_FILLER_CHARS = set("个啥活吗到能么呢吧点些什干找做要想还份")
_PAY_HARD = re.compile(
    r"不低于|不少于|最低|至少|起码|底线|低于.{0,10}不(?:考虑|做|干|去|要|行)|少于.{0,10}不|"
    r"以下(?:的)?(?:不|就不|免谈)|必须.{0,3}\d|不能低于"
)
_DAILY_ONLY = re.compile(
    r"只(?:要|做|干|接|找|接受|考虑|能)?日结|必须日结|仅限?日结|一定要日结|非日结不|"
    r"日结的?才|不是日结(?:的)?不|要求日结|必须是日结"
)
_DAILY = re.compile(r"日结|当天结|当日结|现结|paid daily|daily pay|pay daily|paid every day")
_NEAR = re.compile(
    r"离家近|离家不远|家附近|附近|就近|家门口|近一点|近点|别太远|不要太远|不能太远|"
    r"(?i:close\s+to\s+(?:my\s+)?home|near\s+(?:my\s+)?home|nearby)"
)
_KM = re.compile(  # from a number's first digit only, bounded: linear on long digit runs
    r"(?P<n>(?<![\d.])\d{1,5}(?:\.\d{1,2})?|(?<![一二两三四五六七八九十])[一二两三四五六七八九十]{1,4})"
    r"\s*(?P<u>公里|km|KM|千米|里地?|米(?=以内|之内|内|左右))"
)
# 两三公里, 四五里: two neighbouring figures are a range; the limit is the larger one.
_PAIR = re.compile(r"^([一二两三四五六七八九])([二三四五六七八九])$")
_DIGIT = "一二三四五六七八九"
_MINUTES = re.compile(
    r"(?P<how>走路|步行|骑车|骑电动车|骑电车|电动车|电瓶车|自行车|坐车|开车|公交|车程|通勤)?\s*"
    r"(?P<n>(?<!\d)\d{1,4}|(?<![一二两三四五六十])[一二两三四五六十]{1,4}|半)\s*(?P<u>分钟|个?小时)(?:以内|之内|内)?"
    r"(?P<how2>车程|路程|通勤|走路|步行)?"
)
_FORMS = (
    (
        WorkForm.SELF,
        re.compile(
            r"创业|开店|开个小?店|开个小?饭馆|摆摊|摆地摊|自己干|自己开|当老板|做生意|个体户|自主经营|"
            r"own business"
        ),
    ),
    (
        WorkForm.FLEXIBLE,
        re.compile(
            r"兼职|零工|临时工|小时工|钟点工|灵活|短期|散工|临时|日结工|短工|干几天|"
            r"[暑寒]假工|周末(?:干|的活|兼职)|只(?:想|能)?干半天|干几个月|"
            r"part[- ]?time|temporary|gig"
        ),
    ),
    (
        WorkForm.STABLE,
        re.compile(
            r"全职|长期|稳定|正式工|正式|五险一金|签合同|交社保|长干|常年干|一直干|固定的?工作|"
            r"full[- ]?time|long[- ]term|stable"
        ),
    ),
)
_NEEDS = (
    ("补贴申领", re.compile(r"补贴|补助|津贴|失业金|失业保险金")),
    ("职业指导", re.compile(r"指导|咨询|规划|不知道(?:做|干|找)什么|简历|面试技巧")),
    (
        "技能培训",
        re.compile(r"(?<!创业)培训|学技能|学手艺|学技术|学个手艺|学门手艺|考证|技能提升"),
    ),
    ("创业培训", re.compile(r"创业")),
)
_EDUCATION = (
    ("硕士及以上", re.compile(r"博士|硕士|研究生")),
    ("本科", re.compile(r"本科|学士|大学毕业|大学学历")),
    ("大专", re.compile(r"大专|专科|高职")),
    ("高中/中专/技校", re.compile(r"高中|中专|技校|职高|中技|职校")),
    ("初中", re.compile(r"初中")),
    ("小学及以下", re.compile(r"小学|没上过学|没读过书|文盲")),
)


def parse_wish(text: str) -> WishFields:
    """Read what a seeker's message says about each form field; never raises on any text."""
    t = reword_pay(normalize_text(text or ""))
    if not t:
        return WishFields()
    # "不想做销售，想找客服": what follows a negation is blanked out before categories are read,
    # so 销售 adds nothing while 客服 (the same category F) still counts.
    positive = _NEGATION.sub(lambda m: " " * len(m.group(0)), t)
    positive = _BENEFITS.sub(lambda m: " " * len(m.group(0)), positive)
    for found in find_benefits(positive):  # 管两顿饭, 有宿舍: the shared vocabulary's words too
        if found.value in _BOARD:  # not 班车: 接送 may be the job itself (接送孩子)
            positive = _blank(positive, found.span)
    categories = _categories(positive)
    any_job = not categories and bool(_ANY_JOB.search(positive))
    daily_only = bool(_DAILY_ONLY.search(t))
    age, age_at = _age(t)
    pay, pay_hard = _pay(t if age_at is None else _blank(t, age_at), daily_only)
    anchor = find_landmark_at(t)
    landmark = anchor[0] if anchor else None
    districts = find_places(t if anchor is None else _blank(t, anchor[1]))
    if anchor is not None and _other_district_before(t, anchor):
        landmark = None  # 武清开发区 is not TEDA: the district named with it wins
    if landmark is not None and not districts:
        districts = [landmark.district]
    return WishFields(
        categories=tuple(categories),
        other_category=None if categories or any_job else _other(positive),
        pay=pay,
        pay_hard=pay_hard,
        daily_settlement_only=daily_only,
        districts=tuple(districts),
        max_km=_max_km(t),
        work_form=_work_form(t),
        needs=tuple(need for need, rx in _NEEDS if rx.search(t)),
        education=_first_match(t, _EDUCATION),
        any_job=any_job,
        landmark=landmark,
        age=age,
        gender=_gender(t),
        benefits=_benefits(t),
    )


# An age is a two-digit figure or 十/二十…八十 with an optional unit digit (十八, 五十五, 六十).
_AGE_NUM = r"(?:[1-8]\d|[二三四五六七八]?十[一二三四五六七八九]?)"
# A figure followed by a pay word is pay, never an age ("45 一小时", "50块").
_NOT_PAY = r"(?!\s*(?:一小时|一天|一个月|每|块|元|/|个月|天|小时|公里|分钟|年|k|K|w|W))"
# 快60了 / 将近五十: nearly N is N-1. 50多岁 / 五十来岁 / 五十出头 / 50好几: the figure said, a
# floor (matching reads a job's age cap against it). 属虎 and 年纪大 name no figure: no age.
_AGE = re.compile(
    rf"(?:快|将近|接近|马上就?|眼看)(?P<near>{_AGE_NUM})(?=岁|了|的人|$|[\s,，])|"
    rf"(?P<n>{_AGE_NUM})\s*(?:多|来|几)?\s*(?:周)?岁|"
    rf"(?P<o>{_AGE_NUM})(?:出头|好几)|"
    rf"(?:^|[\s我本人今年都已经]|年龄|年纪|岁数)(?P<c>{_AGE_NUM})(?:多|来)?{_NOT_PAY}"
    rf"(?=$|[\s,，了]|[男女])|"
    r"(?P<e>\d{2})\s*(?:years?\s*old|y/?o)|(?:aged?|i\s*am|i'm)\s*(?P<f>\d{2})\b(?!\s*(?:rmb|yuan|元))",
    re.IGNORECASE,
)
# 我是女的 / 俺是男的 / 女同志; 老头 and 老太太 are the seeker unless cared for (照顾老太太).
_CARED = r"(?<!照顾)(?<!陪护)(?<!伺候)(?<!护理)(?<!陪)(?<!看)"
_GENDER = re.compile(
    r"本人(?P<a>[男女])|(?<![\u4e00-\u9fff])(?P<b>[男女])(?:的|性)?(?![\u4e00-\u9fff])|"
    r"(?:我是|俺是|我|俺|本人是)(?P<c>[男女])(?:的|性|人|(?![\u4e00-\u9fff]))|(?P<d>[男女])同志|"
    rf"(?P<f>大姐|阿姨|大妈|宝妈|女性|woman|female|{_CARED}(?:老太太|老太婆|老婆子|大娘))|"
    rf"(?P<m>大哥|大叔|男性|小伙子?|\bman\b|\bmale\b|{_CARED}(?:老头子?|老汉|大爷))",
    re.IGNORECASE,
)


def _other_district_before(text: str, anchor: tuple[Landmark, tuple[int, int]]) -> bool:
    """Whether the landmark's name follows another district's name (武清开发区, 西青万达)."""
    landmark, (start, _) = anchor
    named = find_places(text[max(0, start - 4) : start])
    return bool(named) and landmark.district not in named


def _blank(text: str, span: tuple[int, int]) -> str:
    """The text with one span turned into spaces, so later readers skip it and offsets hold."""
    start, end = span
    return text[:start] + " " * (end - start) + text[end:]


def _age(text: str) -> tuple[int | None, tuple[int, int] | None]:
    """The seeker's age and where it is written: that figure is no pay (50多岁 is not 50/小时)."""
    for m in _AGE.finditer(text):
        name = next(g for g in ("near", "n", "o", "c", "e", "f") if m.group(g))
        value = parse_number(m.group(name))
        if value is None or not 16 <= value <= 90:
            continue
        return int(value) - (name == "near"), m.span(name)
    return None, None


def _gender(text: str) -> str | None:
    m = _GENDER.search(text)
    if m is None:
        return None
    said = m.group("a") or m.group("b") or m.group("c") or m.group("d")
    if said:
        return said
    return "女" if m.group("f") else "男"


def _benefits(text: str) -> tuple[str, ...]:
    return tuple(str(found.value) for found in find_benefits(text))


# In an English sentence "I" and "a" are words, not the form's letters I and A.
_ENGLISH_LETTER = re.compile(r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])")
# Three English words make the text English ("I am 62 years old": am, years, old), so its "I" is
# no category letter. Possessive and anchored at a word's start: linear (issue 17).
_ENGLISH_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}+")


def _categories(text: str) -> list[str]:
    if len(_ENGLISH_WORD.findall(text)) >= 3:
        text = _ENGLISH_LETTER.sub(" ", text)
    out = codes_in(text)
    ranked = classify(text)
    best = ranked[0][1] if ranked else 0.0
    for code, conf in ranked:
        if conf >= MIN_CATEGORY_CONFIDENCE and conf >= best / 2 and code not in out:
            out.append(code)
    return out


def _other(text: str) -> str | None:
    for m in _OTHER.finditer(text):
        job = m.group("job")
        if _GENERIC.match(job) or find_districts(job) or _names_a_field(job):
            continue
        if _FILLER_CHARS & set(job) or find_places(job) or find_landmark(job):
            continue
        if not _JOB_TITLE.search(job):  # a trade we do not list is named as a job title
            continue
        return job
    return None


def _names_a_field(job: str) -> bool:
    """Whether a would-be job name is a need, work form or education ("想创业", "想学技能")."""
    tables = (*_NEEDS, *((f.value, rx) for f, rx in _FORMS), *_EDUCATION)
    return any(rx.search(job) for _, rx in tables)


def _pay(text: str, daily_only: bool) -> tuple[Pay | None, bool]:
    match = find_pay(text)
    daily = daily_only or bool(_DAILY.search(text))
    if match is None or not (match.pay.known or match.pay.negotiable):
        return (Pay(unit=PayUnit.DAY, period="日结") if daily else None), False
    pay = match.pay
    if pay.negotiable:
        return pay, False
    low, high = pay.min, pay.max
    if low is not None and high == low:
        high = None  # "一天150": a floor, not a cap
    period = pay.period or ("日结" if daily and pay.unit == PayUnit.DAY else None)
    floor = Pay(min=low, max=high, unit=pay.unit, period=period)
    return floor, bool(_PAY_HARD.search(text))


def _max_km(text: str) -> float | None:
    if m := _KM.search(text):
        raw = m.group("n")
        pair = _PAIR.match(raw)
        value = float(_DIGIT.index(pair.group(2)) + 1) if pair else parse_number(raw)
        unit = m.group("u")
        if value is not None and unit.startswith("里"):
            value /= 2  # 一里 is half a kilometre
        elif value is not None and unit == "米":
            value /= 1000
        if value is not None and 0 < value <= 500:
            return value
    if m := _MINUTES.search(text):
        how = (m.group("how") or "") + (m.group("how2") or "")
        if how:
            n = 0.5 if m.group("n") == "半" else parse_number(m.group("n"))
            if n is not None and n > 0:
                hours = n if "小时" in m.group("u") else n / 60
                speed = WALK_KMH if ("走路" in how or "步行" in how) else RIDE_KMH
                return round(min(hours, 3.0) * speed, 1)
    if _NEAR.search(text):
        return NEAR_HOME_KM
    return None


def _work_form(text: str) -> WorkForm | None:
    hits = [(m.start(), form) for form, rx in _FORMS if (m := rx.search(text))]
    if not hits:
        return None
    if any(form == WorkForm.SELF for _, form in hits):
        return WorkForm.SELF
    return min(hits, key=lambda h: h[0])[1]


def _first_match(text: str, table: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    hits = [(m.start(), name) for name, rx in table if (m := rx.search(text))]
    return min(hits)[1] if hits else None
