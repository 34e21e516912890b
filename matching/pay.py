"""Pay stated in free text ("日结180", "5-8K·13薪", "底薪3000+提成", "时薪20") as a `Pay` value.

Every number in the text is a candidate; the words around it decide whether it is pay (元, 月薪,
/天, 日结 …) or something else (18-50岁, 招10人, 7点, 12月3日, 3年经验, a phone number), and which
unit it is in. Candidates carry a confidence so the caller can pick the best one or keep them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from matching.numbers import NUMBER_PATTERN, parse_number
from models.values import Pay, PayUnit

# Length-preserving fold (full-width ASCII → ASCII, wave dashes → "~"), so spans index the input.
_FOLD = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
        "〜": "~",
        "—": "-",
        "–": "-",
        "－": "-",
        "\u3000": " ",
    }
)

_CN_RANGE = r"(?P<r1>[一二两三四五六七八])(?P<r2>[二三四五六七八九])(?P<ru>[十百千万])"
_VALUE = re.compile(
    rf"{_CN_RANGE}|(?P<a>{NUMBER_PATTERN})"
    rf"(?:\s*[元块]?\s*(?:-{{1,2}}|~|到|至)\s*(?P<b>{NUMBER_PATTERN}))?"
)

# What follows a number that makes it something other than pay: ages, headcounts, dates, times,
# durations, sizes, distances, percentages, bonus months (13薪), floors and house numbers.
_NOT_PAY_AFTER = re.compile(  # not across a line break: "月薪3500\n单休", "七千五\n天车工"
    r"[^\S\n]*(?:周?岁|名|人|位|个(?!/)|号|点|:\d|楼|层|室|栋|单元|路|公里|km|KM|米|m(?![a-z])|"
    r"kg|斤|公斤|吨|平|%|分钟|分|秒|小时|钟头|天(?!薪)|日(?![薪结])|月(?![薪结])|年(?![薪])|"
    r"周(?![薪结])|届|级|批|期|次|倍|cm|厘米|寸|薪|险|班倒|班制|休|晚|小?时[制工]|"
    r"[件单箱份只台趟]|[、)）]|\.(?!\d)|[a-zA-Z]{2})"
)
# What precedes a number that is not pay: age, phone, dates, clock times, ids, ordinal 第.
_NOT_PAY_BEFORE = re.compile(
    r"(?:年龄|岁数|身高|体重|电话|手机|微信|qq|QQ|vx|VX|尾号|工号|编号|邮编|面积|第|时间|早|(?<![一每])晚|休|"
    r"上午|下午|\d[:.]|(?<![Rr][Mm])[a-zA-Z_])\s*[:：]?\s*$"
)
# Money paid *to* the poster, or pay on top of the base (overtime, bonus): never the stated pay.
_NOT_BASE = re.compile(
    r"押金|培训费|服装费|体检费|介绍费|中介费|报名费|资料费|工本费|保证金|补贴|补助|奖|"
    r"[餐饭房话车油电交]补|全勤|加班费|绩效|奖励|报销|年终|提成(?!\s*$)|指标|业绩|任务|"
    r"营业额|销售额|流水|预支|借支|贷款|额度|注册资本|融资|费|过节|慰问|津贴|自理|礼金|红包|"
    r"福利|加班|美元|美金|涨幅|涨薪|加薪|调薪"
)
_NOT_PAY_UNIT = re.compile(
    r"\s*(?:/|每|一)\s*(?:平|㎡|m2|米|公里|km|人|位|餐|顿|家|户|张|间|斤|公斤|kg|吨|瓶|盒|卡|套)"
)
_EXTRA_AFTER = re.compile(  # same line only: "5K-1w/月\n奖金福利：…" is pay, then a heading
    r"[^\S\n]*(?:岗位|职位|交通|出差|高温|夜班|全勤|住房|工龄|[餐饭房话油车])?"
    r"(?:补贴|补助|津贴|补|奖金|奖|费|押金|红包|自理)"
)
_K_NOT_PAY_AFTER = re.compile(
    r"\s*(?:视频|屏|高清|分辨率|显示|电视|直播|画质|像素|超清)|[+多]?(?:人|名|位|个|次|粉|条|张|家|户|米)"
)
_LEADING_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_MONEY_AFTER = re.compile(r"\s*(?:元|块钱|块|rmb|RMB|人民币)")
_MODIFIER_AFTER = re.compile(r"\s*(?P<m>以上|起步|起|\+|多|往上|左右|上下|以下|以内|封顶|不等)")
_UNIT_AFTER = re.compile(
    r"\s*(?:/|每|一|每一|每个|一个|1个|1)\s*"
    r"(?P<u>个月|月|天|日|工|小时|钟头|时|h|H|件|单|箱|趟|份|只|台|次|周|星期|年|晚|班)"
)
_UNIT_WORDS = {
    "个月": "month",
    "月": "month",
    "天": "day",
    "日": "day",
    "工": "day",
    "晚": "day",
    "班": "day",
    "小时": "hour",
    "钟头": "hour",
    "时": "hour",
    "h": "hour",
    "H": "hour",
    "周": "week",
    "星期": "week",
    "年": "year",
}  # anything else after "/" or 每 (件 单 箱 趟 份 只 台) is piece-rate
_KEYWORD_BEFORE = re.compile(
    r"月薪|月工资|月收入|月入|月综合薪资|月综合|综合月薪|底薪|保底|基本工资|基本薪资|"
    r"综合工资|综合薪资|综合收入|综合|实发|试用期|转正后|转正|月均薪资|月均收入|月均|工资|薪资|"
    r"一般能拿|一般|能拿|可拿|可达|平均|实习补贴|见习补贴|实习工资|"
    r"一个月到手|每月到手|月到手|一个月|每个月|每月|每人|一人|一趟|每趟|一车|每车|一吨|每吨|一个钟|每个钟|一钟|日入|一平米|一平方|一平|每平米|每平方|每平|"
    r"薪水|薪酬|待遇|收入|到手|税前|税后|日薪|日工资|日结|天薪|一天|每天|每日|一日|一晚|每晚|时薪|"
    r"小时工资|每小时|一小时|小时|年薪|年收入|计件|按件|每件|一件|每单|一单|周薪|[¥￥]|RMB|rmb"
)
_KEYWORD_UNIT = {
    "日薪": "day",
    "日工资": "day",
    "日结": "day",
    "天薪": "day",
    "一天": "day",
    "每天": "day",
    "每日": "day",
    "一日": "day",
    "一晚": "day",  # a night shift's pay (一晚200)
    "每晚": "day",
    "时薪": "hour",
    "小时工资": "hour",
    "每小时": "hour",
    "一小时": "hour",
    "小时": "hour",
    "年薪": "year",
    "年收入": "year",
    "计件": "piece",
    "按件": "piece",
    "每件": "piece",
    "一件": "piece",
    "每单": "piece",
    "一单": "piece",
    "周薪": "week",
    "月薪": "month",
    "月工资": "month",
    "月收入": "month",
    "月入": "month",
    "月综合": "month",
    "底薪": "month",
    "保底": "month",
    "基本工资": "month",
    "基本薪资": "month",
    "月综合薪资": "month",
    "综合月薪": "month",
    "月均薪资": "month",
    "月均收入": "month",
    "月均": "month",
    "一个月到手": "month",
    "每月到手": "month",
    "月到手": "month",
    "一个月": "month",
    "每个月": "month",
    "每月": "month",
    "日入": "day",
    "一人": "day",  # "一人150，搬完就给钱": a gig's pay per person
    "每人": "day",
    "一趟": "piece",  # a trip, a truckload, a tonne: piece rates of haulage and loading
    "每趟": "piece",
    "一车": "piece",
    "每车": "piece",
    "一吨": "piece",
    "每吨": "piece",
    "一个钟": "piece",  # a massage 钟 is one session
    "每个钟": "piece",
    "一钟": "piece",
    "一平米": "piece",  # 刮大白 "按平米算，一平十二块": paid by the square metre
    "一平方": "piece",
    "一平": "piece",
    "每平米": "piece",
    "每平方": "piece",
    "每平": "piece",
}  # the rest (工资 薪资 待遇 收入 到手 ¥ …) say "pay" without a unit
# Which figure a word introduces: the guaranteed base (底薪3000+提成) or what a worker
# typically earns (综合4500-6000, 一般能拿6500). The earnings are the offer; the base is kept.
BASE, EARNINGS = "base", "earnings"
_ROLES = {
    **dict.fromkeys(("底薪", "保底", "基本工资", "基本薪资"), BASE),
    **dict.fromkeys(
        ("综合", "综合工资", "综合薪资", "综合收入", "月综合", "月综合薪资", "综合月薪",
         "一个月到手", "每月到手", "月到手",
         "月均薪资", "月均收入", "月均",
         "到手", "一般能拿", "一般", "能拿",
         "可拿", "可达", "平均"),
        EARNINGS,
    ),
}  # fmt: skip
# An intern's or trainee's 补贴 is their pay ("实习补贴一天150"), not an extra on top of it.
_TRAINEE_PAY = re.compile(r"实习补贴|见习补贴")
_TRAINEE = re.compile(r"实习生|见习生|实习岗|见习岗|招.{0,6}实习")
# A label that names pay and benefits together ("福利待遇：月薪8K-15K"): its 福利 is no extra.
_PAY_LABEL = re.compile(r"薪[资酬]福利|福利[资]?待遇")
# "仓库拣货员 20名 4500-5500": a figure right after a job's headcount is that job's pay.
_HEADCOUNT_BEFORE = re.compile(r"\d+\s*[名人位][\s,，]*(?:男|女|男女不限)?\s*$")
# "4小时160元": the pay of a 4-hour shift, so a day rate, not 160 an hour.
_SHIFT_HOURS_BEFORE = re.compile(r"\d+(?:\.\d)?\s*个?小时\s*[:：]?\s*$")
# "两百一天" is 200 a day, not 210 then 天: a 一 after a round figure, before a unit, is "per".
_SPOKEN_PER = re.compile(r"(?<=[百千万])一(?=天|个月|月|小时|晚|周|年|趟|车|单|件)")
_ASIDE = re.compile(r"\s*[(（][^()（）\n]{1,8}[)）]\s*")
_CLAUSE_BREAK = re.compile(r"[;；。\n!！?？,，)）]")
_MIN_BEFORE = re.compile(r"(?:不低于|不少于|最低|至少|起薪|保底|高于|起码)\s*[:：]?\s*$")
_MAX_BEFORE = re.compile(r"(?:最高|不超过|最多|高达|上限|封顶)\s*[:：]?\s*$")
_PERIOD = re.compile(
    r"(日结|当天结|当日结|当晚结|现结|日付|一天一结|天天结|[干做]一天结一天|周结|月结|完工结|"
    r"做完结|干完结|[干做搬]完就[结给])"
)
_PERIOD_NAME = {
    "周结": "周结",
    "月结": "月结",
    "完工结": "完工结",
    "做完结": "完工结",
    "干完结": "完工结",
    "干完就结": "完工结",
    "干完就给": "完工结",
    "做完就结": "完工结",
    "做完就给": "完工结",
    "搬完就结": "完工结",
    "搬完就给": "完工结",
}
_NEGOTIABLE = re.compile(r"(?:薪资|工资|薪酬|待遇|薪水)?\s*(?:面议|面谈|详谈)")
_PIECE_WORD = re.compile(r"计件|按件|多劳多得|按量计")

# Plausible ranges per unit; a figure outside them is another kind of number (from 48k real posts:
# monthly pay 1,000-150,000, day rates 80-1,000, hourly 12-200).
_BOUNDS = {
    PayUnit.MONTH: (500.0, 500_000.0),
    PayUnit.DAY: (30.0, 5_000.0),
    PayUnit.HOUR: (5.0, 1_000.0),
    PayUnit.PIECE: (0.01, 5_000.0),
    PayUnit.YEAR: (6_000.0, 6_000_000.0),
}
_UNITS = {
    "month": PayUnit.MONTH,
    "day": PayUnit.DAY,
    "hour": PayUnit.HOUR,
    "piece": PayUnit.PIECE,
    "year": PayUnit.YEAR,
}
WEEKDAYS = 5.0  # a 周薪 is spread over five working days (21.75 days / 4.35 weeks)
# Scores: 0.3 for a number, + 0.4 unit after (元/天) | 0.35 unit word before (月薪, 日结) | 0.3 K,
# + 0.15 money sign, + 0.15 pay word, + 0.05 range or 以上, + 0.3 when the text is only the figure.
MIN_CONFIDENCE = 0.45  # a bare "3000-4500" inside a long post (0.35) is not taken as pay
_FILLER = re.compile(
    r"[\s\W_]|期望|希望|要求|最好|左右|大概|差不多|以上|以下|起|元|块|工资|薪资|我"
)


@dataclass(frozen=True, slots=True)
class PayMatch:
    """One pay expression: the value, how sure we are (0..1) and its [start, end) span."""

    pay: Pay
    confidence: float
    span: tuple[int, int]
    role: str | None = None  # BASE, EARNINGS or None (a plain figure)
    base: float | None = None  # the guaranteed base stated beside an earnings figure
    typical: float | None = None  # "一般5000" stated beside a range


def choose_offer(matches: list[PayMatch]) -> PayMatch | None:
    """The pay a posting offers a typical worker, which push rules compare to a seeker's floor.

    The most credible figure, except that a base (底薪3000+提成) gives way to the earnings the
    post states (综合4500-6000), the base kept in `base`; a range beats a lone typical figure
    inside it (月薪4000-6000，一般5000), kept in `typical`.
    """
    figures = [m for m in matches if m.pay.min is not None or m.pay.max is not None]
    if not figures:
        return None
    best = max(figures, key=lambda m: (m.confidence, -m.span[0]))
    earnings = [m for m in figures if m.role == EARNINGS and m.pay.unit == best.pay.unit]
    # "保底5000+提成 … 月薪2-3万": with no earnings word, a range above the base is the earnings.
    above = [
        m
        for m in figures
        if m.role is None
        and m.pay.unit == best.pay.unit
        and m.pay.min is not None
        and m.pay.max is not None
        and (best.pay.min or 0.0) <= m.pay.min < m.pay.max
    ]
    if best.role == BASE and (earnings or above):
        offer = max(earnings or above, key=lambda m: (m.pay.max or m.pay.min or 0.0, -m.span[0]))
        if (offer.pay.max or offer.pay.min or 0.0) > (best.pay.min or 0.0):
            return replace(offer, base=best.pay.min, confidence=best.confidence)
    typical = [m.pay.min for m in earnings if m.pay.min is not None and m.pay.min == m.pay.max]
    ranges = [
        m
        for m in figures
        if m.role != EARNINGS
        and m.pay.unit == best.pay.unit
        and m.pay.min is not None
        and m.pay.max is not None
        and m.pay.min < m.pay.max
    ]
    for r in [best, *ranges] if best in ranges else ranges:
        low, high = r.pay.min or 0.0, r.pay.max or 0.0
        inside = [v for v in typical if low <= v <= high]
        if inside:
            return replace(r, typical=inside[0], confidence=max(r.confidence, best.confidence))
    return best


def find_pay(text: str) -> PayMatch | None:
    """The most credible pay statement in `text` (figures beat 面议/计件); None if none."""
    matches = _candidates(text.translate(_FOLD))
    if not matches:
        return None
    return max(matches, key=lambda m: (m.confidence, -m.span[0]))


def find_all_pay(text: str) -> list[PayMatch]:
    """All pay statements in order of appearance, for messages that list several jobs."""
    return sorted(_candidates(text.translate(_FOLD)), key=lambda m: m.span)


def pay_floor_ratio(offer: Pay, floor: Pay) -> float | None:
    """How the offer compares with a seeker's floor (1.0 = exactly the floor); None when unknown.

    Uses the middle of the offered range against the floor's lower bound, in monthly terms; two
    piece rates compare directly.
    """
    if not offer.known or not floor.known:
        return None
    if offer.unit == PayUnit.PIECE or floor.unit == PayUnit.PIECE:
        if offer.unit != floor.unit:
            return None
        low, high = _bounds(offer)
        base = floor.min if floor.min is not None else floor.max
        return None if not base else (low + high) / 2 / base
    lo, hi, base_m = offer.monthly("min"), offer.monthly("max"), floor.monthly("min")
    if lo is None or hi is None or not base_m:
        return None
    return (lo + hi) / 2 / base_m


def _bounds(pay: Pay) -> tuple[float, float]:
    low = pay.min if pay.min is not None else pay.max
    high = pay.max if pay.max is not None else pay.min
    return float(low or 0.0), float(high or 0.0)


def _candidates(text: str) -> list[PayMatch]:
    text = _SPOKEN_PER.sub("/", text)  # length-preserving: spans still index the input
    found: list[PayMatch] = []
    for m in _VALUE.finditer(text):
        match = _figure(text, m)
        if match is not None and match.confidence >= MIN_CONFIDENCE:
            found.append(match)
    found.extend(_markers(text, found))
    return found


def _values(m: re.Match[str], money: bool) -> tuple[float, float | None] | None:
    if m.group("r1"):  # 三四千 = 3000-4000
        unit = parse_number("一" + m.group("ru")) or 1.0
        lo = parse_number(m.group("r1")) or 0.0
        hi = parse_number(m.group("r2")) or 0.0
        return (lo * unit, hi * unit) if hi == lo + 1 else None
    a_txt, b_txt = m.group("a"), m.group("b")
    if a_txt.isdigit() and len(a_txt) >= 7:
        return None  # phone numbers, ids and dates run to 7+ digits; 100万+/月 is not our market
    if len(a_txt) == 1 and not a_txt.isdigit() and b_txt is None and not money:
        return None  # a lone 一/五 is 一天, 五险 … not a figure, unless "五元"
    a = parse_number(a_txt)
    if a is None:
        return None
    if b_txt is None:
        return a, None
    b = parse_number(b_txt)
    if b is None:
        return None
    # "5-8K", "1-1.5万": the multiplier written once applies to both ends.
    lead = _LEADING_FIGURE.match(b_txt)
    if a_txt.replace(".", "").isdigit() and lead is not None and float(lead.group()) > 0:
        scale = b / float(lead.group())
        if scale > 1 and a * scale <= b:
            a *= scale
    return (a, b) if a <= b else (b, a)


def _figure(text: str, m: re.Match[str]) -> PayMatch | None:
    start, end = m.span()
    before, after = text[max(0, start - 10) : start], text[end : end + 16]
    magnitude = (m.group("b") or m.group("a") or "")[-1:] in ("k", "K", "w", "W")
    if _NOT_PAY_BEFORE.search(before[-6:]) or (not magnitude and _NOT_PAY_AFTER.match(after)):
        return None  # "15-25K、每月…", "(6K-12K)", "5-6k 年龄30-45": K makes it money
    if magnitude and _K_NOT_PAY_AFTER.match(after):
        return None  # 4K视频, 8K屏: a resolution; 1k人, 10w粉: a count
    if start and text[start - 1].isdigit():
        return None
    # Suffix context: 元, modifiers and the unit, in whatever order people write them.
    money, unit, modifier, pos = False, None, None, 0
    spaced_unit = False  # "每天150元 每周至少3天": a unit after a space may start the next clause
    for _ in range(4):
        if mm := _MONEY_AFTER.match(after, pos):
            money = True
        elif mm := _MODIFIER_AFTER.match(after, pos):
            modifier = mm.group("m")
        elif (mm := _UNIT_AFTER.match(after, pos)) and unit is None:
            unit = _UNIT_WORDS.get(mm.group("u"), "piece")
            spaced_unit = mm.group()[:1].isspace()
        else:
            break
        pos = mm.end()
    if _NOT_PAY_UNIT.match(after, pos):
        return None  # 1500元每平方, 4-8元一餐: prices, not pay
    values = _values(m, money)
    if values is None:
        return None
    low, high = values
    score = 0.3
    end += pos
    keyword = None
    for km in _KEYWORD_BEFORE.finditer(before):
        keyword = km.group()
        gap = before[km.end() :]
    if keyword is not None and _ASIDE.fullmatch(gap):
        gap = ""  # "月嫂一个月（26天）12000起": an aside between the word and its figure
    if keyword is not None and (len(gap) > 6 or _CLAUSE_BREAK.search(gap)):
        keyword = None  # "每一件事；5、…": the word belongs to another clause
    clause = _CLAUSE_BREAK.split(before)[-1]
    if _ROLES.get(keyword or "") == EARNINGS:
        clause = clause[clause.rfind(keyword or "") :]  # "底薪3000+提成 一般能拿6000"
    clause = _PAY_LABEL.sub("", _TRAINEE_PAY.sub("", clause))
    if _TRAINEE.search(text):
        clause = clause.replace("补贴", "")  # an intern's "补贴120元/天" is their pay
    if _NOT_BASE.search(clause) or _EXTRA_AFTER.match(after, pos):
        return None  # "押金200", "餐补300", "1640岗位补贴"; but "底薪5000+绩效" is base pay
    bounded_before = _MIN_BEFORE.search(before) or _MAX_BEFORE.search(before)
    suffix = (m.group("b") or m.group("a") or "")[-1:]
    if unit is not None and spaced_unit and keyword in _KEYWORD_UNIT:
        unit = _KEYWORD_UNIT[keyword]  # the unit the figure was introduced with wins
        score += 0.35
    elif unit is not None:
        score += 0.4
    elif keyword in _KEYWORD_UNIT:
        unit = _KEYWORD_UNIT[keyword]
        if keyword == "小时" and _SHIFT_HOURS_BEFORE.search(before):
            unit = "day"
        score += 0.35
    elif suffix in ("k", "K", "w", "W", "万", "千"):
        # "5-8K" is monthly pay; a lone "4K" or "1.2w" may be a screen or a count: counts less.
        unit = "year" if (high or low) >= 100_000 else "month"  # 18-24W is a yearly figure
        # A lone "5k" ends its phrase ("5k 包吃住", "5k以上"); "93K测试机" is a model number.
        ends = pos > 0 or not after[:1] or not ("\u4e00" <= after[0] <= "\u9fff")
        score += 0.3 if m.group("b") else (0.2 if suffix in "kKwW" and ends else 0.1)
    if money or keyword in ("¥", "￥", "RMB", "rmb"):
        score += 0.15
    if keyword is not None and keyword not in ("¥", "￥", "RMB", "rmb"):
        score += 0.15
    if keyword == "试用期":
        score -= 0.2  # "试用期5k，转正6k-8k": the pay after probation is the offer
    if modifier or bounded_before:
        score += 0.05
    if _HEADCOUNT_BEFORE.search(before) and (high is not None or low >= 1000):
        score += 0.15
    standalone = _standalone(text, start, end)
    if standalone:
        score += 0.3  # the whole message is this figure: an answer to "期望薪酬?"
    if unit is None:
        # No unit stated: guess from magnitude (day rates 80-1,000, monthly 1,000+, yearly from
        # 100,000). Small bare figures in posts are meal prices and fares, so an hourly rate is
        # only guessed when the figure is the whole answer ("20").
        top = high or low
        if top >= 100_000:
            unit = "year"
        elif low >= 1000:
            unit = "month"
        elif low >= 80:
            unit = "day"
        elif standalone:
            unit = "hour"
        else:
            return None
    if high is not None:
        score += 0.05
    if unit == "week":
        low, high = low / WEEKDAYS, (high / WEEKDAYS if high is not None else None)
        unit = "day"
    if unit == "piece" and low >= 1000 and not _UNIT_AFTER.match(after):
        unit = "month"  # 计件工资6000-8000: monthly earnings of a piece-rate job
    pay_unit = _UNITS[unit]
    lo_ok, hi_ok = _BOUNDS[pay_unit]
    if not lo_ok <= low <= hi_ok or (high is not None and high > hi_ok):
        return None
    low_out: float | None = round(low, 2)
    high_out = round(high, 2) if high is not None else low_out
    if high is None:
        if modifier in ("以上", "起", "起步", "+", "多", "往上") or _MIN_BEFORE.search(before):
            high_out = None
        elif modifier in ("以下", "以内", "封顶") or _MAX_BEFORE.search(before):
            low_out = None
    window = text[max(0, start - 12) : end + 12]
    period = _period(window)
    if period == "日结" and pay_unit == PayUnit.DAY:
        score += 0.05
    role = _ROLES.get(keyword or "")
    if role == BASE and high is None:
        high_out = None  # "底薪3500，提成另算": a base is where pay starts
    pay = Pay(min=low_out, max=high_out, unit=pay_unit, period=period)
    return PayMatch(pay, min(round(score, 2), 0.97), (start, end), role)


def _standalone(text: str, start: int, end: int) -> bool:
    if len(text) - (end - start) > 64:
        return False  # a long message is never one bare figure (and the check stays linear)
    rest = _FILLER.sub("", text[:start] + text[end:])
    return len(rest) <= 6


def _period(window: str) -> str | None:
    pm = _PERIOD.search(window)
    return None if pm is None else _PERIOD_NAME.get(pm.group(), "日结")


def _markers(text: str, figures: list[PayMatch]) -> list[PayMatch]:
    """面议, 计件 and settlement words that state a kind of pay without a figure."""
    out: list[PayMatch] = []
    taken = [f.span for f in figures]

    def free(span: tuple[int, int], margin: int = 0) -> bool:
        return all(span[1] + margin <= s or span[0] >= e + margin for s, e in taken)

    for nm in _NEGOTIABLE.finditer(text):
        if free(nm.span()):
            out.append(PayMatch(Pay(negotiable=True), 0.4, nm.span()))
    for pm in _PIECE_WORD.finditer(text):
        piece_near = any(f.pay.unit == PayUnit.PIECE for f in figures)
        if free(pm.span()) and not piece_near:
            out.append(PayMatch(Pay(unit=PayUnit.PIECE), 0.35, pm.span()))
    for pm in _PERIOD.finditer(text):
        if free(pm.span(), margin=12):
            period = _PERIOD_NAME.get(pm.group(), "日结")
            unit = PayUnit.DAY if period == "日结" else None
            out.append(PayMatch(Pay(unit=unit, period=period), 0.3, pm.span()))
    return out
