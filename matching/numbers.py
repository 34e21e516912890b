"""Numbers as people write them in job posts: 1.5万, 5k, 两千五, 一万二, 三百, １８０.

One small reader handles Arabic, full-width and Chinese numerals and their mixtures, including the
spoken short forms where a trailing digit counts in the next lower unit (两千五 = 2500).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，ｋＫｗＷ", "0123456789.,kKwW")

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
# Small units multiply the digit before them; big units (万, 亿) multiply the whole section.
SMALL_UNITS = {
    "十": 10,
    "拾": 10,
    "百": 100,
    "佰": 100,
    "千": 1000,
    "仟": 1000,
    "k": 1000,
    "K": 1000,
}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000}

_DIGIT_CHARS = "".join(CN_DIGITS)
_UNIT_CHARS = "十拾百佰千仟万萬亿"
# Bounded repeats keep every search linear in the text: an unbounded \d+ or a nested (…)* is
# retried from each position of a long digit run (4,096 digits took seconds). No figure in a post
# runs past 9 digits; a longer run (an id) is no number at all.
# A comma then a longer digit run is a list ("6500-9000,13920004444"), not a thousands group.
_ARABIC = (
    r"(?<!\d)(?:\d{1,3}(?:,\d{3}){1,3}(?:\.\d{1,4})?|\d{1,9}(?:\.\d{1,4})?)"
    r"(?!\d|,\d{3}(?!\d))"
)
_NONZERO = "".join(c for c, v in CN_DIGITS.items() if v)
# One number token: Arabic with 万/千/k/w and spoken tails ("1.5万", "3千5", "1万2千", "8K") or a
# Chinese numeral built as digit-unit pairs ("两千五", "十五", "一千零五"). A digit is never
# followed by another digit ("两千五一个月" yields "两千五"); a bare unit (千万) is no number.
NUMBER_PATTERN = (
    rf"(?:(?:{_ARABIC})(?:(?:[{_UNIT_CHARS}]|[kKwW](?![a-zA-Z])){{1,3}}(?:{_ARABIC})?){{0,3}}"
    rf"|(?:[{_NONZERO}]?[十拾]|[{_NONZERO}][{_UNIT_CHARS}])(?:[{_NONZERO}]?[{_UNIT_CHARS}]|[零〇]){{0,6}}"
    rf"(?:[{_NONZERO}](?![{_UNIT_CHARS}]))?"
    rf"|[{_NONZERO}](?![{_UNIT_CHARS}]))"
)
_TOKEN = re.compile(rf"{_ARABIC}|[{_DIGIT_CHARS}]|[{_UNIT_CHARS}]|[kKwW]")
_FIND = re.compile(NUMBER_PATTERN)
_TRAILING_CURRENCY = re.compile(r"\s*(?:元|块钱|块|rmb|RMB)$")


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number found in text: its value and the [start, end) span of its characters."""

    value: float
    span: tuple[int, int]
    text: str


def parse_number(s: str) -> float | None:
    """The value of one written number ("两千五" → 2500, "1.5万" → 15000), else None."""
    s = _TRAILING_CURRENCY.sub("", s.translate(_FULLWIDTH).strip())
    if not s:
        return None
    tokens: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(s):
        if m.start() != pos:
            return None
        tokens.append(m.group())
        pos = m.end()
    if pos != len(s):
        return None
    if tokens[0] in "kKwW":
        return None
    value = _evaluate(tokens)
    if value is None or not math.isfinite(value):
        return None
    return value


def _evaluate(tokens: list[str]) -> float | None:
    has_unit = any(t in SMALL_UNITS or t in BIG_UNITS for t in tokens)
    total = 0.0  # completed 万/亿 sections
    section = 0.0  # the part below the current big unit
    number: float | None = None  # the digit waiting for its unit
    prev: str | None = None  # previous token kind: "digit", "zero", "arabic", "small", "big"
    prev_unit = 0
    for tok in tokens:
        if tok in CN_DIGITS:
            digit = CN_DIGITS[tok]
            if prev in ("digit", "arabic"):
                # Digit-by-digit reading ("一五零") only for numbers without units: "三四千" is a
                # range, not 34000, and is left to the caller.
                if has_unit or number is None:
                    return None
                number = number * 10 + digit
            else:
                number = float(digit)
            prev = "zero" if digit == 0 else "digit"
        elif tok in SMALL_UNITS or tok in BIG_UNITS:
            if prev in ("small", "big") and tok in SMALL_UNITS:
                return None  # "百十" is not a number
            if tok in SMALL_UNITS:
                unit = SMALL_UNITS[tok]
                if prev_unit and unit >= prev_unit and prev_unit < 10_000 and section:
                    return None  # "三百五千": units must fall within a section
                section += (1.0 if number is None else number) * unit
            else:
                unit = BIG_UNITS[tok]
                if prev == "big":
                    total *= unit  # 万亿
                else:
                    total += (section + (number or 0.0) or 1.0) * unit
                section = 0.0
            number = None
            prev = "small" if tok in SMALL_UNITS else "big"
            prev_unit = unit
        else:  # an Arabic number
            if prev in ("digit", "arabic", "zero"):
                return None
            number = float(tok.replace(",", ""))
            prev = "arabic"
    if number is not None:
        spoken_tail = prev in ("digit", "arabic") and number < 10 and number.is_integer()
        if spoken_tail and prev_unit >= 100 and _last_was_unit(tokens):
            number *= prev_unit / 10  # 两千五: the trailing digit counts in hundreds
        section += number
    return total + section


def _last_was_unit(tokens: list[str]) -> bool:
    return len(tokens) >= 2 and (tokens[-2] in SMALL_UNITS or tokens[-2] in BIG_UNITS)


def find_numbers(text: str) -> list[NumberMatch]:
    """Every readable number in `text`, in order; phone-number digit runs included as is."""
    text = text.translate(_FULLWIDTH)
    found: list[NumberMatch] = []
    for m in _FIND.finditer(text):
        value = parse_number(m.group())
        if value is not None:
            found.append(NumberMatch(value, m.span(), m.group()))
    return found
