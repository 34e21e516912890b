"""A seeker's hostile message cannot stall their turn: the wish reader is linear (#17, item 1).

Before the fix, the seeker-side pay rewording (`matching/wish_pay.py`), the distance reader and the
English-words check tried a match from every position of a long run: 2,048 digits took 1.3 s of
event-loop time per turn. The bound (1 s for a Telegram-maximum message) is generous; a linear read
takes about 10 ms, so it fails only when a pattern goes superlinear again.
"""

from __future__ import annotations

import time

import pytest

from matching.wish import parse_wish

TELEGRAM_MAX = 4096
HOSTILE = {
    "digits": "1" * TELEGRAM_MAX,
    "digits_with_dots": "1." * (TELEGRAM_MAX // 2),
    "chinese_numerals": "一" * TELEGRAM_MAX,
    "letters": "k" * TELEGRAM_MAX,
    "digit_k": "1k" * (TELEGRAM_MAX // 2),
    "kilometres": ("3" * 50 + "公里") * (TELEGRAM_MAX // 52),
    "minutes": ("5" * 50 + "分钟") * (TELEGRAM_MAX // 52),
    "short_words": "ab " * (TELEGRAM_MAX // 3),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_reading_a_maximum_length_hostile_wish_is_fast(name: str) -> None:
    started = time.perf_counter()
    parse_wish(HOSTILE[name])
    assert time.perf_counter() - started < 1.0


def test_bounded_numbers_still_read_ordinary_wishes() -> None:
    wish = parse_wish("西青区保洁 一个月三千 5公里以内 4k也行")
    assert wish.max_km == 5
    assert wish.pay is not None
    assert wish.pay.min == 3000
