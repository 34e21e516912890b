"""Fraud and abuse signals in postings, each with a reason code; a 0..1 score feeds ranking.

The patterns are those of the employment-service plans: fees or deposits asked of workers
(by any name, or as money to pay first: 先交定金, 交完钱就能进厂), high pay offered in the
countries of the scam compounds (or free flights and no language needed anywhere abroad), 刷单,
paid phone "tasks" and "打字兼职", renting out bank cards, accounts or a company's papers (两卡),
recruiting recruiters (传销), training paid by a loan or "先学后付" (培训贷), hostess work in
night venues (夜场), bait
pay ("高薪日结轻松"), pay under the minimum wage, no identifiable employer, one phone posting
many unrelated jobs, and one post pasted everywhere. Flags combine as a noisy-or, so two weak
signals weigh less than one strong one; at `Policy.risk_hold_threshold` (0.5) a posting waits
for a caseworker. Reason codes are rendered
through the text catalogue (`risk.<code>`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from matching.post_fields import find_contact_name, find_employer
from models.posting import Posting, Trust
from models.values import HOURS_PER_DAY, WORKDAYS_PER_MONTH, PayUnit

# Weights (probability-like, combined by noisy-or). A fee or 刷单 alone holds a posting (>= 0.5);
# the softer signals need company: bait pay + no identity = 1 - 0.65 * 0.85 = 0.45, not held.
W_FEE = 0.6
W_BRUSHING = 0.8
W_CARDS = 0.8
W_PYRAMID = 0.7
W_TRAINING_LOAN = 0.6
W_NIGHTLIFE = 0.5
W_HOME_TYPING = 0.35
W_BAIT_PAY = 0.35
W_BAIT_PAY_FAR = 0.5  # a gig paying 6x its trade's month (日结1000-2000 服务员) holds alone
W_BAIT_WORDS = 0.2
W_BELOW_MIN = 0.3
W_BELOW_MIN_FAR = 0.5
W_NO_IDENTITY = 0.15
W_NO_CONTACT = 0.25
W_PHONE_SPREAD = 0.35
W_PHONE_SPREAD_MANY = 0.5
W_REPOST = 0.25
W_REPOST_MANY = 0.4

# Typical monthly pay per category in Tianjin (2024 job-board ranges, upper middle). "Far above"
# is 3x: 日结800 for 保洁 is 17,400/month against 5,500.
USUAL_MONTHLY = {
    "A": 5500, "B": 7000, "C": 8000, "D": 5000, "E": 7000, "F": 8000, "G": 6000, "H": 6000,
    "I": 5500, "J": 6500, "K": 6000, "L": 5000, "M": 4500, "N": 6000, "O": 8000, "P": 5000,
    "Q": 3500,
}  # fmt: skip
BAIT_RATIO = 3.0
BAIT_RATIO_FAR = 6.0
REPOST_SIGHTINGS = 5  # the same post seen 5+ times in a day
REPOST_SIGHTINGS_MANY = 10
SPREAD_CATEGORIES = 3  # one phone, 3+ unrelated categories in 30 days
SPREAD_CATEGORIES_MANY = 5

_FEE_WORDS = (
    "押金|培训费|服装费|工装费|体检费|报名费|中介费|介绍费|资料费|保证金|会员费|入职费|办卡费|"
    "工本费|管理费|建档费|信息费|服务费|办理费|手续费|办证费|签证费|办理费用|押金费|内推费|"
    "工牌费|认证费|入会费|上岗费|岗前费|安置费|置装费|考证费|挂靠费|激活费|开通费|权限费|解冻费|"
    "公会费|入门费|名额费|占位费|工衣费|工衣钱|装备费|押身份证|扣押身份证|诚意金|押证金|排号费|"
    "茶水费|床位费|工具费|器材费|道具费|化妆费|拍照费|照片费|档案费|鉴定费|证书费|发证费|押卡费|"
    "占坑费|考试费|拜师费|模卡费"
)
# An amount: 300元, 三百元, 1万, 30%.
_AMOUNT = (
    r"(?:[\d一二两三四五六七八九十百千万]+(?:\.\d+)?\s*(?:元|块|万|%)"
    r"|[一二两三四五六七八九十]+[百千万])"
)
# Money asked first, in whatever words: 先交200, 需交 公会费 2000, 上岗前先交工衣钱, 先交定金5000,
# 交完钱就能进厂, 预付1万, 需先充值888 (a "认证" top-up). The worker's own share of social
# insurance (个人需缴纳9元) is no fee (`_INSURANCE_BEFORE`).
_FEE = re.compile(
    rf"(?P<w>{_FEE_WORDS})"
    r"|(?P<n>(?:[先需要须得]|必须)(?:交纳|缴纳|交|缴|付)(?!社保|五险|六险|公积金|保险|个税)"
    rf"[^，。；,.;!！\s]{{0,6}}?(?:钱|费|押金|定金|订金|{_AMOUNT}|\d{{2,}})"
    rf"|预付\s*{_AMOUNT}|交(?:完|了)钱|[先需要]\S?充值"
    r"|先把\S{0,6}?(?:钱|费|押金)\S{0,2}?(?:交|付|缴)"  # the money named before the verb
    # something to buy, make or do first at the worker's cost: 需先拍一套模卡(1280), 入职需购买
    # 公司指定的意外险 260元, 统一办工牌卡50元, 首单进货1980元, 字帖和钢笔（168元一套）
    rf"|(?:[先需要须得]|必须|统一)\s*先?(?:购买|买|办|拍|定制|进货)[^，。；;!！\n]{{0,12}}?"
    rf"(?:{_AMOUNT}|\d{{3,}})"
    rf"|(?:指定|定制)[^，。；;!！\n]{{0,10}}?{_AMOUNT}|进货\s*{_AMOUNT}"
    # a job bought through connections (内部指标, 打点) and a certificate bought (包办 980元 拿证)
    r"|(?:找|走)点?关系|关系打点|打点关系|费用(?:面谈|私聊|另议)"
    rf"|(?:包办|代办)[^，。；;!！\n]{{0,6}}?{_AMOUNT}|\S{{0,2}}天拿证|包拿证"
    rf"|体检[^，。；;!！\n]{{0,14}}?{_AMOUNT})"
)
_FEE_WORD = re.compile(_FEE_WORDS)
_INSURANCE_BEFORE = re.compile(r"社保|五险|六险|保险|公积金")
# 出国劳务 (labour abroad) that asks the worker for any fee is the classic deposit scam.
_ABROAD = re.compile(r"出国劳务|出国务工|海外务工|劳务输出")
_ABROAD_FEE = re.compile(r"费|先付|预付|定金|订金")
W_ABROAD_FEE = 0.7
# High pay in the countries where scam compounds hold trafficked workers (the Ministry of Public
# Security's warnings name them): "缅甸 柬埔寨 高薪 客服 包机票" is the lure itself.
_COMPOUND_PLACES = re.compile(
    r"缅甸|柬埔寨|老挝|妙瓦底|西港|金三角|[Kk]{2}园区|泰国边境|缅北|东南亚|西双版纳|云南边境|瑞丽"
)
_ABROAD_LURE = re.compile(
    r"月薪\s*\d+(?:\.\d+)?\s*[万wW]|包机票|报销机票|不用会外语|不需要外语|无需外语|免费出国|包签证"
)
_ABROAD_LURE_SOFT = re.compile(r"高薪|轻松")  # an exporter's sales job says 高薪 too
# Elsewhere abroad, only the lure no real employer needs: free flights and visas, no language.
_COUNTRIES = re.compile(
    r"迪拜|阿联酋|沙特|泰国|越南|菲律宾|马来西亚|印尼|新加坡|日本|韩国|澳洲|澳大利亚|新西兰|加拿大"
    r"|美国|英国|德国|俄罗斯|非洲|中东|东南亚|国外|海外|境外"
)
_LURE_ANYWHERE = re.compile(r"包机票|报销机票|免费出国|包签证|不用会外语|不需要外语|无需外语")
W_ABROAD_LURE = 0.7
W_ABROAD_LURE_SOFT = 0.35
LURE_NEAR = 40  # characters either side of the place
_FEE_DENIED_BEFORE = re.compile(
    r"(?:不|无|没|免|零|拒绝|不收|不需|无需|不用|不交|没有|(?<![\d.])0|承担|报销|提供)\S{0,3}$"
)
_FEE_DENIED_AFTER = re.compile(
    r"^\S{0,3}(?:公司承担|公司报销|报销|公司出|全免|由公司)|^\s*(?:不要|不收|免收|全免|没有)"
)
# The phrase a fee stands in (up to a space or a stop): a denial anywhere in it denies the fee
# ("不收取任何中介费、押金", "培训费用全部公司承担", "体检费入职满一个月报销").
_PHRASE_BREAK = re.compile(r"[\s，。；;!！?？]")
_PHRASE_DENIAL = re.compile(
    r"不收|不需|无需|不用|不交|免收|免费|全免|拒绝|没有任何|公司承担|公司出|雇主承担|报销"
    r"|健康证"  # a food worker's 健康证 is the law's, paid at the CDC: no fee to the employer
)
_BRUSHING = re.compile(
    r"刷单|刷信誉|刷好评|刷销量|垫付|返利|点赞员|抖音点赞|淘宝补单|补单|写好评|好评返现|五星好评"
    # Paid "tasks" on a phone, the front of most 刷单 frauds (none in 48k real postings).
    rf"|(?:点赞|做任务|领任务|接任务|看视频|刷视频|看广告)(?=[^，。；,.;]{{0,10}}?"
    rf"(?:一单|一个|每单|每个|佣金|赚|挣|提现|日结|日入|{_AMOUNT}))"
    rf"|(?:一个|每个|一单|每单)任务\s*{_AMOUNT}"
)
# Renting out one's bank card, phone card or WeChat account (两卡, the police's "帮信罪" warnings):
# the worker becomes the money launderer's tool and the one prosecuted.
_CARDS = re.compile(
    r"(?:出租|出售|收购|出借|租用|回收)(?:银行卡|电话卡|手机卡|微信号|支付宝)|银行卡出租|收银行卡|"
    r"跑分(?:平台|兼职|赚钱|项目)|做跑分|收U(?![A-Za-z])|USDT|帮忙取现|帮忙转账|"
    # A company's papers or one's identity lent for money ("营业执照出租", "用你的身份证注册").
    r"(?:出租|出借|借用|租用|收购|出售)(?:营业执照|对公账户|身份证|执照|公户)|"
    r"(?:银行卡|电话卡|手机卡|微信号|支付宝)(?:出借|借用|借给|租给|出售|卖给)|"
    r"(?:借|租|收|买)(?:你的|您的|个人)(?:银行卡|电话卡|手机卡|身份证)|"
    r"(?:营业执照|对公账户|身份证|公户)(?:出租|出借|出售)|用(?:你|您)的身份证|身份证注册|"
    r"收(?:老|旧|实名)?(?:微信号|QQ号|手机卡|电话卡|银行卡|实名卡)|"
    # money collected through one's own account and passed on (帮信: laundering)
    r"用(?:你|您)?(?:自己)?的?(?:支付宝|微信|银行卡|收款码)\S{0,12}?(?:收款|收货款|代收|转账)|"
    r"转到指定账户|按流水"
)
# Recruiting recruiters: pay from the people one brings in (传销).
_PYRAMID = re.compile(
    r"拉人头|发展下线|下线提成|静态收益|动态收益|入股分红|交钱入股|管道收益|团队越大|多级分佣|"
    r"三级分销|下级提成|躺挣|拉(?:一个|1个|一)人\S{0,4}?(?:奖|给|提成|返)|认购一份|"
    r"[年月]回报|回报\S{0,4}?万|入股\S{0,4}?\d"
)
# A training course paid with a loan in the worker's name (培训贷).
_TRAINING_LOAN = re.compile(
    r"(?:培训|学费)[^，。；;!！\n]{0,10}(?:分期|贷款|网贷)|(?:分期|贷款)\S{0,6}(?:培训|学费)|"
    r"培训贷|学费贷|"
    r"[0零]元入学|先学后付|先就业后付|零首付"
)
# Hostess work in night venues (夜场 公主/少爷, 陪酒): the police's warnings tie it to sex work
# and to the "高薪" lure of fraud rings; none of 48k real postings asks for it.
_NIGHTLIFE = re.compile(
    r"(?<!不)(?:夜场|陪酒|陪唱|伴游|商务模特|佳丽|陪聊)|(?:KTV|ktv|会所|夜总会|酒吧)\S{0,10}?(?:公主|少爷)"
)
# What no employer says of real work: "来了就知道", "不要问太多".
_EVASIVE = re.compile(r"来了就知道|到了就知道|去了就知道|不要问太多|别问太多|不该问的别问|懂的来")
W_EVASIVE = 0.35  # with no contact or bait beside it, the post waits for a caseworker
_HOME_TYPING = re.compile(r"打字员|打字兼职|手机打字|在家打字|手机兼职|足不出户|躺赚|动动手指")
_BAIT = re.compile(r"高薪|轻松|日赚|日入|无需经验|不需要经验|时间自由|多劳多得|上不封顶|月入过万")


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """One signal: a reason code (`risk.<code>` in the catalogue), its detail and weight."""

    code: str
    weight: float
    detail: str = ""

    @property
    def reason(self) -> str:
        """The stored form, "code" or "code:detail" (e.g. "fee:押金")."""
        return f"{self.code}:{self.detail}" if self.detail else self.code


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The combined score (0..1) and the flags behind it, strongest first."""

    score: float
    flags: tuple[RiskFlag, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Stored reason codes, strongest first."""
        return tuple(f.reason for f in self.flags)


def assess(
    posting: Posting,
    *,
    min_wage_monthly: float,
    phone_history: Sequence[Sequence[str]] = (),
    sightings_today: int = 1,
) -> RiskAssessment:
    """Score a posting; `phone_history` is the category codes of the phone's other postings."""
    text = "\n".join(x for x in (posting.title, posting.description, posting.original_text) if x)
    flags = [
        *_fee_flags(text),
        *_abroad_lure_flags(text),
        *_content_flags(text),
        *_pay_flags(posting, text, min_wage_monthly),
        *_identity_flags(posting, text),
        *_phone_flags(posting, phone_history),
        *_repost_flags(sightings_today),
    ]
    return combine(flags)


def combine(flags: Sequence[RiskFlag]) -> RiskAssessment:
    """Noisy-or of the flags' weights; one flag per code (the strongest)."""
    strongest: dict[str, RiskFlag] = {}
    for flag in flags:
        if flag.code not in strongest or flag.weight > strongest[flag.code].weight:
            strongest[flag.code] = flag
    keep = sorted(strongest.values(), key=lambda f: -f.weight)
    clear = 1.0
    for flag in keep:
        clear *= 1.0 - flag.weight
    return RiskAssessment(round(1.0 - clear, 3), tuple(keep))


def reason_parts(reason: str) -> tuple[str, str]:
    """("fee", "押金") from a stored reason "fee:押金"; the detail may be empty."""
    code, _, detail = reason.partition(":")
    return code, detail


def _fee_flags(text: str) -> list[RiskFlag]:
    for m in _FEE.finditer(text):
        before, after = text[max(0, m.start() - 5) : m.start()], text[m.end() : m.end() + 6]
        if _FEE_DENIED_BEFORE.search(before) or _FEE_DENIED_AFTER.search(after):
            continue  # "不收取任何押金", "体检费公司报销", "押金不要"
        if _phrase_denies(text, m):
            continue
        if m.group("n") and _INSURANCE_BEFORE.search(text[max(0, m.start() - 15) : m.start()]):
            continue  # "五险一金（个人需要缴纳9元/月）"
        # The fee's own name when the ask contains one ("需交押金" is 押金), else the ask.
        word = m.group("w") or (_FEE_WORD.search(m.group("n")) or m).group()
        flags = [RiskFlag("fee", W_FEE, word)]
        if _ABROAD.search(text):
            flags.append(RiskFlag("abroad_fee", W_ABROAD_FEE, word))
        return flags
    if _ABROAD.search(text) and any(
        not _phrase_denies(text, m) for m in _ABROAD_FEE.finditer(text)
    ):
        return [RiskFlag("abroad_fee", W_ABROAD_FEE, "费用")]  # "机票由雇主承担" asks nothing
    return []


def _phrase_denies(text: str, m: re.Match[str]) -> bool:
    """Whether the phrase a fee word stands in (up to a space or a stop) denies the fee."""
    start, end = m.span()
    left = max(
        (m.end() for m in _PHRASE_BREAK.finditer(text, max(0, start - 16), start)),
        default=max(0, start - 16),
    )
    right = _PHRASE_BREAK.search(text, end, end + 16)
    return _PHRASE_DENIAL.search(text[left : right.start() if right else end + 16]) is not None


def _abroad_lure_flags(text: str) -> list[RiskFlag]:
    """The place and the lure close together: "远销越南、老挝等国" is an exporter, no job there."""
    flags = []
    for place in _COMPOUND_PLACES.finditer(text):
        near = text[max(0, place.start() - LURE_NEAR) : place.end() + LURE_NEAR]
        if _ABROAD_LURE.search(near):
            flags.append(RiskFlag("abroad_lure", W_ABROAD_LURE, place.group()))
        elif _ABROAD_LURE_SOFT.search(near):
            flags.append(RiskFlag("abroad_lure", W_ABROAD_LURE_SOFT, place.group()))
    for place in _COUNTRIES.finditer(text):
        near = text[max(0, place.start() - LURE_NEAR) : place.end() + LURE_NEAR]
        if _LURE_ANYWHERE.search(near):
            flags.append(RiskFlag("abroad_lure", W_ABROAD_LURE, place.group()))
    return flags


def _content_flags(text: str) -> list[RiskFlag]:
    flags: list[RiskFlag] = []
    if m := _BRUSHING.search(text):
        flags.append(RiskFlag("brushing", W_BRUSHING, m.group()))
    if m := _HOME_TYPING.search(text):
        flags.append(RiskFlag("home_typing", W_HOME_TYPING, m.group()))
    if m := _CARDS.search(text):
        flags.append(RiskFlag("cards", W_CARDS, m.group()))
    if m := _PYRAMID.search(text):
        flags.append(RiskFlag("pyramid", W_PYRAMID, m.group()))
    if m := _TRAINING_LOAN.search(text):
        flags.append(RiskFlag("training_loan", W_TRAINING_LOAN, m.group()))
    if m := _NIGHTLIFE.search(text):
        flags.append(RiskFlag("nightlife", W_NIGHTLIFE, m.group()))
    if m := _EVASIVE.search(text):
        flags.append(RiskFlag("evasive", W_EVASIVE, m.group()))
    return flags


def _pay_flags(posting: Posting, text: str, min_wage_monthly: float) -> list[RiskFlag]:
    flags: list[RiskFlag] = []
    pay = posting.pay
    bait_words = {m.group() for m in _BAIT.finditer(text)}
    gig_like = pay.unit in (PayUnit.DAY, PayUnit.HOUR) or posting.work_form in ("零工", "兼职")
    top = pay.monthly("max")
    if top is not None and posting.categories:
        usual = USUAL_MONTHLY.get(posting.categories[0])
        ratio = top / usual if usual else 0.0
        if ratio >= BAIT_RATIO_FAR and gig_like:
            flags.append(RiskFlag("bait_pay", W_BAIT_PAY_FAR, f"{ratio:.1f}"))
        elif ratio >= BAIT_RATIO and (gig_like or bait_words):
            flags.append(RiskFlag("bait_pay", W_BAIT_PAY, f"{ratio:.1f}"))
    if len(bait_words) >= 3:
        flags.append(RiskFlag("bait_words", W_BAIT_WORDS, "、".join(sorted(bait_words))))
    if pay.unit is not None and pay.unit != PayUnit.PIECE:
        # The statutory minimum is monthly; a day is 1/21.75 of it and an hour 1/8 of a day.
        per = {
            PayUnit.MONTH: min_wage_monthly,
            PayUnit.DAY: min_wage_monthly / WORKDAYS_PER_MONTH,
            PayUnit.HOUR: min_wage_monthly / WORKDAYS_PER_MONTH / HOURS_PER_DAY,
            PayUnit.YEAR: min_wage_monthly * 12,
        }[pay.unit]
        stated = pay.max if pay.max is not None else pay.min
        if stated is not None and stated < per * 0.999:
            # Clearly under the legal minimum (below 80%) holds the post for a caseworker.
            weight = W_BELOW_MIN_FAR if stated < per * 0.8 else W_BELOW_MIN
            flags.append(RiskFlag("below_min_wage", weight, f"{stated:g}"))
    return flags


def _identity_flags(posting: Posting, text: str) -> list[RiskFlag]:
    if posting.trust == Trust.VERIFIED:
        return []
    named = find_employer(text) is not None or find_contact_name(text) is not None
    if named or posting.address:
        return []
    if not posting.phones and not posting.contact:
        return [RiskFlag("no_contact", W_NO_CONTACT)]
    return [RiskFlag("no_identity", W_NO_IDENTITY)]


def _phone_flags(posting: Posting, history: Sequence[Sequence[str]]) -> list[RiskFlag]:
    if not history:
        return []
    primaries = {cats[0] for cats in history if cats}
    if posting.categories:
        primaries.add(posting.categories[0])
    if len(primaries) >= SPREAD_CATEGORIES_MANY:
        return [RiskFlag("phone_spread", W_PHONE_SPREAD_MANY, str(len(primaries)))]
    if len(primaries) >= SPREAD_CATEGORIES:
        return [RiskFlag("phone_spread", W_PHONE_SPREAD, str(len(primaries)))]
    return []


def _repost_flags(sightings: int) -> list[RiskFlag]:
    if sightings >= REPOST_SIGHTINGS_MANY:
        return [RiskFlag("mass_repost", W_REPOST_MANY, str(sightings))]
    if sightings >= REPOST_SIGHTINGS:
        return [RiskFlag("mass_repost", W_REPOST, str(sightings))]
    return []
