"""How seekers write pay ("一个月三千", "两百一天", "月入过万", "4k", "5000 a month"), reworded
into the forms `matching.pay.find_pay` reads with a stated unit ("月薪3000", "日薪200").

Kept apart from the posting parser's pay reader (`matching.pay`): seekers write shorter, looser
phrases than employers, and rewording them here leaves the posting figures untouched.
"""

from __future__ import annotations

import re

from matching.numbers import parse_number

# Each number is matched from its first digit only (the lookbehinds) and bounded in length, so a
# 4,096-digit run costs one pass instead of one attempt per position (issue 17: linear parsing).
_CN_DIGITS = "一二两三四五六七八九十百千万"
_NUM = (
    r"(?P<n>(?<![\d.])\d{1,9}(?:\.\d{1,4})?\s*[kKwW千万]?"
    rf"|(?<![{_CN_DIGITS}])[{_CN_DIGITS}]{{1,12}}(?:[一二三四五六七八九])?)"
)
_MONEY = r"(?:\s*(?:块钱|块|元|rmb|yuan|人民币))?"
_ABOUT = r"(?:左右|上下|以上|起|多)?"
# 4k / 4K / 1.5w: thousands and ten-thousands written with a Latin letter (never a category).
_LATIN_K = re.compile(r"(?<![A-Za-z\d.])(\d{1,9}(?:\.\d{1,4})?)\s*([kKwW])(?![A-Za-z])")
_EN_AFTER = re.compile(
    r"\s*(?:rmb|yuan|cny)?\s*(?:(?:a|per|/|each|every)\s*(?:month|day|hour)|(?:month|dai|hour)ly)",
    re.IGNORECASE,
)
_EXCEEDS_10K = re.compile(r"(?:月入|月薪|工资|一个月|每月)\s*(?:能)?(?:过|上|破)万")
_MONTH_FIRST = re.compile(
    r"(?:一个月|每个?月|月入|月收入|一月|月)\s*(?:能|要|得|想)?\s*(?:挣|拿|赚|给|开|收入|有)?\s*"
    + _NUM
    + _MONEY
)
_DAY_FIRST = re.compile(
    r"(?:一天|每天|一日|每日|日)\s*(?:能|要|得|想)?\s*(?:挣|拿|赚|给|开)?\s*" + _NUM + _MONEY
)
_HOUR_FIRST = re.compile(r"(?:一小时|每小时|一个小时)\s*(?:挣|拿|赚|给)?\s*" + _NUM + _MONEY)
_DAY_AFTER = re.compile(_NUM + _MONEY + r"\s*(?:一天|每天|1天|/天|一日)")
_MONTH_AFTER = re.compile(_NUM + _MONEY + r"\s*(?:一个月|每月|/月|一月)")
_EN_UNIT = re.compile(
    r"(?:rmb|yuan|cny|¥)?\s*(?P<n>(?<![\d.])\d{1,9}(?:\.\d{1,4})?)\s*(?:rmb|yuan|cny|元)?\s*"
    r"(?:a|per|/|each|every)\s*(?P<u>month|day|hour)",
    re.IGNORECASE,
)
_UNIT_WORD = {"month": "月薪", "day": "日薪", "hour": "时薪"}
# 4500 monthly / 150 daily / 25 hourly.
_EN_LY = re.compile(
    r"(?P<n>(?<![\d.])\d{1,9}(?:\.\d{1,4})?)\s*(?:rmb|yuan|cny|元)?\s*(?P<u>month|dai|hour)ly\b",
    re.IGNORECASE,
)
_LY_UNIT = {"month": "月薪", "dai": "日薪", "hour": "时薪"}
# A thousands figure standing alone in a wish ("超市收银 河东 离家近点 三千五") is a monthly wage:
# seekers name no other four-digit amounts. The post reader needs more than a bare figure.
_THOUSANDS = (
    r"(?<![\d.])[1-9]\d{3,4}(?![\d.])|[一二两三四五六七八九]千(?:[一二三四五六七八九]百?)?|"
    r"[一两]万(?:[一二三四五六七八九]千?)?"
)
_ALONE_AFTER = r"(?=$|[\s,，。;；]|左右|上下|以上|起|多(?![\u4e00-\u9fff]))"
_BARE_MONTHLY = re.compile(rf"(?:^|(?<=[\s,，。;；]))(?P<n>{_THOUSANDS}){_ALONE_AFTER}")
# 三千五到四千 / 3500-4000: the same, as a range.
_BARE_RANGE = re.compile(
    rf"(?:^|(?<=[\s,，。;；]))(?P<a>{_THOUSANDS})\s*(?:到|至|-|~|～|—)\s*(?P<b>{_THOUSANDS}){_ALONE_AFTER}"
)


def _amount(raw: str) -> float | None:
    return parse_number(raw.replace(" ", "").replace("w", "万").replace("W", "万"))


def _sub(rx: re.Pattern[str], head: str, text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        value = _amount(m.group("n"))
        if value is None or value <= 0:
            return m.group(0)
        return f"{head}{value:g}"

    return rx.sub(repl, text)


def _latin_k(m: re.Match[str]) -> str:
    value = float(m.group(1)) * (1000 if m.group(2) in "kK" else 10000)
    after = m.string[m.end() : m.end() + 4]
    # "4k" alone is a monthly wage (day rates are hundreds); "1k一天" keeps its own unit, and so
    # does "5k per month" (read by the English unit phrases next).
    english = _EN_AFTER.match(m.string, m.end())
    head = "" if english or any(u in after for u in ("天", "日", "时", "day", "hour")) else "月薪"
    return f"{head}{value:g}"


def _range(m: re.Match[str]) -> str:
    low, high = _amount(m.group("a")), _amount(m.group("b"))
    if low is None or high is None or not 0 < low < high:
        return m.group(0)
    return f"月薪{low:g}-{high:g}"


def reword_pay(text: str) -> str:
    """The text with seeker pay phrases rewritten as "月薪N"/"日薪N"/"时薪N" (rest unchanged)."""
    text = _LATIN_K.sub(_latin_k, text)
    text = _EXCEEDS_10K.sub("月薪10000以上", text)
    text = _BARE_RANGE.sub(_range, text)
    text = _EN_UNIT.sub(lambda m: f"{_UNIT_WORD[m.group('u').lower()]}{m.group('n')}元 ", text)
    text = _EN_LY.sub(lambda m: f"{_LY_UNIT[m.group('u').lower()]}{m.group('n')}元 ", text)
    for rx, head in (
        (_MONTH_FIRST, "月薪"),
        (_DAY_FIRST, "日薪"),
        (_HOUR_FIRST, "时薪"),
        (_DAY_AFTER, "日薪"),
        (_MONTH_AFTER, "月薪"),
        (_BARE_MONTHLY, "月薪"),
    ):
        text = _sub(rx, head, text)
    return text
