"""The push decision (issue 13): each bar, the service area and unknown-field narrowing."""

import pytest

from matching.push_rules import (
    STRONG_BAR,
    PairFeatures,
    PushRules,
    decide,
    in_service_area,
    is_held,
    names_place,
    posting_city,
    tier,
)
from models.messages import Location
from models.posting import Posting
from models.seeker import SeekerProfile
from models.values import Pay, PayUnit

RULES = PushRules()
PLAIN = PairFeatures(score=0.6, cosine=0.86)  # an ordinary cosine: no semantic evidence


def seeker(**changes) -> SeekerProfile:
    base = SeekerProfile(
        user_id=7,
        categories=("A",),
        districts=("西青区",),
        pay=Pay(150, None, PayUnit.DAY),
        consent=True,
    )
    return base.with_(**changes)


def posting(**changes) -> Posting:
    base = Posting(
        id=1,
        title="商场保洁",
        description="西青区商场保洁，早8晚5，日结200",
        categories=("A",),
        district="西青区",
        pay=Pay(200, 200, PayUnit.DAY),
    )
    return base.with_(**changes)


def test_a_fitting_pair_clears_every_bar_and_names_them():
    verdict = decide(seeker(), posting(), PLAIN, RULES)
    assert verdict.push
    assert verdict.cleared == (
        "risk:clear",
        "area:inside",
        "trade:category",
        "place:district",
        "pay:meets",
        "requirements:none_lacking",
    )
    assert tier(verdict) == 0


def test_risk_hold_blocks_and_is_one_rule():
    risky = posting(risk_score=0.5)
    assert is_held(risky, RULES)
    assert is_held(0.5, RULES)
    assert not is_held(0.49, RULES)
    assert decide(seeker(), risky, PLAIN, RULES).failed == "risk:held"


def test_trade_needs_positive_evidence_not_the_absence_of_a_mismatch():
    other = posting(title="按摩技师", description="足疗店招按摩技师", categories=("K",))
    assert decide(seeker(), other, PLAIN, RULES).failed == "trade:mismatch"
    # A form seeker's ticked trades are what they asked for: meaning alone does not widen them.
    close = PairFeatures(0.6, cosine=0.95)
    assert decide(seeker(), other, close, RULES).failed == "trade:mismatch"
    # A seeker known only by their words: a fit above the calibrated bar is evidence.
    wisher = seeker(categories=(), wish="想做足疗按摩")
    assert decide(wisher, other, close, RULES).push
    assert not decide(wisher, other, PLAIN, RULES).push


def test_unknown_trade_reaches_only_strong_own_word_matches():
    unknown = posting(title="招人", description="西青区招人卸货，日结200", categories=())
    assert decide(seeker(), unknown, PairFeatures(0.6, 0.99), RULES).failed == "trade:unknown"
    wisher = seeker(categories=(), wish="想找卸货的活")
    strong = PairFeatures(0.6, STRONG_BAR + 0.01)
    assert decide(wisher, unknown, strong, RULES).cleared[2] == "trade:own_words"
    assert not decide(wisher, unknown, PairFeatures(0.6, STRONG_BAR - 0.01), RULES).push


def test_place_districts_neighbours_and_a_tighter_limit():
    assert decide(seeker(), posting(district="宝坻区"), PLAIN, RULES).failed == (
        "place:outside_districts"
    )
    neighbour = posting(district="南开区")  # borders 西青
    assert decide(seeker(), neighbour, PLAIN, RULES).cleared[3] == "place:neighbour"
    # Two central districts count as neighbours too.
    central = seeker(districts=("和平区",))
    assert decide(central, posting(district="河北区"), PLAIN, RULES).push
    # A posting known only by its district may begin across the seeker's border, so a travel
    # limit does not turn a neighbour away (the seats say nothing of the job's distance) ...
    tight = seeker(max_km=5.0)
    assert decide(tight, neighbour, PLAIN, RULES).cleared[3] == "place:neighbour"
    # ... nor does a wide limit reach past them: the seats' distance is not the job's.
    hebei = posting(district="河北区")  # no border with 西青; seats about 16 km apart
    assert decide(seeker(), hebei, PLAIN, RULES).failed == "place:outside_districts"
    assert decide(seeker(max_km=30.0), hebei, PLAIN, RULES).failed == "place:outside_districts"
    assert decide(seeker(districts=()), posting(district="蓟州区"), PLAIN, RULES).push


def test_place_by_distance_when_the_seeker_shared_a_location():
    home = seeker(districts=(), location=Location(39.14, 117.01), max_km=10.0)  # 杨柳青
    assert decide(home, posting(), PLAIN, RULES).cleared[3] == "place:district"
    far = posting(district="宁河区")
    assert decide(home, far, PLAIN, RULES).failed == "place:too_far"
    near_point = posting(district=None, lat=39.15, lon=117.05)
    assert decide(home, near_point, PLAIN, RULES).cleared[3] == "place:distance"
    # A neighbouring district known only by name is near; with its own point, the limit decides.
    assert decide(home, posting(district="北辰区"), PLAIN, RULES).cleared[3] == "place:neighbour"
    far_point = posting(district="北辰区", lat=39.30, lon=117.13)  # 双口 is near; this is not
    assert decide(home, far_point, PLAIN, RULES).failed == "place:too_far"


