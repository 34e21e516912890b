"""Single fields of a job post: phones, contact name, headcount, age, gender, benefits, work form.

Every finder takes normalised text (`normalize_text`: half-width digits, no emoji) and returns the
value with a confidence, or None when the post does not state it. They are pure and fast: a
2,000-character post runs through all of them in well under a millisecond each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matching.numbers import NUMBER_PATTERN, parse_number
from matching.phones import find_phone_spans


@dataclass(frozen=True, slots=True)
class Found:
    """A value found in the text with its confidence (0..1) and [start, end) span."""

    value: object
    confidence: float
    span: tuple[int, int]


# --- phones -------------------------------------------------------------------------------------


def find_phones(text: str) -> list[Found]:
    """Mobile, landline and 400 numbers however written (matching/phones.py), in order."""
    found: dict[str, Found] = {}
    for phone in find_phone_spans(text):
        confidence = 0.95 if phone.kind == "mobile" else 0.85
        found.setdefault(phone.value, Found(phone.value, confidence, phone.span))
    return list(found.values())


# --- contact name -------------------------------------------------------------------------------

# The 200 most common surnames, minus ones that are mostly everyday words in posts (车 in 货车师傅,
# 和 in 和平区, 时/成/全/明/应/商 …), which would make "货车师傅" a person.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
    "尤穆农司卓古吉缪简项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁"
    "沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝"
)
_TITLES = (
    "经理|先生|女士|小姐|老师|师傅|主管|总监|总|大姐|姐|哥|老板娘|老板|队长|班长|店长|院长|厂长|"
    "主任|科长|组长|阿姨"
)
_LABEL = r"(?:联系人|联系|负责人|找|请找|咨询|致电|电话|手机)\s*[:：]?\s*"
# A surname must start a word: after a label, punctuation, a space, a digit or the text's start.
_NAME_TITLE = re.compile(rf"(?:^|(?<=[^\u4e00-\u9fff])|{_LABEL})([{SURNAMES}](?:{_TITLES}))")
_NAME_LABELLED = re.compile(
    rf"联系人\s*[:：]\s*([{SURNAMES}][\u4e00-\u9fff]{{1,2}})(?![\u4e00-\u9fff])"
)
# "刘工" (engineer) only right after a label or a phone number: 高工资/包工头 are not people.
_NAME_GONG = re.compile(rf"(?:{_LABEL}|\d{{4}}\s*)([{SURNAMES}]工)(?![\u4e00-\u9fff])")


def find_contact_name(text: str) -> Found | None:
    """The contact person as posts name them: 王经理, 李姐, 陈师傅, or after 联系人：."""
    candidates: list[Found] = []
    for m in _NAME_LABELLED.finditer(text):
        candidates.append(Found(m.group(1), 0.9, m.span(1)))
    for m in _NAME_TITLE.finditer(text):
        candidates.append(Found(m.group(1), 0.8, m.span(1)))
    for m in _NAME_GONG.finditer(text):
        candidates.append(Found(m.group(1), 0.7, m.span(1)))
    if not candidates:
        return None
    return max(candidates, key=lambda f: (f.confidence, -f.span[0]))


# --- headcount ----------------------------------------------------------------------------------

# The number must start a digit run: without the look-behind a long run of digits is retried
# from every position inside it (quadratic; 4,096 digits took 8 s).
_HC_NUM = rf"(?<![\d.\-~])(?P<a>{NUMBER_PATTERN})(?:\s*[-~到至]\s*(?P<b>{NUMBER_PATTERN}))?"
# "8个" counts people only at the end of a clause ("男工8个"), never "3个月" or "2个小时".
HEADCOUNT = re.compile(
    rf"{_HC_NUM}\s*(?:名|位|个?人|个(?=$|[\s,，。;；!！]))(?![间团队宿份次座桌组以内])"
    r"(?!的(?:量|饭|餐)|用餐|就餐|吃饭)"  # "一天600人的量" is how many a cook feeds
    # "照顾一位80岁老人": the people a worker serves are not the ones hired
    r"(?!(?<=位)\d+岁|老人|老太|老爷|宝宝|孩子|小孩|患者|病人|客人|顾客)"
)
_HC_LABEL = re.compile(rf"(?:招聘人数|需求人数|人数|名额)\s*[:：]?\s*{_HC_NUM}")
_HC_ONE = re.compile(r"(?:找|招|要|需要|缺)(?:一)?个(?=[\u4e00-\u9fff]{2}|人)")
# A family hires one: a household job that states no number ("育儿嫂 住家 宝宝8个月"); an
# agency (家政公司) hiring for many families does not say how many.
_HC_HOUSEHOLD = re.compile(r"月嫂|育儿嫂|育婴嫂|住家保姆|住家阿姨|保姆|一家三口|家里老人")
_HC_AGENCY = re.compile(r"公司|中心|机构|中介|门店")
_HC_MANY = re.compile(r"若干|数名|多名|不限人数|大量|人数不限")
# Numbers of people that are not the headcount: company size, team, per-person rates.
_HC_NOT_BEFORE = re.compile(
    r"(?:员工|规模|团队|公司|现有|拥有|共有|超过|达到?|每|满|宿舍|住|房间)\s*$"
)
# "一人300", "一人150元": what each worker is paid, not how many are wanted.
_PER_HEAD = re.compile(r"一[个]?人\s?\d")
_HC_PLAUSIBLE = range(1, 10_000)  # mass hiring drives say 1500人


def find_headcounts(text: str) -> list[Found]:
    """Every "N名/N人" headcount statement in order (value = upper bound of a range)."""
    found: list[Found] = []
    covered = bytearray(len(text) + 1)  # characters inside a labelled count (linear, not any())
    for pattern in (_HC_LABEL, HEADCOUNT):
        for m in pattern.finditer(text):
            if covered[m.start()]:
                continue
            if pattern is HEADCOUNT and _HC_NOT_BEFORE.search(
                text[max(0, m.start() - 6) : m.start()]
            ):
                continue
            if m.start() and (text[m.start() - 1].isdigit() or text[m.start() - 1] in ".-~"):
                continue
            if _PER_HEAD.match(text, m.start()):
                continue
            value = parse_number(m.group("b") or m.group("a"))
            if value is None or int(value) != value or int(value) not in _HC_PLAUSIBLE:
                continue
            confidence = 0.9 if pattern is _HC_LABEL else 0.85
            found.append(Found(int(value), confidence, m.span()))
            if pattern is _HC_LABEL:
                covered[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    found.sort(key=lambda f: f.span)
    return found


def find_headcount(text: str) -> Found | None:
    """The headcount of a single-job text: "招4人", "10名", "3-5人" (→ 5), "找个…" or a
    household job with no number (→ 1)."""
    counts = find_headcounts(text)
    if counts:
        return counts[0]
    m = _HC_ONE.search(text)
    if m:
        return Found(1, 0.6, m.span())
    m = _HC_HOUSEHOLD.search(text)
    if m and not many_wanted(text) and not _HC_AGENCY.search(text):
        return Found(1, 0.5, m.span())
    return None


def many_wanted(text: str) -> bool:
    """Whether the post says 若干/多名 instead of a number (the headcount is then not asked)."""
    return _HC_MANY.search(text) is not None


# --- age ----------------------------------------------------------------------------------------

_AGE_N = rf"(?:\d{{2}}|[{''.join('一二三四五六七八九十')}]{{2,3}})"
_AGE_RANGE = re.compile(
    rf"(?:(?:年龄|限|要求)\s*[:：]?\s*)?(?P<lo>{_AGE_N})\s*(?:周?岁)?\s*[-~到至]\s*(?P<hi>{_AGE_N})\s*(?P<sui>周?岁)?"
)
_AGE_MAX = re.compile(
    rf"(?:(?:不超过|不大于|不高于|小于)\s*(?P<a>{_AGE_N})\s*周?岁)"
    rf"|(?:(?P<b>{_AGE_N})\s*周?岁\s*(?:以下|以内|之内|内|下))"
)
_AGE_MIN = re.compile(
    rf"(?:年满\s*(?P<a>{_AGE_N})\s*周?岁)|(?:(?P<b>{_AGE_N})\s*周?岁\s*(?:以上|及以上))"
)
_AGE_OK = range(14, 76)


def find_age(text: str) -> tuple[Found | None, Found | None]:
    """(age_min, age_max) stated as 18-50岁, 年龄18-45, 45岁以下 or 年满18周岁."""
    for m in _AGE_RANGE.finditer(text):
        labelled = m.group(0).startswith(("年龄", "限", "要求"))
        if not (m.group("sui") or labelled):
            continue
        lo, hi = parse_number(m.group("lo")), parse_number(m.group("hi"))
        if lo is None or hi is None or not (int(lo) in _AGE_OK and int(hi) in _AGE_OK and lo < hi):
            continue
        return Found(int(lo), 0.9, m.span()), Found(int(hi), 0.9, m.span())
    low: Found | None = None
    high: Found | None = None
    if m2 := _AGE_MAX.search(text):
        value = parse_number(m2.group("a") or m2.group("b"))
        if value is not None and int(value) in _AGE_OK:
            high = Found(int(value), 0.85, m2.span())
    if m3 := _AGE_MIN.search(text):
        value = parse_number(m3.group("a") or m3.group("b"))
        if value is not None and int(value) in _AGE_OK:
            low = Found(int(value), 0.85, m3.span())
    return low, high


# --- gender -------------------------------------------------------------------------------------

ANY_GENDER = "男女不限"
_ANY = re.compile(
    r"男女不限|不限男女|男女均可|男女皆可|性别不限|男女都(?:可|行|要)|不限性别|男女老少"
)
_MALE = re.compile(
    r"限男|仅限男|只要男|男性|男工|男生|(?:^|(?<=[\s,，;；:：]))男(?=$|[\s,，;；.。\d]|优先)"
)
_FEMALE = re.compile(
    r"限女|仅限女|只要女|女性|女工|女生|(?:^|(?<=[\s,，;；:：]))女(?=$|[\s,，;；.。\d]|优先)"
)
_FEMALE_HINT = re.compile(r"阿姨|大姐")  # 宝妈 welcomes mothers; it restricts nobody


def find_gender(text: str) -> Found | None:
    """男, 女 or 男女不限 as a requirement; 阿姨/大姐 hint at 女 with a low confidence (王女士 is a
    contact). A preference (女工优先) is no requirement: see `find_gender_preference`."""
    if m := _ANY.search(text):
        return Found(ANY_GENDER, 0.95, m.span())
    male, female = _required(_MALE, text), _required(_FEMALE, text)
    if male and female:
        return Found(
            ANY_GENDER, 0.5, (min(male.start(), female.start()), max(male.end(), female.end()))
        )
    if male:
        return Found("男", 0.85, male.span())
    if female:
        return Found("女", 0.85, female.span())
    if _preferred(_FEMALE, text) or _preferred(_MALE, text):
        return None  # "女工优先": said as a preference, so nobody is excluded
    if m := _FEMALE_HINT.search(text):
        return Found("女", 0.5, m.span())
    return None


def find_gender_preference(text: str) -> Found | None:
    """The gender a post prefers without requiring it ("女工优先", "男性优先"): shown, never
    used to exclude anyone (就业促进法 art. 27, 妇女权益保障法 art. 43 bar gender limits)."""
    if _ANY.search(text) or _required(_MALE, text) or _required(_FEMALE, text):
        return None
    for value, pattern in (("女", _FEMALE), ("男", _MALE)):
        if m := _preferred(pattern, text):
            return Found(value, 0.8, m.span())
    return None


def _is_preference(text: str, end: int) -> bool:
    return "优先" in text[end : end + 3]


def _required(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if not _is_preference(text, m.end())), None)


def _preferred(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if _is_preference(text, m.end())), None)


# --- benefits -----------------------------------------------------------------------------------

# ONE benefit vocabulary for posts and seekers, so matching compares like with like: each name
# is one thing a worker gets (包吃, 包住, 五险 …), as independent labellers write them.
# 包吃住 is 包吃 + 包住, 包午饭 and 管两顿饭 are 包吃, 五险一金 is 五险 + 公积金.
# Canonical names ← the ways posts and seekers write them. Order matters: longer forms first.
_BENEFITS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("包吃", "包住"),
        r"包吃住|包吃包住|管吃住|管吃管住|吃住全包|包食宿|提供食宿|免费食宿|食宿全包|有吃有住|"
        r"管吃又管住|吃住免费|提供吃住|吃住都管|吃住都包|供吃供住|供吃住|"
        r"(?i:food\s+and\s+(?:accommodation|lodging|housing)|room\s+and\s+board|board\s+and\s+lodging)",
    ),
    (
        ("包吃",),
        r"包午饭|包午餐|包中午饭|管午饭|管午餐|管中午饭|中午管饭|管一顿饭|包工作餐|工作餐|员工餐|"
        r"包吃|管饭|包饭|包三餐|管吃|供餐|提供餐|供吃|供饭|[包管]伙食|"
        r"[管包供](?:中午|早上|晚上)?[一两三1-3]顿饭?|[管包供][两三2-3]餐|"
        r"(?i:free\s+meals?|free\s+food|meals?\s+(?:provided|included))",
    ),
    (
        ("包住",),
        r"包住|(?:提供|免费|带|有|包|能)住宿|(?:有|带|住|提供)(?:员工)?宿舍|包宿|管住|供住|"
        r"有住的地方|有地方住|提供住的|有住处|提供住处|住厂里|"
        r"(?i:accommodation|housing|dormitory|\bdorm\b|place\s+to\s+stay)",
    ),
    (("五险", "公积金"), r"五险一金|六险一金"),
    (
        ("五险",),
        r"五险|缴纳社保|交社保|上社保|买社保|有社保|[交缴上买有]保险|(?i:social\s+insurance)",
    ),
    (("公积金",), r"公积金"),
    (("商业保险",), r"商业保险|意外险"),
    (("交通补贴",), r"交通补贴|交通补助|车补|路费补贴|报销路费"),
    (("餐补",), r"餐补|饭补|餐费补贴|伙食补贴"),
    (("住房补贴",), r"住房补贴|房补|租房补贴"),
    (("话补",), r"话补|通讯补贴"),
    (("高温补贴",), r"高温补贴|高温费"),
    (("班车",), r"班车|车接车送|接送"),
    (("双休",), r"双休|周末休息"),
    (("带薪年假",), r"带薪年假|带薪休假"),
    (("年终奖",), r"年终奖|年底双薪"),
    (("全勤奖",), r"全勤奖|全勤"),
    (("加班费",), r"加班费|加班工资"),
    (("节日福利",), r"节日福利|过节费|节假日福利"),
    (("提供工作服",), r"提供工作服|发工作服|统一着装"),
    (("带薪培训",), r"带薪培训|免费培训"),
)
# 不包吃住, 不提供住宿, 不用管饭, 没有宿舍: a benefit said not to be wanted or given; 有没有社保
# asks for it.
_BENEFIT_RES = tuple(
    (
        names,
        re.compile(
            rf"(?<!不)(?<!不提)(?<!不提供)(?<!不用)(?<!不需要)(?<!无需)(?:(?<!没)(?<!没有)|(?<=有没)|(?<=有没有))(?:{pattern})"
        ),
    )
    for names, pattern in _BENEFITS
)


def find_benefits(text: str) -> list[Found]:
    """Benefits offered or wanted (包吃, 包住, 五险, 交通补贴 …), canonical names, text order."""
    found: dict[str, Found] = {}
    taken: list[tuple[int, int]] = []
    for names, pattern in _BENEFIT_RES:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append(m.span())
            for name in names:
                found.setdefault(name, Found(name, 0.9, m.span()))
    return sorted(found.values(), key=lambda f: f.span)


# --- work form ----------------------------------------------------------------------------------

FULL_TIME, PART_TIME, GIG = "全职", "兼职", "零工"
_FORMS = (
    (re.compile(r"全职"), FULL_TIME, 0.9),
    (re.compile(r"兼职"), PART_TIME, 0.9),
    (
        re.compile(
            r"零工|临时工|临时|小时工|钟点工|短期工|短工|散工|日结|现结|当天结|当晚结|干完就结|日付|"
            r"一天一结|[干做]一天结一天"
        ),
        GIG,
        0.75,
    ),
    (re.compile(r"长期稳定|长期工|长期招|稳定长期"), FULL_TIME, 0.6),
)


def find_work_form(text: str) -> Found | None:
    """全职 / 兼职 / 零工 when the post says so (日结 and 临时 mean 零工); None otherwise."""
    for pattern, form, confidence in _FORMS:
        if m := pattern.search(text):
            return Found(form, confidence, m.span())
    return None


# --- employer identity --------------------------------------------------------------------------

_EMPLOYER = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{2,20}?(?:有限公司|公司|集团|酒店|饭店|餐厅|餐馆|超市|工厂|厂|医院|养老院|"
    r"学校|物业|门店|店|中心|农家院|工地|仓库|站点|律所|商场|养殖场)"
)


def find_employer(text: str) -> Found | None:
    """A named workplace (某某有限公司, 百果园门店, 河北区养老院): the poster's identity."""
    m = _EMPLOYER.search(text)
    if m is None:
        return None
    name = m.group(0)
    return Found(name, 0.8 if "公司" in name else 0.6, m.span())


