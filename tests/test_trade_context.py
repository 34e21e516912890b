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
        ("社区卫生服务中心招收费员1名，会医保结算，月薪3800", "N"),
        ("美发店招助理4名，3500+提成，无经验可学", "K"),
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
    assert classify("周末两天 一天180 13800007004") == []  # no word and no place: no trade


def test_the_first_workplace_named_decides_and_a_maker_decides_nothing() -> None:
    assert deciding_place("宾馆一楼饭店招人") == "L"
    assert deciding_place("厂家直招") is None
    assert deciding_place("电子厂招普工") == "J"
    assert classify("汽修厂招学徒")[0][0] == "G"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("北辰 在建工地 招木工4名，支模，一天三百三", "O"),
        ("西青 住宅项目部 缺电工两名，日薪三百六", "O"),
        ("宝坻 村里自建房 找泥瓦工3个，一天三百", "O"),
        ("蓟州 山区公路项目 招管道工2名", "O"),
        ("静海 钢厂车间 招电焊工3名，月薪八千", "J"),  # 焊工 is J's as well as O's
        ("武清 家具厂招木工5名，计件", "J"),
        ("汽车修理厂招机修工1名，月薪八千", "G"),
    ],
)
def test_a_site_trade_takes_the_workplace_among_its_own_categories(text: str, code: str) -> None:
    assert trade(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("河西 老小区装修 找木工一名，按天结", "H"),  # renovation is H's wherever it is done
        ("装修工地招油漆工2名，一天三百", "H"),
        ("商场招电工1名，持证，倒班", "H"),  # 商场 is not one of 电工's categories
        ("工地食堂招厨师一名，月薪六千", "I"),  # a real trade keeps its own at a site
        ("工地招保安两名，夜班，月薪四千", "H"),
    ],
)
def test_a_site_trade_keeps_its_trade_where_the_workplace_is_not_one_of_its_own(
    text: str, code: str
) -> None:
    assert trade(text) == code


def test_a_site_reading_leaves_no_hedge_for_the_ruled_out_trade() -> None:
    codes = [c for c, _ in classify("工地招木工3名，一天三百")]
    assert codes[0] == "O"
    assert "H" not in codes


def test_construction_machinery_drivers_are_construction() -> None:
    assert trade("高速项目招挖掘机司机两名，一天五百") == "O"
    assert trade("招压路机司机1名，有经验") == "O"
    assert trade("物流公司招货车司机，B2驾照") == "B"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("普工小时工，时薪二十二，包吃住", "J"),
        ("电子厂招小时工，时薪二十", "J"),
        ("仓库分拣小时工，时薪二十一", "B"),
        ("家政公司招小时工，擦玻璃做卫生", "A"),
        ("招小时工，每周三次，打扫两居室", "A"),
    ],
)
def test_hourly_work_is_the_trade_beside_it(text: str, code: str) -> None:
    assert trade(text) == code


def test_an_office_building_decides_no_trade() -> None:
    assert deciding_place("写字楼里的公司招前台") is None
    assert trade("写字楼招保洁两名，月薪三千") == "A"


def test_live_in_care_is_housekeeping() -> None:
    assert trade("招住家阿姨，照顾一位老人，月薪五千五") == "A"
    assert trade("找人住家照顾瘫痪老人，会做饭，月薪六千") == "A"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("纸箱厂 招开机长 1名 7000 包吃住 13800007001", "J"),
        ("超市门口站台 推酸奶 一天180 周末两天 13800007002", "M"),
        ("宾馆 前后夜轮换 会用电脑 3800 13800007003", "L"),
    ],
)
def test_a_job_no_word_names_takes_its_workplaces_trade(text: str, code: str) -> None:
    assert trade(text) == code
