"""Risk rules, each on its own, their combination, and the hold that keeps a posting unpushed."""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.services.intake import store
from handlers.texts import t
from matching.parser import parse_post, to_posting
from matching.risk import RiskFlag, assess, combine, reason_parts
from models.posting import Posting, PostingStatus, Trust
from models.repos.intake import IntakeRepo
from models.timeutil import LOCAL_TZ
from models.values import Pay, PayUnit

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LOCAL_TZ)
MIN_WAGE = 2320.0
CLEAN = "河西区某酒店 服务员5名 月薪4500-5500 包吃住 联系张经理 15022223333"


def posting(text: str) -> Posting:
    return to_posting(parse_post(text, NOW)[0], trust=Trust.RELAYED, now=NOW)


def codes(text: str, **kwargs) -> set[str]:
    risk = assess(posting(text), min_wage_monthly=MIN_WAGE, **kwargs)
    return {reason_parts(r)[0] for r in risk.reasons}


def test_an_ordinary_post_carries_no_risk():
    risk = assess(posting(CLEAN), min_wage_monthly=MIN_WAGE)
    assert risk.score == 0.0
    assert risk.reasons == ()


@pytest.mark.parametrize(
    "text",
    [
        "招聘保安 月薪5000 需交押金500元 联系王经理13600000000",
        "招收银员 月薪4000 入职先交培训费 联系王经理13600000001",
        "招服务员 月薪4500 服装费200自理 联系王经理13600000002",
        "招普工 月薪5000 体检费150元 联系王经理13600000003",
        "招普工 月薪5000 先交300元 联系王经理13600000004",
    ],
)
def test_fees_asked_of_workers_hold_the_posting(text):
    risk = assess(posting(text), min_wage_monthly=MIN_WAGE)
    assert "fee" in {reason_parts(r)[0] for r in risk.reasons}
    assert risk.score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "招普工 月薪5000 不收取任何押金和费用 联系王经理13600000005",
        "招普工 月薪5000 体检费公司报销 联系王经理13600000006",
        "招普工 月薪5000 无押金 联系王经理13600000007",
    ],
)
def test_a_fee_the_post_denies_is_not_a_flag(text):
    assert "fee" not in codes(text)


def test_click_farming_and_home_typing():
    assert "brushing" in codes("刷单返利，日结，一单5-20元，宝妈学生皆可，加微信")
    typing = codes("在家手机打字兼职 日赚300-500 无需经验 时间自由")
    assert "home_typing" in typing
    assert "bait_words" in typing


def test_pay_far_above_the_category_is_bait():
    assert "bait_pay" in codes("高薪日结轻松 招保洁 日结800 河西区 联系王经理13600000008")
    assert "bait_pay" not in codes("招保洁 日结200 河西区 联系王经理13600000009")


def test_pay_below_the_minimum_wage():
    assert "below_min_wage" in codes("招保洁 月薪1800 河西区 联系王经理13600000010")
    assert "below_min_wage" in codes("招保洁 时薪10 河西区 联系王经理13600000011")
    assert "below_min_wage" not in codes("招保洁 月薪2500 河西区 联系王经理13600000012")
    high = assess(posting("招保洁 月薪2000 河西区 联系王经理13600000013"), min_wage_monthly=1900)
    assert not high.reasons  # the configured minimum decides


def test_no_employer_identity_and_no_contact():
    assert "no_identity" in codes("招人 日结200 电话13600000014")
    assert "no_contact" in codes("招人 日结200 来就干")
    assert "no_identity" not in codes(CLEAN)


def test_one_phone_posting_many_unrelated_jobs():
    history = [("A",), ("I",), ("K",)]
    assert "phone_spread" in codes(CLEAN, phone_history=history)
    assert "phone_spread" not in codes(CLEAN, phone_history=[("I",), ("I", "L")])
    many = assess(posting(CLEAN), min_wage_monthly=MIN_WAGE,
                  phone_history=[("A",), ("B",), ("C",), ("K",)])  # fmt: skip
    assert many.score >= 0.5


def test_mass_reposting():
    assert "mass_repost" in codes(CLEAN, sightings_today=6)
    assert "mass_repost" not in codes(CLEAN, sightings_today=2)


def test_flags_combine_as_noisy_or_and_keep_the_strongest_per_code():
    risk = assess(
        posting("高薪轻松日赚 在家打字 先交198元培训费 刷单 电话13100001111"),
        min_wage_monthly=MIN_WAGE,
    )
    assert 0.9 < risk.score <= 1.0
    assert reason_parts(risk.reasons[0])[0] == "brushing"  # strongest first
    two = combine([RiskFlag("x", 0.3), RiskFlag("y", 0.3), RiskFlag("x", 0.1)])
    assert two.score == pytest.approx(1 - 0.7 * 0.7)