def test_a_post_that_names_no_place_reaches_seekers_who_named_districts():
    # "商场保洁" names the kind of workplace, not where it is: the place is left open.
    open_place = posting(district=None, description="商场保洁，日结200")
    assert decide(seeker(), open_place, PLAIN, RULES).cleared[3] == "place:unstated"
    assert decide(seeker(districts=()), open_place, PLAIN, RULES).cleared[3] == "place:any"


def test_an_unlocated_named_place_narrows_to_anywhere_or_strong_own_words():
    landmark = posting(
        title="数控车床操作工", description="沙井子 循环经济产业区 招数控车床操作工，月薪7000"
    )
    landmark = landmark.with_(district=None)
    assert decide(seeker(), landmark, PLAIN, RULES).failed == "place:unplaced"
    assert decide(seeker(districts=()), landmark, PLAIN, RULES).push
    wisher = seeker(wish="数控车床")
    assert decide(wisher, landmark, PairFeatures(0.6, STRONG_BAR), RULES).push
    assert not decide(wisher, landmark, PairFeatures(0.6, STRONG_BAR - 0.01), RULES).push


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("银河国际购物中心 运动品牌专柜招导购", True),
        ("京津新城 服装厂 招缝纫工", True),
        ("和平路 美容院 招学徒", True),
        ("新港 集装箱堆场 招理货员", True),
        ("北站附近 牛肉面馆 招拉面师傅", True),
        ("【月牙河街道就业服务站 岗位推荐】社区食堂招厨师", True),
        ("商场保洁，日结200", False),  # a kind of workplace alone
        ("招小区保安，大型商场招保洁", False),
        ("劳务派遣 长期招工（宿舍、班车齐全）路费报销", False),
        ("招港口装卸工，不用久站", False),
        ("招住家保姆一名，照顾一位80岁老人", False),
    ],
)
def test_names_place_tells_a_named_place_from_none(text, named):
    assert names_place(text) is named


@pytest.mark.parametrize(
    ("offer", "hard", "expected"),
    [
        (Pay(150, 150, PayUnit.DAY), False, "pay:meets"),
        (Pay(145, 145, PayUnit.DAY), False, "pay:below_floor"),  # 3% below is below
        (Pay(145, 145, PayUnit.DAY), True, "pay:below_floor"),
        (Pay(120, 120, PayUnit.DAY), False, "pay:below_floor"),
        (Pay(3000, 3500, PayUnit.MONTH), False, "pay:meets"),  # top of range: 161/day
        (Pay(), False, "pay:unknown"),  # 面议 is unknown, never zero
        (Pay(3, 3, PayUnit.PIECE), False, "pay:unknown"),
    ],
)
def test_pay_floor_is_the_top_of_the_offer_against_the_floor(offer, hard, expected):
    verdict = decide(seeker(pay_hard=hard), posting(pay=offer), PLAIN, RULES)
    assert (verdict.failed or verdict.cleared[4]) == expected


def test_requirements_the_seeker_visibly_lacks_block():
    forklift = posting(
        title="叉车司机",
        description="西青区仓库招叉车司机，持叉车证上岗，日结200",
        categories=("B",),
    )
    mover = seeker(categories=("B",), skills="会搬运 能吃苦")
    assert decide(mover, forklift, PLAIN, RULES).failed == "requirements:lacks_forklift"
    licensed = seeker(categories=("B",), skills="有叉车证")
    assert decide(licensed, forklift, PLAIN, RULES).push
    # Said nothing about themselves: not visibly lacking, recorded with the push.
    silent = decide(seeker(categories=("B",)), forklift, PLAIN, RULES)
    assert silent.push
    assert silent.cleared[5] == "requirements:unstated_forklift"
    # A licence the employer arranges is no requirement.
    arranged = forklift.with_(title="仓库普工", description="仓库普工，叉车证可办，日结200")
    assert decide(mover, arranged, PLAIN, RULES).push


def test_a_licence_the_post_requires_without_naming_it_is_the_trades_own():
    """需持证 on an 电工 job needs an electrician's licence (issue 15); 有证优先 needs none."""
    electrician = posting(
        title="电工", description="西青区厂区电工，需持证，日结300", categories=("B",)
    )
    unlicensed = seeker(categories=("B",), skills="会修水管")
    assert decide(unlicensed, electrician, PLAIN, RULES).failed == "requirements:lacks_electrician"
    licensed = seeker(categories=("B",), skills="有电工证 十年经验")
    assert decide(licensed, electrician, PLAIN, RULES).push
    silent = decide(seeker(categories=("B",)), electrician, PLAIN, RULES)
    assert silent.cleared[5] == "requirements:unstated_electrician"
    preferred = electrician.with_(description="西青区厂区电工，有证优先，日结300")
    assert decide(unlicensed, preferred, PLAIN, RULES).push
    # A trade with no licence of its own: any licence the seeker names will do.
    cook = posting(title="厨师", description="持证上岗，月薪6000", categories=("B",))
    assert decide(unlicensed, cook, PLAIN, RULES).failed == "requirements:lacks_licence"
    assert decide(seeker(categories=("B",), skills="有厨师证"), cook, PLAIN, RULES).push
    no_licence = seeker(categories=("B",), skills="会炒菜 没有证")
    assert decide(no_licence, cook, PLAIN, RULES).failed == "requirements:lacks_licence"


