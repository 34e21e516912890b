"""When a gig starts and how long it lasts: 明早7点, 后天上午9点, 下周一, 12月3日, 干三天.

Relative days are resolved against the caller's `now` in China's local time, so the same post
parsed on Monday and on Tuesday gives different dates. A clock time alone ("早7点到11点") is a
schedule, not a start, and is ignored unless it follows a day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from matching.numbers import parse_number
from models.timeutil import LOCAL_TZ

_CN_NUM = "零一二两三四五六七八九十"
_NUM = rf"(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})"

# Day words, each with its offset in days and the part of the day it implies (明早 → morning).
_RELATIVE = {
    "大后天": (3, None),
    "后天": (2, None),
    "明天": (1, None),
    "明日": (1, None),
    "明儿": (1, None),
    "明早": (1, "早"),
    "明晚": (1, "晚"),
    "明上午": (1, "上午"),
    "明下午": (1, "下午"),
    "今天": (0, None),
    "今日": (0, None),
    "今儿": (0, None),
    "今早": (0, "早"),
    "今晚": (0, "晚"),
}
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RELATIVE_RE = "|".join(sorted(_RELATIVE, key=len, reverse=True))
# "周三" but not "每周三次", "周一至周五" or "周六日" (a schedule, not a start).
_DAY = re.compile(
    rf"(?P<rel>{_RELATIVE_RE})"
    r"|(?P<next>下个?|本|这个?)?(?<![每至到\-~])(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])(?![日天至到\-~、和及次])"
    rf"|(?P<m>{_NUM})月(?P<d>{_NUM})[日号]"
    r"|(?P<now>即日|即刻|立即|马上|随时)(?:起|开始)?(?:上岗|到岗|入职|开工|上班)"
)
_PART = r"(?P<part>早上|早晨|上午|早|中午|下午|傍晚|晚上|晚|凌晨|夜里)?"
_CLOCK = re.compile(
    rf"\s*[,，]?\s*{_PART}\s*(?:(?P<hh>\d{{1,2}}):(?P<mm>\d{{2}})"
    rf"|(?P<h>{_NUM})\s*[点时](?:\s*(?P<half>半)|\s*(?P<min>\d{{1,2}}|[{_CN_NUM}]{{1,3}})分?)?)"
)
_DURATION = re.compile(
    rf"(?:干|做|工期|为期|共|连续|用工|需要|要)\s*(?P<n>{_NUM}|半)\s*(?:个)?"
    r"(?P<u>天|日|小时|钟头|星期|周|月)"
    r"|(?P<word>长期|短期|干到年底|到年底|春节前)"
)


@dataclass(frozen=True, slots=True)
class Start:
    """A start: ISO datetime with offset when a time is stated, else an ISO date."""

    value: str
    confidence: float
    span: tuple[int, int]


def find_start(text: str, now: datetime) -> Start | None:
    """The first start date (and time, when given next to it) stated in `text`."""
    today = now.astimezone(LOCAL_TZ).date()
    for m in _DAY.finditer(text):
        day, part, confidence = _resolve_day(m, today)
        if day is None:
            continue
        clock = _CLOCK.match(text, m.end())
        if clock is not None:
            hour_minute = _clock_value(clock, part)
            if hour_minute is not None:
                moment = datetime.combine(day, time(*hour_minute), LOCAL_TZ)
                return Start(
                    moment.isoformat(), min(confidence + 0.05, 0.95), (m.start(), clock.end())
                )
        return Start(day.isoformat(), confidence, m.span())
    return None


def find_duration(text: str) -> tuple[str, float] | None:
    """How long the work lasts ("3天", "长期"), normalised, with a confidence."""
    m = _DURATION.search(text)
    if m is None:
        return None
    if m.group("word"):
        word = m.group("word")
        return ("到年底" if "年底" in word else word), 0.6
    n = 0.5 if m.group("n") == "半" else parse_number(m.group("n"))
    if n is None or n <= 0:
        return None
    unit = {"日": "天", "钟头": "小时", "星期": "周", "月": "个月"}.get(m.group("u"), m.group("u"))
    shown = f"{n:g}"
    return f"{shown}{unit}", 0.7


def _resolve_day(m: re.Match[str], today: date) -> tuple[date | None, str | None, float]:
    if m.group("rel"):
        offset, part = _RELATIVE[m.group("rel")]
        return today + timedelta(days=offset), part, 0.9
    if m.group("wd"):
        raw = m.group("wd")
        weekday = int(raw) - 1 if raw.isdigit() else _WEEKDAY[raw]
        monday = today - timedelta(days=today.weekday())
        nxt = m.group("next") or ""
        if nxt.startswith("下"):
            return monday + timedelta(days=7 + weekday), None, 0.85
        day = monday + timedelta(days=weekday)
        if day < today and not nxt:
            day += timedelta(days=7)  # "周三" said on Thursday means next Wednesday
        return day, None, 0.75 if nxt else 0.6
    if m.group("m"):
        month, dom = parse_number(m.group("m")), parse_number(m.group("d"))
        if month is None or dom is None or not (1 <= month <= 12 and 1 <= dom <= 31):
            return None, None, 0.0
        try:
            day = date(today.year, int(month), int(dom))
        except ValueError:
            return None, None, 0.0
        if day < today - timedelta(days=60):
            # "1月5日" posted in late November is next January; 60 days covers stale reposts.
            day = day.replace(year=today.year + 1)
        return day, None, 0.85
    if m.group("now"):
        return today, None, 0.7
    return None, None, 0.0


def _clock_value(m: re.Match[str], implied: str | None) -> tuple[int, int] | None:
    if m.group("hh"):
        hour, minute = int(m.group("hh")), int(m.group("mm"))
    else:
        h = parse_number(m.group("h"))
        if h is None:
            return None
        hour = int(h)
        minute = 30 if m.group("half") else 0
        if m.group("min"):
            mins = parse_number(m.group("min"))
            minute = int(mins) if mins is not None else 0
    part = m.group("part") or implied
    evening = part in ("下午", "傍晚", "晚上", "晚", "夜里") and hour < 12
    if evening or (part == "中午" and hour < 6):
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return hour, minute
