import pytest
from hypothesis import given
from hypothesis import strategies as st

from scripts.pay_labels import stated_pay


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("薪资待遇：4500-6000元，包吃住", 4500, 6000),
        ("月薪4,500 - 6,000元，五险一金", 4500, 6000),
        ("工资4500元至6000元", 4500, 6000),
        ("综合收入4500到6000", 4500, 6000),
        ("待遇 4500～6000 ，双休", 4500, 6000),
        ("待遇4500~6000", 4500, 6000),
        ("待遇4500—6000", 4500, 6000),
        ("待遇4500——6000", 4500, 6000),
        ("待遇4500－6000", 4500, 6000),
        ("薪资：4.5k-6k", 4500, 6000),
        ("薪资：4.5K-6K", 4500, 6000),
        ("薪资：4.5-6k，包住", 4500, 6000),
        ("月薪4-6千", 4000, 6000),
        ("月薪5千-8千", 5000, 8000),
        ("综合薪资0.8-1.2万", 8000, 12000),
        ("综合薪资1.2w-1.5W", 12000, 15000),
        ("税前1万2到1万5", 12000, 15000),
        ("底薪4千5到6千", 4500, 6000),
        ("月薪6-1.2万，看能力", 6000, 12000),
    ],
)
def test_a_written_range_of_the_platforms_figures_is_a_monthly_label(text, low, high):
    assert stated_pay(text, low, high) == (low, high, "month")


def test_a_tail_digit_follows_only_qian_and_wan():
    assert stated_pay("月薪8k3-5年经验优先", 8000, 8000) == (8000, 8000, "month")


def test_the_platforms_figures_come_back_as_stored():
    assert stated_pay("综合工资6-8k", 6001, 8000) == (6001, 8000, "month")  # ZHILIAN's 6001
    assert stated_pay("综合工资6-8k", 6003, 8000) is None


def test_months_paid_keep_the_unit_monthly():
    assert stated_pay("前端开发 10-15K·13薪", 10000, 15000) == (10000, 15000, "month")
    assert stated_pay("薪资10-15k*14薪", 10000, 15000) == (10000, 15000, "month")


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("兼职服务员，150-200元/天，日结", 150, 200, "day"),
        ("日薪：150-200", 150, 200, "day"),
        ("150-200元一天", 150, 200, "day"),
        ("25-30元/小时，周末兼职", 25, 30, "hour"),
        ("时薪25-30元", 25, 30, "hour"),
        ("每小时25到30元", 25, 30, "hour"),
        ("6000-8000元/月", 6000, 8000, "month"),
        ("年薪10-15万，五险一金", 100000, 150000, "year"),
        ("10-15万/年", 100000, 150000, "year"),
        ("20-30万年薪", 200000, 300000, "year"),
    ],
)
def test_the_unit_is_read_from_the_text(text, low, high, unit):
    assert stated_pay(text, low, high) == (low, high, unit)


def test_the_unit_word_nearest_the_figures_wins():
    assert stated_pay("每天上班月薪6-8k", 6000, 8000) == (6000, 8000, "month")
    assert stated_pay("每月结算日薪200-300", 200, 300) == (200, 300, "day")


def test_a_year_after_one_is_no_yearly_pay():
    assert stated_pay("薪资20-30k一年后晋升", 20000, 30000) == (20000, 30000, "month")


def test_no_label_when_figures_and_unit_cannot_go_together():
    assert stated_pay("150-250，多劳多得", 150, 250) is None  # a day or hour rate, unsure
    assert stated_pay("项目奖金10-15万", 100000, 150000) is None
    assert stated_pay("薪资10-15万", 100000, 150000) is None  # no unit on yearly-looking figures
    assert stated_pay("6000-8000元/天", 6000, 8000) is None


def test_two_readings_with_different_units_give_no_label():
    assert stated_pay("白班200-300元/天，夜班200-300元/小时", 200, 300) is None


