import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.pay import find_all_pay, find_pay, pay_floor_ratio
from matching.pay_figures import PayMatch
from models.values import Pay, PayUnit

DAY, MONTH, HOUR, PIECE = PayUnit.DAY, PayUnit.MONTH, PayUnit.HOUR, PayUnit.PIECE


def _pay(text: str) -> Pay:
    match = find_pay(text)
    assert match is not None, text
    return match.pay


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("日结180", 180, 180, DAY),
        ("一天150以上", 150, None, DAY),
        ("200元/天", 200, 200, DAY),
        ("每天220-260，干完结", 220, 260, DAY),
        ("5-8K·13薪", 5000, 8000, MONTH),
        ("5000-6000元/月", 5000, 6000, MONTH),
        ("薪资：５０００～８０００元／月", 5000, 8000, MONTH),
        ("月薪两千五", 2500, 2500, MONTH),
        ("工资两千五一个月", 2500, 2500, MONTH),
        ("工资三四千", 3000, 4000, MONTH),
        ("4千到6千", 4000, 6000, MONTH),
        ("1-1.5万", 10000, 15000, MONTH),
        ("3000元-5000元", 3000, 5000, MONTH),
        ("底薪3000+提成", 3000, None, MONTH),
        ("综合工资6000-8000元", 6000, 8000, MONTH),
        ("不超过5000元/月", None, 5000, MONTH),
        ("时薪20", 20, 20, HOUR),
        ("20元/小时", 20, 20, HOUR),
        ("每小时25元", 25, 25, HOUR),
        ("小时工20元一小时", 20, 20, HOUR),
        ("按件计酬，一件2元", 2, 2, PIECE),
        ("150以上", 150, None, DAY),
        ("3000-4500", 3000, 4500, MONTH),
        ("两千五", 2500, 2500, MONTH),
        # an installer's unit, a box, a thousand characters typed are pieces
        ("家电售后 一台安装费80-200 旺季月入过万", 80, 200, PIECE),
        ("装车 一箱2元", 2, 2, PIECE),
        ("抄写 一千字30元", 30, 30, PIECE),
        ("保洁 一天150 年龄 40-55", 150, 150, DAY),  # 年龄 after the figure counts no years
    ],
)
def test_find_pay_reads_common_pay_statements(text, low, high, unit):
    match = find_pay(text)
    assert match is not None
    assert (match.pay.min, match.pay.max, match.pay.unit) == (low, high, unit)


def test_yearly_pay_keeps_its_unit_and_compares_monthly():
    match = find_pay("年薪10-15万")
    assert match is not None
    assert (match.pay.min, match.pay.max, match.pay.unit) == (100000, 150000, PayUnit.YEAR)
    assert match.pay.monthly("max") == pytest.approx(12500)
    assert pay_floor_ratio(match.pay, Pay(5000, None, MONTH)) == pytest.approx(125000 / 12 / 5000)


def test_weekly_pay_becomes_daily_with_its_settlement():
    match = find_pay("周结，周薪1000")
    assert match is not None
    assert (match.pay.min, match.pay.unit, match.pay.period) == (200, DAY, "周结")


def test_daily_settlement_is_recorded_as_period():
    match = find_pay("明天西青区搬家，招4人，日结300，电话13800001111")
    assert match is not None
    assert match.pay == Pay(min=300, max=300, unit=DAY, period="日结")
    assert match.confidence >= 0.8


def test_span_points_at_the_pay_in_the_original_text():
    text = "急招保洁2名，工资：４５００元/月，包午餐"
    match = find_pay(text)
    assert match is not None
    assert text[match.span[0] : match.span[1]] == "４５００元/月"


@pytest.mark.parametrize(
    "text",
    [
        "招10名保洁，年龄18-50岁",
        "电话13812345678",
        "12月3日早上7点集合",
        "工作时间8:00-17:00",
        "要求3年以上经验",
        "每天工作8小时，做六休一",
        "五险一金，带薪年假",
        "距离地铁站500米",
        "共招20人",
        "交押金200元",
        "全勤奖300元",
        "熟练使用93K测试机",
        "招普工 包住 18-45 139 0000 1111",  # an age range in a post, not 18-45 an hour
    ],
)
def test_numbers_that_are_not_pay_are_ignored(text):
    match = find_pay(text)
    assert match is None or not match.pay.known


