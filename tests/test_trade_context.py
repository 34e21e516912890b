"""A portable job noun takes the workplace trade; a real trade keeps its own (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matching.parser import parse_post
from matching.taxonomy import classify, deciding_place


def trade(text: str) -> str | None:
    (job,) = parse_post(text, datetime(2026, 12, 2, tzinfo=UTC))
    cats = job.categories
    return cats[0] if cats else None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("修理厂招学徒2名，月薪2800", "G"),
        ("老街饭店要服务员两名，一天一百二", "I"),
        ("社区超市招理货员，早班，月薪3600", "M"),
        ("工地缺小工3个，一天二百三，管住", "O"),
        ("物流园急招装卸工，按车结算", "B"),
        ("美容院招前台一名，会电脑，月薪3500", "K"),
        ("医院招收银员2名，倒班，月薪3800", "N"),
        ("小区物业招文员，月薪3300", "H"),
    ],
)
def test_a_portable_noun_takes_the_workplace_trade(text: str, code: str) -> None:
    assert trade(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("酒店招电工1名，持证，月薪6000", "H"),
        ("酒店招厨师，会炒川菜，月薪7000", "I"),
        ("酒店急招保洁阿姨，月薪3200", "A"),
        ("超市招司机，C1驾照，送货", "B"),
        ("汽修厂招焊工，月薪6500", "J"),
    ],
)
def test_a_real_trade_keeps_its_trade_wherever_it_works(text: str, code: str) -> None:
    assert trade(text) == code


def test_without_a_workplace_the_keywords_decide_as_before() -> None:
    assert trade("招学徒两名，包吃住，月薪2500") == "Q"
    assert trade("招服务员，月薪4000") == "I"
    assert deciding_place("招服务员，月薪4000") is None


def test_the_first_workplace_named_decides_and_a_maker_decides_nothing() -> None:
    assert deciding_place("宾馆一楼饭店招人") == "L"
    assert deciding_place("厂家直招") is None
    assert deciding_place("电子厂招普工") == "J"
    assert classify("汽修厂招学徒")[0][0] == "G"