def test_a_single_figure_counts_only_when_the_platform_has_one():
    assert stated_pay("月薪6000，包吃住", 6000, 6000) == (6000, 6000, "month")
    assert stated_pay("门卫岗6k", 6000, 6000) == (6000, 6000, "month")
    assert stated_pay("底薪6000，提成另算", 6000, 8000) is None
    assert stated_pay("我们服务6000家企业", 6000, 6000) is None
    assert stated_pay("厂区占地6000，环境好", 6000, 6000) is None  # bare, no money mark


def test_the_other_figures_must_match_too():
    assert stated_pay("试用期5-6k，转正后8-10k", 8000, 10000) == (8000, 10000, "month")
    assert stated_pay("试用期5-6k，转正后8-10k", 5000, 10000) is None


def test_figures_inside_a_longer_number_are_not_pay():
    assert stated_pay("联系电话13800005000-8000", 5000, 8000) is None
    assert stated_pay("编号45000-60001", 5000, 6000) is None


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("公司注册资本5000-8000万", 50000000, 80000000),
        ("注册资本：3000-5000万元", 30000000, 50000000),
        ("年营业额5000-8000万", 50000000, 80000000),
        ("年终奖：2-4万", 20000, 40000),
        ("另有项目提成3000-5000元", 3000, 5000),
        ("餐补300-500元", 300, 500),
        ("招聘3000-5000人", 3000, 5000),
        ("2019-2023年连续获奖", 2019, 2023),
        ("厂房5000-8000平", 5000, 8000),
        ("5-8k米高空", 5000, 8000),
        ("载重5-8kg", 5000, 8000),
        ("每天工作8-10小时", 8, 10),
        ("每月10-15日发工资", 10, 15),
    ],
)
def test_traps_are_not_pay(text, low, high):
    assert stated_pay(text, low, high) is None


def test_a_bonus_word_loses_the_figures_to_a_pay_word_between():
    assert stated_pay("另有提成，月综合收入7-9k", 7000, 9000) == (7000, 9000, "month")
    assert stated_pay("底薪+提成6-9K", 6000, 9000) == (6000, 9000, "month")


def test_no_label_without_platform_figures():
    assert stated_pay("薪资5-8k", 0, 0) is None
    assert stated_pay("薪资5-8k", 8000, 5000) is None


def test_one_roles_pay_in_a_post_listing_roles_is_no_label():
    post = "招聘：1、前台接待员：月薪5-6k，包住；2、仓库管理员：月薪6-8k，包吃。"
    assert stated_pay(post, 6000, 8000) is None
    assert stated_pay(post, 5000, 6000) is None
    assert stated_pay(post + "综合月薪6-8k", 6000, 8000) is None


def test_numbered_tiers_of_one_job_still_label():
    post = "待遇：1、试用期5-6k；2、转正后8-10k"
    assert stated_pay(post, 8000, 10000) == (8000, 10000, "month")
    post = "待遇：1、新入职员工月薪6-8k；2、老员工8-10k"
    assert stated_pay(post, 6000, 8000) == (6000, 8000, "month")


def _k(v: int) -> str:
    return f"{v / 1000:g}k"


def _wan(v: int) -> str:
    return f"{v / 10000:g}万"


@given(
    low=st.integers(2, 60).map(lambda n: n * 500),
    rise=st.integers(1, 40).map(lambda n: n * 500),
    form=st.sampled_from(
        [
            lambda a, b: f"{a}-{b}元",
            lambda a, b: f"{a:,}至{b:,}元",
            lambda a, b: f"{_k(a)}~{_k(b)}",
            lambda a, b: f"{_k(a)[:-1]}-{_k(b)}",
            lambda a, b: f"{_wan(a)}到{_wan(b)}",
        ]
    ),
)
def test_any_monthly_range_in_any_form_is_read(low, rise, form):
    high = low + rise
    text = f"岗位待遇：综合月薪{form(low, high)}，五险一金，3-5年经验"
    assert stated_pay(text, low, high) == (low, high, "month")
    assert stated_pay(text, low + 500, high) is None