def test_fees_and_extras_do_not_shadow_the_pay():
    assert _pay("押金200元，日结300").min == 300
    assert _pay("加班费25元/小时，月薪4000") == Pay(min=4000, max=4000, unit=MONTH)
    assert _pay("12月3日早上7点集合，工资一天三百").min == 300


def test_negotiable_and_piece_rate_without_figures():
    assert _pay("薪资面议") == Pay(negotiable=True)
    assert _pay("计件，多劳多得") == Pay(unit=PIECE)
    assert not _pay("薪资面议").known


def test_figures_beat_negotiable():
    match = find_pay("司机：日结200；文员：薪资面议")
    assert match is not None
    assert match.pay.min == 200


def test_find_all_pay_lists_each_job_in_order():
    text = "1.保洁2名，日结150\n2.厨师1名，月薪6000-7000元\n3.小时工20元/小时\n4.销售面议"
    matches = find_all_pay(text)
    figures = [(m.pay.min, m.pay.unit) for m in matches if m.pay.known]
    assert figures == [(150, DAY), (6000, MONTH), (20, HOUR)]
    assert any(m.pay.negotiable for m in matches)
    assert [m.span for m in matches] == sorted(m.span for m in matches)


def test_mixed_multipliers_do_not_crash():
    # before the fix, the K/万 scale of "1.5万2.5" was read as float("1.52.5") and raised
    match = find_pay("工资1-1.5万2.5")
    assert match is not None
    assert match.pay.unit == MONTH


def test_nothing_stated():
    assert find_pay("") is None
    assert find_pay("招聘保洁，西青区") is None


def test_pay_floor_ratio_compares_monthly_equivalents():
    floor = Pay(min=150, unit=DAY)
    assert pay_floor_ratio(Pay(min=150, max=150, unit=DAY), floor) == pytest.approx(1.0)
    assert pay_floor_ratio(Pay(min=6000, max=7000, unit=MONTH), floor) == pytest.approx(
        6500 / (150 * 21.75)
    )
    assert pay_floor_ratio(Pay(min=20, max=20, unit=HOUR), floor) == pytest.approx(160 / 150)


def test_pay_floor_ratio_is_none_when_unknown():
    floor = Pay(min=4000, unit=MONTH)
    assert pay_floor_ratio(Pay(negotiable=True), floor) is None
    assert pay_floor_ratio(Pay(min=5000, unit=MONTH), Pay()) is None
    assert pay_floor_ratio(Pay(min=2, max=3, unit=PIECE), floor) is None
    assert pay_floor_ratio(Pay(min=2, max=4, unit=PIECE), Pay(min=2, unit=PIECE)) == 1.5


@given(st.text())
def test_find_pay_never_raises(text):
    match = find_pay(text)
    assert match is None or isinstance(match, PayMatch)
    for m in find_all_pay(text):
        assert 0.0 <= m.confidence <= 1.0
        assert 0 <= m.span[0] <= m.span[1] <= len(text)


@given(st.text(alphabet="0123456789.-~元/天月日结薪资工资一两三千万kKw以上面议计件时小 ，"))
def test_find_pay_never_raises_on_pay_like_soup(text):
    for m in find_all_pay(text):
        pay = m.pay
        if pay.min is not None and pay.max is not None:
            assert pay.min <= pay.max


# Patterns met while measuring against the development postings (wording our own).
def test_base_plus_extras_keeps_the_base():
    match = find_pay("无责底薪5000~8000元+绩效奖金+全勤")
    assert match is not None
    assert (match.pay.min, match.pay.max) == (5000, 8000)


def test_allowances_raises_and_overtime_are_not_pay():
    assert find_pay("另有1640岗位补贴") is None
    assert find_pay("薪资涨幅约一个月五百元") is None
    assert _pay("加班：一个小时20元；月薪5000").min == 5000