def test_every_reason_code_has_a_text_in_both_languages():
    text = "高薪轻松日赚 刷单 在家打字 先交198元培训费 日结800 保洁"
    reasons = assess(posting(text), min_wage_monthly=MIN_WAGE, sightings_today=12,
                     phone_history=[("A",), ("B",), ("C",), ("D",), ("E",)]).reasons  # fmt: skip
    for reason in [*reasons, "below_min_wage:10", "no_identity", "no_contact"]:
        code, detail = reason_parts(reason)
        for lang in ("zh", "en"):
            assert t(f"risk.{code}", lang, detail=detail)


def test_verified_postings_need_no_named_employer():
    plain = Posting(id=None, title="搬家", description="日结300", phones=("13600000015",),
                    pay=Pay(300, 300, PayUnit.DAY))  # fmt: skip
    assert assess(plain, min_wage_monthly=MIN_WAGE).reasons == ("no_identity",)
    assert assess(plain.with_(trust=Trust.VERIFIED), min_wage_monthly=MIN_WAGE).reasons == ()


async def test_a_risky_posting_is_held_and_never_published(services):
    risky = posting("招聘保安 月薪8000 需交押金500元 服装费200 电话 13600000000")
    stored = await store(services, risky, source="relay", now=NOW)
    assert stored.held
    saved = await services.postings.get(stored.posting_id)
    assert saved is not None
    assert saved.status == PostingStatus.PENDING
    assert saved.published_at is None
    assert saved.risk_score >= services.policy.risk_hold_threshold
    assert reason_parts(saved.risk_reasons[0])[0] == "fee"
    assert [p.id for p in await IntakeRepo(services.db).pending()] == [stored.posting_id]
    deliveries = await services.db.fetchall(
        "SELECT id FROM deliveries WHERE posting_id = ?", (stored.posting_id,)
    )
    assert deliveries == []


async def test_mass_reposting_sends_a_live_posting_back_to_the_queue(services, clock):
    now = clock()
    first = await store(services, posting(CLEAN), source="g0", now=now, push=False)
    assert first.status == PostingStatus.PUBLISHED
    for n in range(1, 9):
        last = await store(services, posting(CLEAN), source=f"g{n}", now=now, push=False)
    assert last.posting_id == first.posting_id
    saved = await services.postings.get(first.posting_id)
    assert saved is not None
    assert saved.seen_count == 9
    assert "mass_repost:9" in saved.risk_reasons
    threshold = services.policy.risk_hold_threshold
    assert (saved.status == PostingStatus.PENDING) == (saved.risk_score >= threshold)


async def test_the_phone_history_comes_from_storage(services, clock):
    now = clock()
    phone = "13700009999"
    for job in (
        "保洁2名 河西区 日结200",
        "厨师1名 河西区 月薪6000",
        "美发助理2名 河西区 月薪4000",
    ):
        text = f"招{job} 张经理{phone}"
        await store(services, posting(text), source="x", now=now, push=False)
    fourth = await store(
        services,
        posting(f"招收银员 河西区 月薪4000 张经理{phone}"),
        source="x",
        now=now,
        push=False,
    )
    assert any(r.startswith("phone_spread") for r in fourth.risk.reasons)


def _held(text: str) -> tuple[bool, tuple[str, ...]]:
    now = datetime.fromisoformat("2026-11-23T10:00:00+08:00")
    risks = [
        assess(to_posting(job, trust=Trust.RELAYED, now=now), min_wage_monthly=2320.0)
        for job in parse_post(text, now)
    ]
    return any(r.score >= 0.5 for r in risks), tuple(c for r in risks for c in r.reasons)


