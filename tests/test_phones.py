"""One phone rule for the parser and for masking in pushed cards (issue 17, item 9)."""

from __future__ import annotations

from datetime import datetime

import pytest

from matching.parser import parse_post
from matching.phones import find_phones, mask_phones

NOW = datetime.fromisoformat("2026-11-23T10:00:00+08:00")
WRITTEN = [
    "138.0011.2201",
    "138/0011/2201",
    "138~0011~2201",
    "(138)0011-2201",
    "1 3 8 0 0 1 1 2 2 0 1",
    "+86 138 0011 2201",
    "86-13800112201",
    "0086 13800112201",
    "一三八零零一一二二零一",
    "幺三八 零零幺幺 二二零幺",
    "１３８００１１２２０１",
]


@pytest.mark.parametrize("written", WRITTEN)
def test_every_way_of_writing_a_mobile_is_seen_and_masked(written: str) -> None:
    post = f"招保洁2名，月薪4000，电话{written}王姐"
    assert parse_post(post, NOW)[0].phones == ("13800112201",)
    masked = mask_phones(post)
    assert "138****2201" in masked
    for middle in ("0011", "零零一一", "零零幺幺", "００１１"):
        assert middle not in masked


def test_landlines_and_service_numbers() -> None:
    text = "电话：(022)2658-3301 / 139-2011-3302，热线400-800-1234"
    assert find_phones(text) == ["022-26583301", "13920113302", "400-800-1234"]
    assert mask_phones(text) == "电话：022-****3301 / 139****3302，热线400-***-1234"


@pytest.mark.parametrize(
    "text",
    [
        "月薪4500-6000 18-50岁",
        "2026.11.23",
        "身份证110101199001011234",
        "138****2201",
        "招一二三名",
        "一个月8000-12000 五险",  # 8000120005 would be an 800 number across two scripts
    ],
)
def test_pay_dates_ids_and_masked_numbers_are_no_phones(text: str) -> None:
    assert find_phones(text) == []
    assert mask_phones(text) == text


def test_a_range_before_a_phone_does_not_shift_its_digits() -> None:
    # 18-42 (an age range) then 188 0033 7054: 18421880033 would be a valid 184 mobile
    assert find_phones("普工 包住 18-42 188 0033 7054") == ["18800337054"]
    assert find_phones("138 0000 1111 139 0000 2222") == ["13800001111", "13900002222"]
