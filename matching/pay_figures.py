"""Reading the pay figures of a post: every number is a candidate, scored by its context.

The words around a number (`matching.pay_words`) decide whether it is pay or something else
(18-50岁, 招10人, 7点, 12月3日, a phone number), and `matching.pay_units` which unit it is in.
Candidates carry a confidence so the caller can pick the best one or keep them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from matching import pay_units as units
from matching import pay_words as words
from matching.numbers import NUMBER_PATTERN, parse_number
from models.values import Pay, PayUnit

_CN_RANGE = r"(?P<r1>[一二两三四五六七八])(?P<r2>[二三四五六七八九])(?P<ru>[十百千万])"
_VALUE = re.compile(
    rf"{_CN_RANGE}|(?P<a>{NUMBER_PATTERN})"
    rf"(?:\s*[元块]?\s*(?:-{{1,2}}|~|到|至)\s*(?P<b>{NUMBER_PATTERN}))?"
)

_LEADING_FIGURE = re.compile(r"\d+(?:\.\d+)?")
# Between two figures of a list of pays: spaces and list commas only ("4000 6000", "200、180").
RUN_GAP = re.compile(r"[\s、,，/]{1,3}")
# "5-7 K", "6 k", "1.2 w": a space before the multiplier; swapped behind it ("5-7K ") so the
# figure reads as one token and the spans still index the input.
_SPACED_MAGNITUDE = re.compile(r"(?<=\d)([^\S\n]{1,2})([kKwW万])(?![a-zA-Z])")

# Scores: 0.3 for a number, + 0.4 unit after (元/天) | 0.35 unit word before (月薪, 日结) | 0.3 K,
# + 0.15 money sign, + 0.15 pay word, + 0.05 range or 以上, + 0.3 when the text is only the figure.
MIN_CONFIDENCE = 0.45  # a bare "3000-4500" inside a long post (0.35) is not taken as pay
# ... but in a post this short, a bare round figure of a month's size is the pay ("收银 2人 8点-8点
# 3800", "护理员 4500-5500 包吃住"), unless a figure in another unit is: WeChat gig posts write
# their monthly pay without 月薪 more often than with it.
SHORT_POST = 400


@dataclass(frozen=True, slots=True)
class PayMatch:
    """One pay expression: the value, how sure we are (0..1) and its [start, end) span."""

    pay: Pay
    confidence: float
    span: tuple[int, int]
    role: str | None = None  # BASE, EARNINGS or None (a plain figure)
    base: float | None = None  # the guaranteed base stated beside an earnings figure
    typical: float | None = None  # "一般5000" stated beside a range
    keyword: str | None = None  # the pay word that introduced the figure (月薪, 试用期, 日结 …)
    other: Pay | None = None  # a second reading of this very figure ("4小时160元": 40 an hour)
    conditional: bool = False  # pay only under a condition (试用期, 转正后, 优秀者 …)


def candidates(text: str) -> list[PayMatch]:
    """Every pay statement in folded text: figures above MIN_CONFIDENCE, then the markers."""
    text = units.SPOKEN_PER.sub("/", text)  # length-preserving: spans still index the input
    text = _SPACED_MAGNITUDE.sub(r"\2\1", text)
    found: list[PayMatch] = []
    bare: list[PayMatch] = []
    for m in _VALUE.finditer(text):
        match = _figure(text, m)
        if match is None:
            continue
        if match.confidence < MIN_CONFIDENCE and found:
            match = _in_run(text, found[-1], match)
        if match.confidence >= MIN_CONFIDENCE:
            found.append(match)
        elif _round_monthly(match.pay):
            bare.append(match)
    if bare and len(text) <= SHORT_POST and all(f.pay.unit == PayUnit.MONTH for f in found):
        found = sorted([*found, *(replace(b, confidence=MIN_CONFIDENCE) for b in bare)],
                       key=lambda f: f.span)  # fmt: skip
    found.extend(_markers(text, found))
    return found


def _round_monthly(pay: Pay) -> bool:
    """A bare figure that reads as a month's pay: round hundreds from 1,500 to 30,000."""
    figures = [v for v in (pay.min, pay.max) if v is not None]
    return (
        pay.unit == PayUnit.MONTH
        and bool(figures)
        and all(1_500 <= v <= 30_000 and v % 100 == 0 for v in figures)
    )