def test_the_earnings_a_post_states_not_its_base_meet_the_floor():
    """底薪3000+提成，综合5000-7000 offers 5000-7000 to a seeker whose floor is 5000."""
    from datetime import datetime

    from matching.parser import parse_post, to_posting
    from models.posting import Trust

    now = datetime.fromisoformat("2026-12-02T10:00:00+08:00")
    job = parse_post("西青区商场导购2名，底薪3000+提成，综合5000-7000", now)[0]
    offer = to_posting(job, trust=Trust.RELAYED, now=now)
    floor = seeker(pay=Pay(5000, None, PayUnit.MONTH), categories=job.categories)
    assert decide(floor, offer.with_(id=1), PLAIN, RULES).cleared[4] == "pay:meets"
    assert job.pay_base == 3000


def test_seniority_blocks_a_worker():
    manager = posting(title="总经理（家政服务公司）", description="负责公司运营")
    assert decide(seeker(), manager, PLAIN, RULES).failed == "requirements:seniority"
    assert decide(seeker(experience="做过保洁主管三年"), manager, PLAIN, RULES).push


def test_service_area_blocks_other_cities_unless_asked():
    shenzhen = posting(district="南山区", address="深圳市南山区科技园", description="深圳保洁")
    assert posting_city(shenzhen) == "深圳市"
    assert in_service_area(shenzhen, "天津市") is False
    assert in_service_area(posting(), "天津市") is True
    verdict = decide(seeker(districts=()), shenzhen, PLAIN, RULES)
    assert verdict.failed == "area:outside"
    assert tier(verdict) == 3
    asked = seeker(districts=(), wish="想去深圳做保洁")
    assert decide(asked, shenzhen, PLAIN, RULES).cleared[1] == "area:asked"
    # Another service area: Tianjin's districts are then outside it (unless the seeker
    # picked that district themselves).
    beijing = PushRules(service_area="北京市")
    assert decide(seeker(districts=()), posting(), PLAIN, beijing).failed == "area:outside"
    assert decide(seeker(), posting(), PLAIN, beijing).cleared[1] == "area:asked"
    # Read as a reader in that city reads it: 朝阳 alone is Beijing's 朝阳区 there.
    wangjing = posting(district=None, address="朝阳 望京", description="望京 保洁")
    assert in_service_area(wangjing, "北京市") is True
    assert posting_city(wangjing) == "朝阳市"  # read from Tianjin: the city in Liaoning


def test_tiers_order_fits_before_near_misses_before_other_trades():
    near = decide(seeker(), posting(pay=Pay(100, 100, PayUnit.DAY)), PLAIN, RULES)
    other = decide(seeker(), posting(categories=("K",)), PLAIN, RULES)
    assert (tier(near), tier(other)) == (1, 2)


def test_only_the_postings_main_trade_counts_as_the_seekers_category():
    hedged = posting(title="普工", description="西青区食品厂招普工", categories=("J", "D"))
    assert decide(seeker(categories=("D",)), hedged, PLAIN, RULES).failed == "trade:mismatch"
    assert decide(seeker(categories=("J",)), hedged, PLAIN, RULES).push


def test_work_abroad_is_outside_the_service_area_even_with_a_local_office():
    abroad = posting(
        title="钢筋工",
        description="出国劳务 新加坡 建筑工，公司在南开区",
        categories=("O",),
        district="南开区",
    )
    builder = seeker(categories=("O",), districts=("南开区",))
    assert decide(builder, abroad, PLAIN, RULES).failed == "area:abroad"
    wants_abroad = builder.with_(wish="想出国打工")
    assert decide(wants_abroad, abroad, PLAIN, RULES).cleared[1] == "area:asked"


def test_a_named_city_or_remote_work_is_a_place_but_nothing_else_is():
    campus = posting(district=None, description="天津师范大学食堂招保洁，月薪3200")
    assert decide(seeker(), campus, PLAIN, RULES).cleared[3] == "place:city_only"
    remote = posting(district=None, description="在线客服，居家办公，月薪3500")
    assert decide(seeker(), remote, PLAIN, RULES).cleared[3] == "place:remote"


def test_neighbours_follow_the_map_across_the_haihe_and_not_past_hongqiao():
    dongli_side = seeker(districts=("河东区",))
    assert decide(dongli_side, posting(district="津南区"), PLAIN, RULES).cleared[3] == (
        "place:neighbour"
    )
    # 红桥区 lies between 南开 and 北辰: no border, and 北辰 is not central.
    nankai = seeker(districts=("南开区",))
    assert decide(nankai, posting(district="北辰区"), PLAIN, RULES).failed == (
        "place:outside_districts"
    )
