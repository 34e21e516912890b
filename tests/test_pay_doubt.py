"""Pay read two ways (issue 14): the parser reports the doubt, the draft asks one question.

"【日结200/天】… 月薪6000" is 200 a day or 6000 a month; "4小时160元" is a 4-hour shift's 160
or 40 an hour. The parser keeps its best reading as the offer and reports the other under
`doubts`; the employer's draft asks which one (a button per reading, or a typed figure), and a
caseworker's relay card shows the doubt. Posts whose figures explain each other ask nothing.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from matching.parser import ParsedPost, parse_post
from models.timeutil import LOCAL_TZ
from models.values import PayUnit, Role
from tests.chat_helpers import Chat

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)
TITLE_DAY_BODY_MONTH = "【日结200/天】西青区 仓库急招装卸工3名\n月薪6000 电话13800001111"
SHIFT = "西青区 超市周末招促销员2名，4小时160元，当天结，电话13800005960"


def one(text: str) -> ParsedPost:
    jobs = parse_post(text, NOW)
    assert len(jobs) == 1, [j.title for j in jobs]
    return jobs[0]


@pytest.mark.parametrize(
    ("text", "offer", "other"),
    [
        (TITLE_DAY_BODY_MONTH, (200, 200, "day"), (6000, 6000, "month")),
        (SHIFT, (160, 160, "day"), (40, 40, "hour")),
        ("河西区 保洁2名 月薪3500，月薪4500 电话13800001111", (3500, 3500, "month"),
         (4500, 4500, "month")),
    ],
)  # fmt: skip
def test_two_readings_of_the_pay_are_reported(text, offer, other):
    out = one(text).to_json()
    assert (out["pay_min"], out["pay_max"], out["pay_unit"]) == offer
    pay = [d for d in out["doubts"] if d["field"] == "pay"]
    assert len(pay) == 1
    first, second = pay[0]["readings"]
    assert (first["min"], first["max"], first["unit"]) == offer
    assert (second["min"], second["max"], second["unit"]) == other


@pytest.mark.parametrize(
    "text",
    [
        "河西区 置业顾问3名，底薪4800+提成，综合收入6500-9000",  # a base beside its earnings
        "西青区 分拣员10名 月薪4000-6000，一般5000左右",  # a range and its typical figure
        "东丽区 招聘专员1名 试用期5k，转正6k-8k",  # pay during probation
        "塘沽 外卖骑手5名 一单3元，月入8000以上",  # a piece rate and what it adds up to
        "西青区 促销员2名 时薪20，一天160",  # one pay in two units
        "西青区 保安2名 月薪5000，年薪6万",  # a yearly package beside the month
        "西青区 普工10名 月薪5000-6000，优秀员工可达8000",  # pay under a condition
        "【招普工 5-6k】西青区 电子厂 普工10名 工资5000-6000元/月",  # k in the title, yuan below
    ],
)
def test_figures_that_explain_each_other_are_no_doubt(text):
    job = one(text)
    assert job.pay.known
    assert job.pay_doubt is None
    assert [d for d in job.doubts() if d["field"] == "pay"] == []


def test_no_district_is_a_doubt_and_a_named_one_is_not():
    nowhere = one("招保洁2名 日结150 电话13800001111")
    assert nowhere.doubts() == [{"field": "district", "readings": []}]
    assert [d["field"] for d in one(SHIFT).to_json()["doubts"]] == ["pay"]  # 西青区 is named


# --- the employer's draft, through the real router -------------------------------------------


async def only_posting(chat: Chat):
    postings = await chat.services.postings.by_poster(await chat.user_id())
    assert len(postings) == 1
    return postings[0]


@pytest.mark.backends
async def test_the_draft_asks_one_question_and_a_button_picks_the_reading(services):
    boss = Chat(services, "boss")
    await boss.say(TITLE_DAY_BODY_MONTH)
    assert "工资有两种读法：200 元/天（日结） / 6000 元/月" in boss.text  # the card
    question = boss.last[-1]
    assert "工资按哪个算" in question.text
    assert [c.label for c in question.choices][:2] == ["1 200 元/天（日结）", "2 6000 元/月"]
    await boss.tap("6000 元/月")
    assert await boss.step() == "confirm"  # nothing else to ask: one question only
    assert "薪资：6000 元/月" in boss.text
    assert "两种读法" not in boss.text
    await boss.tap("确认发布")
    posting = await only_posting(boss)
    assert (posting.pay.min, posting.pay.max, posting.pay.unit) == (6000, 6000, PayUnit.MONTH)


@pytest.mark.backends
async def test_a_typed_number_picks_the_reading_as_wechat_sends_it(services):
    boss = Chat(services, "boss")
    await boss.say(SHIFT)
    assert "1 160 元/天（日结）  2 40 元/小时（日结）" in boss.last[-1].text
    await boss.say("2")
    assert await boss.step() == "confirm"
    assert "薪资：40 元/小时" in boss.text
    await boss.say("确认")
    assert (await only_posting(boss)).pay.unit == PayUnit.HOUR


@pytest.mark.backends
async def test_a_typed_figure_answers_and_nonsense_is_asked_again(services):
    boss = Chat(services, "boss")
    await boss.say(TITLE_DAY_BODY_MONTH)
    await boss.say("不知道")
    assert "没看懂" in boss.text
    assert "工资按哪个算" in boss.last[-1].text
    await boss.say("日结220")
    assert await boss.step() == "confirm"
    assert "薪资：220 元/天（日结）" in boss.text
    assert "两种读法" not in boss.text


@pytest.mark.backends
async def test_confirming_without_answering_publishes_the_parsers_reading(services):
    boss = Chat(services, "boss")
    await boss.say(TITLE_DAY_BODY_MONTH)
    await boss.say("确认")  # publish as it is: the card still says what was unsure
    assert "工资有两种读法" in boss.text
    await boss.tap("确认发布")
    posting = await only_posting(boss)
    assert (posting.pay.min, posting.pay.unit) == (200, PayUnit.DAY)


@pytest.mark.backends
async def test_a_post_read_one_way_asks_nothing_about_pay(services):
    boss = Chat(services, "boss")
    await boss.say("明天西青区搬家，招4人，日结300，电话13920001111 王经理")
    assert await boss.step() == "confirm"
    assert "两种读法" not in boss.text


@pytest.mark.backends
async def test_a_caseworker_relay_shows_the_pay_doubt(services):
    cw = Chat(services, "cw")
    await cw.say("帮助")
    await services.users.set_role(await cw.user_id(), Role.CASEWORKER, district="西青区")
    await cw.say("转发 西青零工群\n" + TITLE_DAY_BODY_MONTH)
    assert "工资有两种读法：200 元/天（日结） / 6000 元/月" in cw.text
    assert "工资按哪个算" in cw.last[-1].text
    await cw.say("确认")
    assert "工资有两种读法" in cw.text  # still on the card the caseworker confirms


@pytest.mark.backends
async def test_english_speakers_get_the_question_in_english(services):
    boss = Chat(services, "boss")
    await boss.say("/lang en")
    await boss.say(TITLE_DAY_BODY_MONTH)
    assert "Pay can be read two ways" in boss.text
    assert "Which is the pay?" in boss.last[-1].text