def _in_run(text: str, prev: PayMatch, match: PayMatch) -> PayMatch:
    """A bare figure written right after a pay figure in its unit ("4000 6000", "200、180") is
    the next item of a list of pays, as sure as the one before it."""
    gap = text[prev.span[1] : match.span[0]]
    if prev.pay.unit != match.pay.unit or not RUN_GAP.fullmatch(gap):
        return match
    return replace(match, confidence=prev.confidence)


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
    if words.NOT_PAY_BEFORE.search(before[-6:]) or (
        not magnitude and words.NOT_PAY_AFTER.match(after)
    ):
        return None  # "15-25K、每月…", "(6K-12K)", "5-6k 年龄30-45": K makes it money
    if magnitude and words.K_NOT_PAY_AFTER.match(after):
        return None  # 4K视频, 8K屏: a resolution; 1k人, 10w粉: a count
    if start and text[start - 1].isdigit():
        return None
    # Suffix context: 元, modifiers and the unit, in whatever order people write them.
    money, unit, modifier, pos = False, None, None, 0
    hours: float | None = None  # the length of a shift the figure pays for ("4小时160元")
    spaced_unit = False  # "每天150元 每周至少3天": a unit after a space may start the next clause
    for _ in range(4):
        if mm := words.MONEY_AFTER.match(after, pos):
            money = True
        elif mm := words.MODIFIER_AFTER.match(after, pos):
            modifier = mm.group("m")
        elif (mm := units.UNIT_AFTER.match(after, pos)) and unit is None:
            unit = units.UNIT_WORDS.get(mm.group("u"), "piece")
            spaced_unit = mm.group()[:1].isspace()
        else:
            break
        pos = mm.end()
    if words.NOT_PAY_UNIT.match(after, pos):
        return None  # 1500元每平方, 4-8元一餐: prices, not pay
    values = _values(m, money)
    if values is None:
        return None
    low, high = values
    score = 0.3
    end += pos
    keyword = None
    for km in words.KEYWORD_BEFORE.finditer(before):
        keyword = km.group()
        gap = before[km.end() :]
    if keyword is not None and words.ASIDE.fullmatch(gap):
        gap = ""  # "月嫂一个月（26天）12000起": an aside between the word and its figure
    if keyword is not None and (len(gap) > 6 or words.CLAUSE_BREAK.search(gap)):
        keyword = None  # "每一件事；5、…": the word belongs to another clause
    clause = words.CLAUSE_BREAK.split(before)[-1]
    if words.ROLES.get(keyword or "") == words.EARNINGS:
        clause = clause[clause.rfind(keyword or "") :]  # "底薪3000+提成 一般能拿6000"
    clause = words.PAY_LABEL.sub("", words.TRAINEE_PAY.sub("", clause))
    if words.TRAINEE.search(text):
        clause = clause.replace("补贴", "")  # an intern's "补贴120元/天" is their pay
    if words.NOT_BASE.search(clause) or words.EXTRA_AFTER.match(after, pos):
        return None  # "押金200", "餐补300", "1640岗位补贴"; but "底薪5000+绩效" is base pay
    if words.FEE_BEFORE.search(before[-3:]) or (
        keyword is None and words.FEE_AFTER.match(text, m.end())
    ):
        return None
    bounded_before = words.MIN_BEFORE.search(before) or words.MAX_BEFORE.search(before)
    suffix = (m.group("b") or m.group("a") or "")[-1:]
    if unit is not None and spaced_unit and keyword in units.KEYWORD_UNIT:
        unit = units.KEYWORD_UNIT[keyword]  # the unit the figure was introduced with wins
        score += 0.35
    elif unit is not None:
        score += 0.4
    elif keyword in units.KEYWORD_UNIT:
        unit = units.KEYWORD_UNIT[keyword]
        if keyword in units.PER_HEAD and low >= 1000:
            unit = "month"  # "一人5000 一对一万": a month's pay per person, not a day's
        if keyword == "小时" and (shift := units.SHIFT_HOURS_BEFORE.search(before)):
            unit = "day"
            hours = parse_number(shift.group("h"))
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
    if words.HEADCOUNT_BEFORE.search(before) and (high is not None or low >= 1000):
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
        elif standalone and not _HIRES.search(text):
            # an answer to "期望薪酬?" ("20"); a post hires: "招普工 包住 18-45" is an age range
            unit = "hour"
        else:
            return None
    if high is not None:
        score += 0.05
    if unit == "week":
        low, high = low / units.WEEKDAYS, (high / units.WEEKDAYS if high is not None else None)
        unit = "day"
    if unit == "piece" and low >= 1000 and not units.UNIT_AFTER.match(after):
        unit = "month"  # 计件工资6000-8000: monthly earnings of a piece-rate job
    pay_unit = units.UNITS[unit]
    lo_ok, hi_ok = units.BOUNDS[pay_unit]
    if not lo_ok <= low <= hi_ok or (high is not None and high > hi_ok):
        return None
    low_out: float | None = round(low, 2)
    high_out = round(high, 2) if high is not None else low_out
    if high is None:
        if modifier in ("以上", "起", "起步", "+", "多", "往上") or words.MIN_BEFORE.search(
            before
        ):
            high_out = None
        elif modifier in ("以下", "以内", "封顶") or words.MAX_BEFORE.search(before):
            low_out = None
    window = text[max(0, start - 12) : end + 12]
    period = _period(window)
    if period == "日结" and pay_unit == PayUnit.DAY:
        score += 0.05
    role = words.ROLES.get(keyword or "")
    if role == words.BASE and high is None:
        high_out = None  # "底薪3500，提成另算": a base is where pay starts
    pay = Pay(min=low_out, max=high_out, unit=pay_unit, period=period)
    other = None
    if hours and pay_unit == PayUnit.DAY:  # the same shift read as an hourly rate: 160/4 = 40
        per_hour = [None if v is None else round(v / hours, 2) for v in (low_out, high_out)]
        other = replace(pay, min=per_hour[0], max=per_hour[1], unit=PayUnit.HOUR)
    confidence = min(round(score, 2), 0.97)
    conditional = bool(words.CONDITIONAL.search(words.SENTENCE_BREAK.split(before)[-1]))
    return PayMatch(
        pay, confidence, (start, end), role, keyword=keyword, other=other, conditional=conditional
    )


