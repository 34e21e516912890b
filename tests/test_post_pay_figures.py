"""Posts that state several pay figures (issue 14): which one is the offer, and what is kept.

The offer is what a typical worker earns, the figure push rules compare with a seeker's floor:
a base gives way to the earnings stated beside it (kept as `pay_base`), a range beats a lone
typical figure inside it (kept as `pay_typical`), and units are kept as written.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from matching.parser import ParsedPost, parse_post
from models.timeutil import LOCAL_TZ
from models.values import PayUnit

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
DAY, MONTH, PIECE = PayUnit.DAY, PayUnit.MONTH, PayUnit.PIECE


def one(text: str) -> ParsedPost:
    jobs = parse_post(text, NOW)
    assert len(jobs) == 1, [j.title for j in jobs]
    return jobs[0]


@pytest.mark.parametrize(
    ("text", "low", "high", "base"),
    [
        ("河西区 房产中介招置业顾问3名，底薪4800+提成，综合收入6500-9000", 6500, 9000, 4800),
        ("南开区洗车店招洗车工2名，底薪3500+提成，综合4500-6000，管吃", 4500, 6000, 3500),
        ("商场导购 底薪3000加提成 一般能拿6000 电话13800001111", 6000, 6000, 3000),
        ("连锁美发店 发型师 3名 底薪5000+提成 月入10000-20000", 10000, 20000, 5000),
        ("房产经纪人 10名 底薪4000+提成 月入1-3万 双休 五险", 10000, 30000, 4000),
    ],
)
def test_base_plus_commission_offers_the_earnings_and_keeps_the_base(text, low, high, base):
    job = one(text)
    assert (job.pay.min, job.pay.max, job.pay.unit) == (low, high, MONTH)
    assert job.pay_base == base
    assert job.to_json()["pay_base"] == base
    assert job.confidence["pay"] >= 0.6  # not asked again: the base's own certainty


def test_a_base_alone_stays_the_offer():
    job = one("北辰区 电话销售5名，底薪3000+提成，电话13800001111")
    assert (job.pay.min, job.pay.max, job.pay_base) == (3000, None, None)


def test_a_range_with_a_typical_figure_keeps_both():
    job = one("西青区 物流园分拣员10名 月薪4000-6000，一般5000左右 电话13800001111")
    assert (job.pay.min, job.pay.max, job.pay.unit) == (4000, 6000, MONTH)
    assert job.pay_typical == 5000


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("武清 蔬菜大棚 招长期工 3人，摘菜、打药，一个月四千，包住，60岁以下", 4000, 4000, MONTH),
        ("宝坻 养鸡场 招饲养员 2名，每人每月6000，管吃住", 6000, 6000, MONTH),
        ("梅江搬家，3楼没电梯，需要4个人，一人150，搬完就给钱", 150, 150, DAY),
        ("软件公司招前端实习生 2名，实习补贴一天150，电话 13800434445", 150, 150, DAY),
        ("养生馆 招推拿师 2名，提成制，一个钟提成60元，包住", 60, 60, PIECE),
        ("东丽区 仓库主管1名 薪资1.2w 五险一金", 12000, 12000, MONTH),
        ("东丽区 仓库分拣 5K-8K 电话13800001111", 5000, 8000, MONTH),
        ("东丽区 仓库分拣 6千到8千 包吃住", 6000, 8000, MONTH),
    ],
)
def test_pay_written_the_way_posts_write_it(text, low, high, unit):
    job = one(text)
    assert (job.pay.min, job.pay.max, job.pay.unit) == (low, high, unit)


def test_board_and_lodging_is_a_benefit_not_pay():
    job = one("静海 鱼塘招看塘的1名，包吃住，电话13800980011")
    assert not job.pay.known
    assert {"包吃", "包住"} <= set(job.benefits)


def test_a_fee_beside_the_pay_is_not_the_offer():
    job = one("保安 月薪5000起 交200元中介费包安排 电话13800114848")
    assert (job.pay.min, job.pay.max, job.pay.unit) == (5000, None, MONTH)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("西青 工地小工3名 一天200 干一天结一天", "日结"),
        ("河东 商场撤展 要8个男的 一人200 当晚结", "日结"),
        ("河西 搬家工4人 一天300 做完就给钱", "完工结"),
    ],
)
def test_settlement_as_people_say_it(text, period):
    assert one(text).pay.period == period


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("福利待遇：月薪6K-9K/月（看能力），过节费另算", 6000, 9000),
        ("薪资福利：8~12K\n五险一金", 8000, 12000),
        ("一、薪资：10-15K、每月另有300元房补", 10000, 15000),
        ("仓库文员（4K-6K）\n岗位职责：录单", 4000, 6000),
        ("文员 薪资4-5k   年龄25-40", 4000, 5000),
        ("工资构成：基本工资+绩效 月均薪资7K~9k；双休", 7000, 9000),
        ("底薪2500+全勤200元+提成，\n月综合薪资5千-7千", 5000, 7000),
    ],
)
def test_office_style_salary_lines(text, low, high):
    """The K ranges of platform postings, after 福利待遇/薪资福利 labels and before 、 or 年龄."""
    job = one(text)
    assert (job.pay.min, job.pay.max, job.pay.unit) == (low, high, MONTH)


def test_an_interns_allowance_is_their_pay_but_a_workers_is_not():
    intern = one("河西区 会计师事务所 招审计实习生2名，补贴120元/天，每周至少4天")
    assert (intern.pay.min, intern.pay.unit) == (120, DAY)
    worker = one("河西区 仓库招分拣员2名，月薪5000，餐补20元/天")
    assert (worker.pay.min, worker.pay.unit) == (5000, MONTH)


def test_the_pay_after_probation_is_the_offer():
    job = one("东丽区 招聘专员1名 试用期5k，转正6k-8k，包食宿")
    assert (job.pay.min, job.pay.max) == (6000, 8000)
    assert one("东丽区 仓库文员1名 仓库分拣5k，包吃住").pay.min == 5000


def test_paid_by_the_square_metre_is_a_piece_rate():
    job = one("二号桥 老房翻新 找两个刮大白的师傅，按平米算，一平十二块，干完结账 13800333435")
    assert (job.pay.min, job.pay.unit, job.pay.period) == (12, PIECE, "完工结")


def test_a_heading_on_the_next_line_is_no_bonus():
    job = one("底薪3-5k+提成\n提成按单算，综合月薪5K-1w/月\n奖金福利：节日礼品")
    assert (job.pay.min, job.pay.max, job.pay_base) == (5000, 10000, 3000)


def test_a_yearly_salary_keeps_its_unit_on_the_card_and_against_the_floor():
    from handlers.services.cards import pay_text

    job = one("北辰区双街 物流公司招仓储主管1名，年薪12-15万，电话13800001111")
    assert (job.pay.min, job.pay.max, job.pay.unit) == (120000, 150000, PayUnit.YEAR)
    assert pay_text(job.pay) == "120000-150000 元/年"
    assert job.pay.monthly("max") == 12500


def test_an_aside_between_the_pay_word_and_the_figure():
    job = one("南开区王顶堤 家政公司招月嫂2名，一个月（26天）12000起，住家 13800737475")
    assert (job.pay.min, job.pay.max, job.pay.unit) == (12000, None, MONTH)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("西青 搬家工3名 两百一天 13800001111", 200, 200, DAY),
        ("东丽 货站装卸工5名 一趟50，多拉多得 13800001111", 50, 50, PIECE),
        ("北辰 物流园分拣10名 一个月到手4500 13800001111", 4500, 4500, MONTH),
        ("河东 电话客服5名 保底5000，多劳多得 13800001111", 5000, None, MONTH),
        ("河东 门店导购2名 底薪3500，提成另算 13800001111", 3500, None, MONTH),
    ],
)
def test_spoken_rates_and_where_pay_starts(text, low, high, unit):
    job = one(text)
    assert (job.pay.min, job.pay.max, job.pay.unit) == (low, high, unit)
    assert job.confidence["pay"] >= 0.6


def test_a_range_above_the_base_is_the_earnings():
    job = one("河西区 信贷专员5名 保底5000+提成，月薪2-3万，双休 13800001111")
    assert (job.pay.min, job.pay.max, job.pay_base) == (20000, 30000, 5000)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("西青区 仓库分拣3名 5-7 K 电话13800001111", 5000, 7000),
        ("东丽区 文员1名 薪资6 k 双休 电话13800001111", 6000, 6000),
        ("东丽区 文员1名 薪资 6 K-8 K 双休", 6000, 8000),
        ("河西区 销售2名 1.2 w 五险一金", 12000, 12000),
    ],
)
def test_a_space_before_k_is_still_monthly_pay(text, low, high):
    job = one(text)
    assert (job.pay.min, job.pay.max, job.pay.unit) == (low, high, MONTH)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("保安2名 月薪5000 服装费300元 电话13800114848", 5000, 5000),  # a pay word before it wins
        ("保安2名 月薪5000起 交200元中介费包安排 电话13800114848", 5000, None),
        ("滨海新区 保安2名 月薪6000，押金500 电话13800001111", 6000, 6000),
    ],
)
def test_fees_beside_the_pay_are_not_pay(text, low, high):
    job = one(text)
    assert (job.pay.min, job.pay.max, job.pay.unit) == (low, high, MONTH)


def test_a_fee_alone_is_no_pay():
    assert not one("招打字员5名 先交198元培训费 电话13800114848").pay.known


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("西青 钟点工2名 两小时100 电话13800001111", 100),
        ("西青 促销员2名 3小时120元 电话13800001111", 120),
    ],
)
def test_pay_for_a_shift_of_hours_is_a_day_rate_not_hourly(text, amount):
    job = one(text)
    assert (job.pay.min, job.pay.unit) == (amount, DAY)
    assert job.pay_doubt is not None
    assert job.pay_doubt.unit == PayUnit.HOUR


@pytest.mark.parametrize(
    ("text", "low", "unit"),
    [
        ("塘沽外卖骑手5名 一单3元，多劳多得", 3, PIECE),
        ("河东 酒吧招服务员2名 一晚200 电话13800001111", 200, DAY),
        ("北辰 物流公司招仓储主管1名，年薪12-15万", 120000, PayUnit.YEAR),
    ],
)
def test_piece_night_and_yearly_rates_keep_their_unit(text, low, unit):
    job = one(text)
    assert (job.pay.min, job.pay.unit) == (low, unit)
