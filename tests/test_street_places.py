"""A post's district from a Tianjin street, town or landmark, and no district from ordinary words
or from a name two districts share (issue 14)."""

from __future__ import annotations

import pytest

from matching.districts import (
    SHARED_STREETS,
    STREETS,
    STREETS_FILE,
    TIANJIN_DISTRICTS,
    find_districts,
    parse_area,
)
from matching.landmarks import post_names


def _district(text: str) -> str | None:
    area = parse_area(text)
    return area.district if area else None


def test_every_street_row_names_a_tianjin_district():
    assert len(STREETS) > 250
    assert set(STREETS.values()) <= set(TIANJIN_DISTRICTS)
    assert set(STREETS.values()) == set(TIANJIN_DISTRICTS)  # all 16 have their streets
    for line in STREETS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "name\t")):
            districts = line.split("\t")[1].split("|")
            assert set(districts) <= set(TIANJIN_DISTRICTS), line


def test_streets_and_landmarks_agree_where_they_overlap():
    landmarks = post_names()
    for name, district in STREETS.items():
        assert landmarks.get(name, district) == district, name


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("张家窝镇 物流园 招分拣员 日结220", "西青区"),
        ("张家窝 物流园 招分拣员 日结220", "西青区"),
        ("杨柳青镇服装厂招缝纫工", "西青区"),
        ("王串场街道社区食堂招帮厨", "河北区"),
        ("月牙河 小区物业招保安", "河北区"),
        ("崔黄口 地毯厂招工 月薪5000", "武清区"),
        ("大邱庄镇钢管厂招叉车司机", "静海区"),
        ("子牙 再生资源园区 招分拣工", "静海区"),
        ("马伸桥镇 农家院招服务员", "蓟州区"),
        ("茶淀 葡萄园招采摘工", "滨海新区"),
        ("林亭口镇 食品厂招普工", "宝坻区"),
        ("黄庄街道 超市招理货员", "武清区"),
        ("黄庄镇 养殖场招饲养员", "宝坻区"),
    ],
)
def test_a_street_or_town_gives_its_district(text: str, district: str):
    assert _district(text) == district


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("天津师范大学 二食堂 招面点师", "西青区"),
        ("第三中心医院旁 药房招店员", "河东区"),
        ("滨海国际机场 航站楼 招保洁", "东丽区"),  # not 滨海新区
        ("佛罗伦萨小镇 奶茶店招兼职", "武清区"),
        ("京津新城 酒店招客房服务员", "宝坻区"),
        ("银河国际购物中心 珠宝专柜招导购", "河西区"),
        ("海河教育园区 食堂招洗碗工", "津南区"),
        ("南开大学津南校区 超市招收银", "津南区"),  # the longer name wins over 南开
        ("天津南站 候车厅招保洁", "西青区"),  # 天津南站 holds no 津南
        ("北站附近 包子铺招学徒", "河北区"),
    ],
)
def test_a_landmark_gives_its_district(text: str, district: str):
    assert _district(text) == district


@pytest.mark.parametrize(
    "text",
    [
        "八里台 附近 餐馆招服务员",  # 八里台 is in 南开 and 津南 (八里台镇)
        "黄庄 附近 招保洁",  # 黄庄街道 (武清) or 黄庄镇 (宝坻)
        "海滨街道 社区招网格员",  # 大港's and 宝坻's
        "子牙河 沿岸 绿化队招工",  # a river through four districts
    ],
)
def test_a_name_two_districts_share_gives_no_guess(text: str):
    assert _district(text) is None
    assert find_districts(text) == []


def test_shared_names_are_recognised_not_dropped():
    assert {"八里台", "黄庄", "海滨街道", "子牙河"} <= SHARED_STREETS
    assert "八里台镇" in STREETS  # the full town name is 津南's alone


@pytest.mark.parametrize(
    "text",
    [
        "与客户合作愉快，招销售代表",  # 合作市
        "民营口腔诊所招前台",  # 营口
        "经营口碑好的老店招厨师",
        "完美无瑕的服务，招保洁",  # 无瑕街道 needs its suffix
        "天津大学生暑假兼职 发传单",  # students, not 天津大学
        "姜子牙主题餐厅招服务员",
        "发票台头请写公司名 招会计",
        "快递驿站招分拣员",
    ],
)
def test_ordinary_words_give_no_district(text: str):
    assert _district(text) is None


@pytest.mark.parametrize(
    "text", ["南京路 咖啡店招店员", "成都道 面包房招学徒", "营口道 服装店招导购"]
)
def test_a_road_named_after_a_city_is_not_that_city(text: str):
    area = parse_area(text)
    assert area is None or area.province in (None, "天津市")


def test_a_bare_central_district_standing_alone_is_read():
    assert _district("河西 家政公司招保姆") == "河西区"
    assert _district("世界和平 主题咖啡馆招人") is None


def test_a_city_named_again_with_its_county_short_form():
    # The first 深圳 names the company; the second, with 龙岗 right after it, the workplace.
    area = parse_area("深圳市某某科技有限公司诚聘 工作地址：深圳龙岗大运中心附近")
    assert area is not None
    assert (area.city, area.district) == ("深圳市", "龙岗区")
    # A county short form with no city right before it and no work-location label stays
    # unread; after a label it is the district (the city named elsewhere picks which).
    bare = parse_area("深圳市某某科技有限公司诚聘，居住在龙岗者优先")
    assert bare is not None
    assert bare.district is None
    labelled = parse_area("深圳市某某科技有限公司诚聘 工作地点：龙岗")
    assert labelled is not None
    assert (labelled.city, labelled.district) == ("深圳市", "龙岗区")


def test_an_ordinary_word_before_a_city_is_no_city():
    assert parse_area("负责提高平台的用户活跃度") is None  # 高平市


def test_a_word_about_the_city_is_still_the_city():
    area = parse_area("要求对佛山路况熟悉，会开车")
    assert area is not None
    assert area.city == "佛山市"


def test_a_full_county_name_after_its_city_wins_over_a_shorter_one():
    area = parse_area("门店在岳阳岳阳楼区步行街")
    assert area is not None
    assert area.district == "岳阳楼区"  # not 岳阳县, whose short form 岳阳 begins it


def test_tianjin_inside_a_place_name_is_not_the_posts_city():
    area = parse_area("天津理工大学毕业优先，工作地点：上海闵行区")
    assert area is not None
    assert (area.city, area.district) == ("上海市", "闵行区")


def test_a_university_named_as_schooling_is_not_the_place():
    assert _district("南开大学、天津大学等院校毕业优先，公司在河西区") == "河西区"
    assert _district("天津师范大学毕业生优先 招销售") is None
    assert _district("天津师范大学食堂招厨师 有健康证优先") == "西青区"
