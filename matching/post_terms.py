"""Terms of the work a post states besides pay: daily hours (早8晚6) and licences it requires.

Both feed the draft card's 要求 line; licences are also what push rules check against a seeker's
own words (matching/push_rules.py), so a 持证 job never reaches a seeker who visibly lacks it.
"""

from __future__ import annotations

import re

from matching.numbers import parse_number

_CN_HOUR = r"\d{1,2}|十[一二]?|[一二两三四五六七八九]"
_MORNING = r"早上|早晨|早|上午|白天|白班"
_EVENING = r"晚上|晚|下午|傍晚|夜里|夜间|夜"
_NOON = r"中午"
_CLOCK = (
    rf"(?:(?P<pN>{_MORNING}|{_EVENING}|{_NOON})\s*)?(?P<hN>{_CN_HOUR})"
    r"(?:(?P<cN>[:：点])(?P<mN>[0-5]\d|半)?)?"
)
_START, _END = _CLOCK.replace("N", "1"), _CLOCK.replace("N", "2")
_HOURS = re.compile(rf"(?<![\d.]){_START}\s*(?P<sep>-|~|到|至|—)?\s*{_END}(?![\d.%岁])")
_EVENING_WORD = re.compile(_EVENING)


def find_hours(text: str) -> str | None:
    """Daily working hours as "08:00-18:00" (早8晚6, 早7点到下午4点, 8:00-17:30), else None.

    A pair counts only when both ends read as clock times: a time-of-day word on each side
    (早8晚6) or a separator with 点/: on the times; "18-50岁" is an age range, not hours.
    """
    for m in _HOURS.finditer(text):
        both_words = m.group("p1") and m.group("p2")
        clock = m.group("sep") and (m.group("c1") or m.group("c2"))
        if not (both_words or clock):
            continue
        start = _clock(m.group("p1"), m.group("h1"), m.group("m1"))
        end = _clock(m.group("p2"), m.group("h2"), m.group("m2"))
        if start is None or end is None or start == end:
            continue
        if end < start and not m.group("p2") and end + 12 * 60 > start:
            end += 12 * 60  # "8点-6点": the end is in the afternoon
        end %= 24 * 60
        return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    return None


def _clock(period: str | None, hour_text: str, minute_text: str | None) -> int | None:
    hour = parse_number(hour_text)
    if hour is None or not 0 <= hour <= 24 or not float(hour).is_integer():
        return None
    minutes = 30 if minute_text == "半" else int(minute_text or 0)
    h = int(hour)
    if period and _EVENING_WORD.fullmatch(period) and h < 12:
        h += 12
    if period == "中午" and h < 6:
        h += 12
    return (h % 24) * 60 + minutes


# A licence the post requires: named ("要电工证", "有叉车证", "持A2驾照") or not (需持证上岗).
_NAMED_LICENCE = re.compile(
    r"(?P<name>(?:电工|焊工|叉车|塔吊|吊车|天车|行车|保安员?|护士|健康|厨师|育婴师|母婴护理|"
    r"教师资格|会计|焊接|登高|高空作业|特种作业|消防)(?:上岗|操作|资格|执业)?证|[ABC][12]驾照|驾照|驾驶证)"
)
_GENERIC_LICENCE = re.compile(r"(?:需|须|要|必须|要求)\s*持证|持证上岗|有证上岗")
# Words that make a named licence optional or provided: not a requirement.
_SOFT = re.compile(
    r"优先|可办|代办|包办|帮办|免费办|公司办|入职后|统一办理|可培训|带证|无证|考证|培训"
)
_STOPS = re.compile(r"[\s，,。；;！!（(）)]")


def find_licences(text: str) -> tuple[str, ...]:
    """Licences the post requires ("电工证", "叉车证"; "持证" naming none), in text order."""
    found: list[str] = []
    for m in _NAMED_LICENCE.finditer(text):
        if not _SOFT.search(_clause(text, m.start(), m.end())):
            found.append(m.group("name"))
    if not found:
        for m in _GENERIC_LICENCE.finditer(text):
            if not _SOFT.search(_clause(text, m.start(), m.end())):
                found.append("持证")
                break
    return tuple(dict.fromkeys(found))


def _clause(text: str, start: int, end: int) -> str:
    left = max((s.end() for s in _STOPS.finditer(text, 0, start)), default=0)
    right = _STOPS.search(text, end)
    return text[left : right.start() if right else len(text)]
