"""The words around a figure in a post that decide whether it is pay, and what kind.

Kept apart from the figure reader (`matching.pay_figures`) so each rule about context reads as
one table: what makes a number something other than pay (ages, headcounts, dates, fees, extras),
the words that introduce pay and the role they give a figure (a base, the earnings), settlement
words (日结, 周结) and 面议.
"""

from __future__ import annotations

import re

# What follows a number that makes it something other than pay: ages, headcounts, dates, times,
# durations, sizes, distances, percentages, bonus months (13薪), floors and house numbers.
# Not across a line break: "月薪3500\n单休", "七千五\n天车工"; 月休/月底 and 周末 start a new
# phrase ("8500 月休4天", "一晚120 周末"), not a count of months or weeks.
NOT_PAY_AFTER = re.compile(
    r"[^\S\n]*(?:周?岁|名|人|位|个(?!/)|号|点|:\d|楼|层|室|栋|单元|路|公里|km|KM|米|m(?![a-z])|"
    r"kg|斤|公斤|吨|平|%|分钟|分|秒|小时|钟头|天(?!薪)|日(?![薪结])|月(?![薪结休底初末])|年(?![薪龄纪])|"
    r"周(?![薪结末])|届|级|批|期|次|倍|cm|厘米|寸|薪|险|班倒|班制|休|晚(?!上)|小?时[制工]|"
    r"[件单箱份只台趟]|[、)）]|\.(?!\d)|[a-zA-Z]{2})"
)
# What precedes a number that is not pay: age, phone, dates, clock times, ids, ordinal 第.
NOT_PAY_BEFORE = re.compile(
    r"(?:年龄|岁数|身高|体重|电话|手机|微信|qq|QQ|vx|VX|尾号|工号|编号|邮编|面积|第|时间|早|(?<![一每])晚|休|"
    r"上午|下午|\d[:.]|(?<![Rr][Mm])[a-zA-Z_])\s*[:：]?\s*$"
)
# Money paid *to* the poster, or pay on top of the base (overtime, bonus): never the stated pay.
NOT_BASE = re.compile(
    r"押金|培训费|服装费|体检费|介绍费|中介费|报名费|资料费|工本费|保证金|补贴|补助|奖|"
    r"[餐饭房话车油电交]补|全勤|加班费|绩效|奖励|报销|年终|提成(?!\s*$)|指标|业绩|任务|"
    r"营业额|销售额|流水|预支|借支|贷款|额度|注册资本|融资|(?<!安装|维修|上门)费|过节|慰问|津贴|"
    r"自理|礼金|红包|"
    r"福利|加班|美元|美金|涨幅|涨薪|加薪|调薪"
)
# Money asked *of* the worker ("先交198元培训费", "交200元中介费"): a fee, not pay, unless a pay
# word introduces the figure ("月薪5000 服装费300元": the 5000 is pay, the 300 a fee).
FEE_BEFORE = re.compile(r"(?:交|缴纳?|付|押)\s*$")
FEE_AFTER = re.compile(
    r"\s*元?\s*(?:的)?(?:培训费|押金|服装费|体检费|报名费|中介费|保证金|会员费|费用)"
)
NOT_PAY_UNIT = re.compile(
    r"\s*(?:/|每|一)\s*(?:平|㎡|m2|米|公里|km|人|位|餐|顿|家|户|张|间|斤|公斤|kg|吨|瓶|盒|卡|套)"
)
EXTRA_AFTER = re.compile(  # same line only: "5K-1w/月\n奖金福利：…" is pay, then a heading
    r"[^\S\n]*(?:岗位|职位|交通|出差|高温|夜班|全勤|住房|工龄|[餐饭房话油车])?"
    r"(?:补贴|补助|津贴|补|奖金|奖|费|押金|红包|自理)"
)
K_NOT_PAY_AFTER = re.compile(
    r"\s*(?:视频|屏|高清|分辨率|显示|电视|直播|画质|像素|超清)|[+多]?(?:人|名|位|个|次|粉|条|张|家|户|米)"
)
MONEY_AFTER = re.compile(r"\s*(?:元|块钱|块|rmb|RMB|人民币)")
MODIFIER_AFTER = re.compile(r"\s*(?P<m>以上|起步|起|\+|多|往上|左右|上下|以下|以内|封顶|不等)")
# The words that introduce pay; `pay_units.KEYWORD_UNIT` says which of them also state a unit.
KEYWORD_BEFORE = re.compile(
    r"月薪|月工资|月收入|月入|月综合薪资|月综合|综合月薪|底薪|保底|基本工资|基本薪资|"
    r"综合工资|综合薪资|综合收入|综合|实发|试用期|转正后|转正|月均薪资|月均收入|月均|工资|薪资|"
    r"一般能拿|一般|能拿|可拿|可达|平均|实习补贴|见习补贴|实习工资|全职|"
    r"一个月到手|每月到手|月到手|一个月|每个月|每月|每人|一人|一趟|每趟|一车|每车|一吨|每吨|一个钟|每个钟|一钟|日入|日赚|一平米|一平方|一平|每平米|每平方|每平|一台|每台|一箱|每箱|一户|每户|一千字|每千字|"
    r"薪水|薪酬|待遇|收入|到手|税前|税后|日薪|日工资|日结|天薪|一天|每天|每日|一日|一晚|每晚|时薪|"
    r"小时工资|每小时|一小时|小时|年薪|年收入|计件|按件|每件|一件|每单|一单|周薪|[¥￥]|RMB|rmb"
)
# The words between what a figure pays for and the figure ("木工 一天480", "兼职时薪20").
PAY_LEAD = f"(?:{KEYWORD_BEFORE.pattern})"