_HIRES = re.compile(r"招|聘")


def _standalone(text: str, start: int, end: int) -> bool:
    if len(text) - (end - start) > 64:
        return False  # a long message is never one bare figure (and the check stays linear)
    rest = words.FILLER.sub("", text[:start] + text[end:])
    return len(rest) <= 6


def _period(window: str) -> str | None:
    pm = words.PERIOD.search(window)
    return None if pm is None else words.PERIOD_NAME.get(pm.group(), "日结")


def _markers(text: str, figures: list[PayMatch]) -> list[PayMatch]:
    """面议, 计件 and settlement words that state a kind of pay without a figure."""
    out: list[PayMatch] = []
    taken = [f.span for f in figures]

    def free(span: tuple[int, int], margin: int = 0) -> bool:
        return all(span[1] + margin <= s or span[0] >= e + margin for s, e in taken)

    for nm in words.NEGOTIABLE.finditer(text):
        if free(nm.span()):
            out.append(PayMatch(Pay(negotiable=True), 0.4, nm.span()))
    for pm in words.PIECE_WORD.finditer(text):
        piece_near = any(f.pay.unit == PayUnit.PIECE for f in figures)
        if free(pm.span()) and not piece_near:
            out.append(PayMatch(Pay(unit=PayUnit.PIECE), 0.35, pm.span()))
    for pm in words.PERIOD.finditer(text):
        if free(pm.span(), margin=12):
            period = words.PERIOD_NAME.get(pm.group(), "日结")
            unit = PayUnit.DAY if period == "日结" else None
            out.append(PayMatch(Pay(unit=unit, period=period), 0.3, pm.span()))
    return out