def test_meal_prices_and_fares_are_not_hourly_pay():
    assert find_pay("早餐4元，午餐6.5元，班车单程11元") is None


def test_day_rate_and_monthly_total_both_found():
    matches = find_all_pay("计件，一天220-260元，月综合7500-8200元")
    known = [(m.pay.min, m.pay.max, m.pay.unit) for m in matches if m.pay.known]
    assert known == [(220, 260, DAY), (7500, 8200, MONTH)]


def test_bare_wan_above_a_hundred_thousand_is_yearly():
    match = find_pay("薪资：18-24W，可面议")
    assert match is not None
    assert (match.pay.min, match.pay.max, match.pay.unit) == (180000, 240000, PayUnit.YEAR)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("招夜班保安，一晚200", 200.0, PayUnit.DAY),
        ("每晚180元，干一晚结一晚", 180.0, PayUnit.DAY),
        ("发传单4小时160元", 160.0, PayUnit.DAY),  # a 4-hour shift's pay, not hourly
        ("每小时20元", 20.0, PayUnit.HOUR),
    ],
)
def test_night_and_shift_pay(text: str, amount: float, unit: PayUnit) -> None:
    pay = find_pay(text)
    assert pay is not None
    assert (pay.pay.min, pay.pay.unit) == (amount, unit)


def test_evening_start_time_is_no_pay() -> None:
    pay = find_pay("晚8点上班，月薪4000")
    assert pay is not None
    assert (pay.pay.min, pay.pay.unit) == (4000.0, PayUnit.MONTH)


def test_a_phone_number_written_in_groups_is_never_pay():
    text = "帮忙带货 卖衣服 一个小时50 晚上播3小时 河北 158 0000 7094"
    assert [(m.pay.min, m.pay.unit) for m in find_all_pay(text)] == [(50.0, PayUnit.HOUR)]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("收银 2人 烟酒超市 8点-8点 做一休一 3800 河东 万达", 3800, 3800),
        ("养老院 招护理员\n照顾老人起居 喂饭 翻身\n4500-5500 包吃住\n50岁以下 女", 4500, 5500),
    ],
)
def test_a_bare_round_monthly_figure_is_the_pay_of_a_short_post(text, low, high):
    found = find_pay(text)
    assert found is not None
    assert (found.pay.min, found.pay.max, found.pay.unit) == (low, high, PayUnit.MONTH)


def test_a_bare_figure_is_no_pay_in_a_long_post_or_beside_a_day_rate():
    long_post = "公司介绍：" + "我们是一家专业的物流企业，服务全市客户。" * 25 + "仓库面积3800"
    assert find_pay(long_post) is None
    day_rate = find_all_pay("一天200 日结 班车接送 3000")
    assert all(m.pay.unit != PayUnit.MONTH for m in day_rate)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        # after a space, a word that starts a new phrase leaves the figure its pay: 五险 after
        # a range is no 800 number, 月休 and 周末 are no count of months or weeks
        ("快递站 配送员 一个月7000-9000 五险 自带电动车", 7000, 9000, PayUnit.MONTH),
        ("出纳 待遇：6000-7000 六险一金 双休", 6000, 7000, PayUnit.MONTH),
        ("住家保姆 照顾老人 7500 月休4天", 7500, 7500, PayUnit.MONTH),
        ("夜市帮忙 一晚150 周末两天", 150, 150, PayUnit.DAY),
        # 日赚 states a day's pay; 见习期 makes the allowance the pay; 一人 of a month's size
        ("在家就能做 日赚300-600 当天结", 300, 600, PayUnit.DAY),
        ("就业见习 见习期3个月 补贴3500/月 社区服务中心", 3500, 3500, PayUnit.MONTH),
        ("果园 招看园子的 2人 包吃住 一人4500", 4500, 4500, PayUnit.MONTH),
        ("搬家 3个人 一人200 搬完就结", 200, 200, PayUnit.DAY),
    ],
)
def test_phrases_around_a_figure_that_decide_its_pay(text, low, high, unit):
    found = find_pay(text)
    assert found is not None
    assert (found.pay.min, found.pay.max, found.pay.unit) == (low, high, unit)
