"""Which unit a stated figure is in: the words after it (元/天, 一个月), the pay words before it
(日薪, 月薪, 一单), the shift-length and spoken-rate forms, and each unit's plausible range."""

from __future__ import annotations

import re

from models.values import PayUnit

UNIT_AFTER = re.compile(
    r"\s*(?:/|每|一|每一|每个|一个|1个|1)\s*"
    r"(?P<u>个月|月|天|日|工|小时|钟头|时|h|H|件|单|箱|趟|份|只|台|次|周|星期|年|晚|班)"
)
UNIT_WORDS = {
    "个月": "month",
    "月": "month",
    "天": "day",
    "日": "day",
    "工": "day",
    "晚": "day",
    "班": "day",
    "小时": "hour",
    "钟头": "hour",
    "时": "hour",
    "h": "hour",
    "H": "hour",
    "周": "week",
    "星期": "week",
    "年": "year",
}  # anything else after "/" or 每 (件 单 箱 趟 份 只 台) is piece-rate

KEYWORD_UNIT = {
    "日薪": "day",
    "日工资": "day",
    "日结": "day",
    "天薪": "day",
    "一天": "day",
    "每天": "day",
    "每日": "day",
    "一日": "day",
    "一晚": "day",  # a night shift's pay (一晚200)
    "每晚": "day",
    "时薪": "hour",
    "小时工资": "hour",
    "每小时": "hour",
    "一小时": "hour",
    "小时": "hour",
    "年薪": "year",
    "年收入": "year",
    "计件": "piece",
    "按件": "piece",
    "每件": "piece",
    "一件": "piece",
    "每单": "piece",
    "一单": "piece",
    # an installer's unit, a packer's box, a household served, a typist's thousand characters
    **dict.fromkeys(("一台", "每台", "一箱", "每箱", "一户", "每户", "一千字", "每千字"), "piece"),
    "周薪": "week",
    "月薪": "month",
    "月工资": "month",
    "月收入": "month",
    "月入": "month",
    "月综合": "month",
    "底薪": "month",
    "保底": "month",
    "基本工资": "month",
    "基本薪资": "month",
    "月综合薪资": "month",
    "综合月薪": "month",
    "月均薪资": "month",
    "月均收入": "month",
    "月均": "month",
    "一个月到手": "month",
    "每月到手": "month",
    "月到手": "month",
    "一个月": "month",
    "每个月": "month",
    "每月": "month",
    "日入": "day",
    "日赚": "day",  # "日赚300" (bait posts write it; the figure is still what they offer)
    "一人": "day",  # "一人150，搬完就给钱": a gig's pay per person
    "每人": "day",
    "一趟": "piece",  # a trip, a truckload, a tonne: piece rates of haulage and loading
    "每趟": "piece",
    "一车": "piece",
    "每车": "piece",
    "一吨": "piece",
    "每吨": "piece",
    "一个钟": "piece",  # a massage 钟 is one session
    "每个钟": "piece",
    "一钟": "piece",
    "一平米": "piece",  # 刮大白 "按平米算，一平十二块": paid by the square metre
    "一平方": "piece",
    "一平": "piece",
    "每平米": "piece",
    "每平方": "piece",
    "每平": "piece",
}  # the rest (工资 薪资 待遇 收入 到手 ¥ …) say "pay" without a unit

# Words of pay per person; a gig's rate per person is a day's or a job's, so one of a month's
# size is a month's pay.
PER_HEAD = ("一人", "每人")
# "4小时160元", "两小时100": the pay of a shift of hours, so a day rate, not 160 an hour (一小时
# is "per hour": a keyword of its own).
SHIFT_HOURS_BEFORE = re.compile(
    r"(?P<h>\d+(?:\.\d)?|[两三四五六七八九十]{1,2})\s*个?小时\s*[:：]?\s*$"
)
# "两百一天" is 200 a day, not 210 then 天: a 一 after a round figure, before a unit, is "per".
SPOKEN_PER = re.compile(r"(?<=[百千万])一(?=天|个月|月|小时|晚|周|年|趟|车|单|件)")

# Plausible ranges per unit; a figure outside them is another kind of number (from 48k real posts:
# monthly pay 1,000-150,000, day rates 80-1,000, hourly 12-200).
BOUNDS = {
    PayUnit.MONTH: (500.0, 500_000.0),
    PayUnit.DAY: (30.0, 5_000.0),
    PayUnit.HOUR: (5.0, 1_000.0),
    PayUnit.PIECE: (0.01, 5_000.0),
    PayUnit.YEAR: (6_000.0, 6_000_000.0),
}
UNITS = {
    "month": PayUnit.MONTH,
    "day": PayUnit.DAY,
    "hour": PayUnit.HOUR,
    "piece": PayUnit.PIECE,
    "year": PayUnit.YEAR,
}
WEEKDAYS = 5.0  # a 周薪 is spread over five working days (21.75 days / 4.35 weeks)