# --- address ------------------------------------------------------------------------------------

_ADDRESS_LABEL = re.compile(
    r"(?:工作地点|上班地点|工作地址|集合地点|集合地|详细地址|地址|地点|位置)\s*[:：]\s*"
    r"(?P<a>[^\n,，。;；!！]{2,60})"
)
# A space-separated word that is no longer the address: pay, contact, hiring, a long number.
_NOT_ADDRESS = re.compile(
    r"日结|周结|月薪|时薪|工资|薪|电话|联系|手机|微信|招|聘|包吃|包住|\d{5,}"
)
_CLAUSE_END = re.compile(r"[\s,，。;；!！:：、()（）\d]|招|聘|找|需|急|要|有|的")
# The last character of a place (路 街 镇 村 园 厂 楼 …): "友谊路写字楼" is an address, "搬家"
# is not.
_PLACE_END = frozenset(
    "路街道镇村园厂楼区厦场心站港号店院里庄桥门湾城苑府近口营堡沽屯坨坊寺窝青埠"
)


def find_labelled_address(text: str) -> Found | None:
    """An address given after 地址/工作地点/集合地点."""
    m = _ADDRESS_LABEL.search(text)
    if m is None:
        return None
    words: list[str] = []
    for word in m.group("a").split():
        if _NOT_ADDRESS.search(word):
            break
        words.append(word)
    value = " ".join(words)[:40]
    start = m.start("a")
    return Found(value, 0.85, (start, start + len(value))) if len(value) >= 2 else None


def find_address(text: str, district: str, rest: str | None) -> str | None:
    """The place right after the district ("西青区张家窝", "河西区友谊路写字楼"), if named."""
    if not rest:
        return None
    end = _CLAUSE_END.search(rest)
    clause = rest[: end.start()] if end else rest
    clause = clause[:20]
    if len(clause) < 2 or clause[-1] not in _PLACE_END:
        return None
    return clause if clause.startswith(district) else district + clause