# Which figure a word introduces: the guaranteed base (底薪3000+提成) or what a worker
# typically earns (综合4500-6000, 一般能拿6500). The earnings are the offer; the base is kept.
BASE, EARNINGS = "base", "earnings"
ROLES = {
    **dict.fromkeys(("底薪", "保底", "基本工资", "基本薪资"), BASE),
    **dict.fromkeys(
        ("综合", "综合工资", "综合薪资", "综合收入", "月综合", "月综合薪资", "综合月薪",
         "一个月到手", "每月到手", "月到手",
         "月均薪资", "月均收入", "月均", "月入", "月收入",
         "到手", "一般能拿", "一般", "能拿",
         "可拿", "可达", "平均"),
        EARNINGS,
    ),
}  # fmt: skip
# An intern's or trainee's 补贴 is their pay ("实习补贴一天150"), not an extra on top of it.
TRAINEE_PAY = re.compile(r"实习补贴|见习补贴")
TRAINEE = re.compile(r"实习生|见习生|实习岗|见习岗|见习期|招.{0,6}实习")
# A label that names pay and benefits together ("福利待遇：月薪8K-15K"): its 福利 is no extra.
PAY_LABEL = re.compile(r"薪[资酬]福利|福利[资]?待遇")
# "仓库拣货员 20名 4500-5500": a figure right after a job's headcount is that job's pay.
HEADCOUNT_BEFORE = re.compile(r"\d+\s*[名人位][\s,，]*(?:男|女|男女不限)?\s*$")
ASIDE = re.compile(r"\s*[(（][^()（）\n]{1,8}[)）]\s*")
CLAUSE_BREAK = re.compile(r"[;；。\n!！?？,，)）]")
MIN_BEFORE = re.compile(r"(?:不低于|不少于|最低|至少|起薪|保底|高于|起码)\s*[:：]?\s*$")
MAX_BEFORE = re.compile(r"(?:最高|不超过|最多|高达|上限|封顶)\s*[:：]?\s*$")
PERIOD = re.compile(
    r"(日结|当天结|当日结|当晚结|现结|日付|一天一结|天天结|[干做]一天结一天|周结|月结|完工结|"
    r"做完结|干完结|[干做搬]完就[结给])"
)
PERIOD_NAME = {
    "周结": "周结",
    "月结": "月结",
    "完工结": "完工结",
    "做完结": "完工结",
    "干完结": "完工结",
    "干完就结": "完工结",
    "干完就给": "完工结",
    "做完就结": "完工结",
    "做完就给": "完工结",
    "搬完就结": "完工结",
    "搬完就给": "完工结",
}
# Pay under a condition (probation, after it, for the best, after a year, "easily"): another
# figure of the same post is no rival to it ("试用期3000，转正5000", "优秀者月薪10w以上").
CONDITIONAL = re.compile(r"试用期|实习期|见习期|转正|优秀|满.{0,3}年|轻松|最高|高达|上不封顶")
SENTENCE_BREAK = re.compile(r"[;；。\n!！?？]")
NEGOTIABLE = re.compile(r"(?:薪资|工资|薪酬|待遇|薪水)?\s*(?:面议|面谈|详谈)")
PIECE_WORD = re.compile(r"计件|按件|多劳多得|按量计")
# What may surround a figure that is a whole answer ("期望5000左右").
FILLER = re.compile(
    r"[\s\W_]|期望|希望|要求|最好|左右|大概|差不多|以上|以下|起|元|块|工资|薪资|我"
)
