"""Hostile input cannot stall the parser: every step is linear in the text (issue 17, item 1).

The old headcount finder was quadratic on a long digit run (4,096 digits: 8.4 s). Each input here
is a Telegram-maximum message; the bound (1 s for the whole parse) is generous — a linear parse
takes a few tens of milliseconds — so it fails only when a step goes superlinear again. The time
is this process's CPU time, not the wall clock, so a machine busy with other work cannot fail it.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from matching.parser import MAX_POST_CHARS, parse_post
from matching.post_fields import find_headcounts

NOW = datetime.fromisoformat("2026-11-23T10:00:00+08:00")
TELEGRAM_MAX = 4096
HOSTILE = {
    "digits": "1" * TELEGRAM_MAX,
    "digits_with_dots": "1." * (TELEGRAM_MAX // 2),
    "digits_with_dashes": "1-" * (TELEGRAM_MAX // 2),
    "spaced_digits": "1 " * (TELEGRAM_MAX // 2),
    "digit_k": "1k" * (TELEGRAM_MAX // 2),
    "digit_wan": "1万" * (TELEGRAM_MAX // 2),
    "chinese_numerals": "一千" * (TELEGRAM_MAX // 2),
    "headcounts": "1人" * (TELEGRAM_MAX // 2),
    "commas": "1," * (TELEGRAM_MAX // 2),
    "parentheses": "(1" * (TELEGRAM_MAX // 2),
    "phones": "13800138000 " * (TELEGRAM_MAX // 12),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_parse_of_a_maximum_length_hostile_message_is_fast(name: str) -> None:
    started = time.process_time()
    parse_post(HOSTILE[name], NOW)
    assert time.process_time() - started < 1.0


def test_headcount_finder_on_a_long_digit_run_is_fast_and_finds_nothing() -> None:
    started = time.process_time()
    assert find_headcounts("1" * TELEGRAM_MAX + "人") == []
    assert time.process_time() - started < 0.5


def test_text_beyond_the_cap_is_not_read() -> None:
    tail = "招保洁2名，月薪4000"
    assert parse_post("。" * MAX_POST_CHARS + tail, NOW)[0].pay.min is None
    assert parse_post(tail, NOW)[0].pay.min == 4000