@pytest.mark.parametrize(
    "text",
    [
        "保安 保洁 普工 月薪5000起 交200元中介费包安排 联系：13800114848",
        "高薪招住家保姆 月薪8000-15000 报名需交服务费500元 电话 13800031425",
        "出国劳务 新加坡 建筑工 月薪1.5万-2万 办理费用4.5万，签约先付30% ☎ 13800959697",
        "招保洁员 每天工作8小时 月薪1500 联系 13800161718",
        "招兼职店员，时薪10元，电话 13800192030",
        "事业单位 内部指标 包进 需交内推费3万 月薪7000 电话13800220011",
        "客服专员 日结500 先交200工牌费 电话13800220012",
        "线上陪聊 一小时100 需先充值666成为正式会员 电话13800220013",
        "柬埔寨西港 招客服 月薪2万 包机票 不需要外语 电话13800220014",
        "兼职 出租银行卡 一张卡一天300 电话13800220017",
        "轻松赚钱 跑分平台 日结 电话13800220018",
        "招合伙人 发展下线拿提成 拉人头奖励500 电话13800220019",
        "零基础学剪辑 包就业 学费可分期贷款 月薪过万 电话13800220020",
        # Money asked first in other words, paid tasks, lent papers, team pay, courses
        "仓库理货员 入职前需交三百元材料费 月薪5500 电话13800220023",
        "小区门岗 上岗前先交工衣钱 月结4800 电话13800220024",
        "食品厂普工 交完钱第二天就能进厂 月薪6000 电话13800220025",
        "赴韩国 农场工 月薪1.8万 先交定金8000 电话13800220026",
        "语音主播 签约后需交 公会费 1500 电话13800220027",
        "录入员 先交激活费68开通账号 日赚200 电话13800220028",
        "宝妈兼职 关注视频号 一个任务2元 当天结 电话13800220029",
        "轻松兼职 用你的身份证注册一下就给300 电话13800220030",
        "长期收购营业执照 对公账户出租 月给2000 电话13800220031",
        "招推广合伙人 团队越大收入越高 电话13800220032",
        "电商运营学员 0元入学 先学后付 包分配 月薪8000 电话13800220033",
        "KTV 夜场 招公主 少爷 日结 包住 电话13800220039",
        "招服务员 日结1000-2000 包住 电话13800220040",  # 8x a waiter's month: bait alone
        # things to buy or do first at the worker's cost, jobs and papers bought, accounts used
        "礼仪模特 面试后需先拍一套形象照（1680） 电话13800220043",
        "仓库打包 入职需购买公司指定的工作鞋 120元 电话13800220044",
        "物业保安 上岗前统一办门禁工牌30元 电话13800220045",
        "电力公司 内部名额 需要走点关系 费用私聊 电话13800220046",
        "电工 无证可以 我们包办 1200元 七天拿证 电话13800220047",
        "外卖平台 给商家写好评 一条10元 电话13800220048",
        "兼职 用你的微信帮店铺代收货款 按流水提成 电话13800220049",
        "收实名手机卡 一张200 电话13800220050",
        "农业项目 认购一份 年回报30% 电话13800220051",
        "东南亚 技术员 月薪4万 先到西双版纳 有人接 电话13800220052",
        "线上陪聊 不露脸 日入500 电话13800220053",
        "轻松日结 一天600 来了就知道 微信 abc600",
    ],
)
def test_fees_abroad_fees_and_illegal_pay_are_held(text: str) -> None:
    held, reasons = _held(text)
    assert held, reasons


@pytest.mark.parametrize(
    "text",
    [
        "连锁餐厅招服务员4名 月薪4200-4800，包吃包住，公司承担服装费，入职免费体检 赵店长",
        "律所 行政实习生 2名 每天150元 每周至少3天 电话 022-23301234",
        "超市收银员 2名 负责会员充值和收款 月薪4200 王店长 13800220015",
        "外贸业务员 产品远销越南、老挝等国 月薪6000起 高薪提成 刘经理 13800220016",
        "银行大堂经理 负责银行卡业务办理 月薪6000 五险一金 李经理 13800220021",
        "性能测试工程师 负责手机跑分和功耗测试 月薪12000 周经理 13800220022",
        # Money that is the worker's, or that the worker's own share of insurance is
        "空调安装师傅 一台安装费80-200 多劳多得 孙经理 13800220034",
        "饭店传菜员 押金不要 管吃住 月薪4000 钱经理 13800220035",
        "物流园分拣 五险一金（个人需要缴纳9元/月） 月薪5500 吴经理 13800220036",
        "新媒体运营 提高账号点赞收藏 月薪7000 郑经理 13800220037",
        "电子厂普工 老员工推荐新人入职奖励500元 月薪6000 冯经理 13800220038",
        "装修木工 一天500 熟手 蒋师傅 13800220041",  # a skilled day rate is no bait
        "金牌月嫂 26天12800 住家 韩姐 13800220042",
        "出国劳务 新加坡 焊工 月薪1.5万 不收取任何中介费、押金，机票由雇主承担 周经理 13800220054",
        "叉车司机 培训费用全部公司承担 月薪5500 吴经理 13800220055",
        "面点师 需办理健康证50元自理 月薪5000 王店长 13800220056",
        "收银员 熟悉支付宝、微信收款 月薪4000 李店长 13800220057",
        "量贩式KTV 招服务员 不陪酒 月薪5000 钱经理 13800220058",
        "销售助理 跟进货款收付 月薪5000 孙经理 13800220059",
    ],
)
def test_costs_the_employer_bears_are_no_scam(text: str) -> None:
    held, reasons = _held(text)
    assert not held, reasons
