"""The conversation corpus (issue 15): short chats in the users' own words, typed exactly as the
issue reproduced them through `yizhan chat`, run through the real router on a real SQLite file.

Each entry is the lines a seeker types and what must then be stored. Grow it with every bug:
add the lines that broke and the fields they should have kept. Assertions are on stored fields
and catalogue ids, never on the Chinese copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.channels.console import ConsoleSession
from handlers.texts import t
from models.repos.outbox import OutboxRepo
from models.values import PayUnit
from tests.chat_helpers import Chat, complete_by_typing
from tests.staff_helpers import staff_chat

MONTH, DAY = PayUnit.MONTH, PayUnit.DAY


@dataclass(frozen=True)
class Conversation:
    """Lines typed one by one, then the stored profile's expected fields."""

    name: str
    lines: tuple[str, ...]
    expect: dict[str, Any] = field(default_factory=dict)
    step: str | None = None  # the question the dialog must be waiting for afterwards
    said: tuple[str, ...] = ()  # catalogue keys whose zh text must appear in the last replies
    lang: str = "zh"


CORPUS = (
    Conversation("保安的活 pay kept", ("你好", "保安的活 一个月三千"),
                 {"categories": ("H",), "pay": (3000, MONTH)}),
    Conversation("看大门 打更 with district and pay", ("看大门 打更的活 红桥区 一个月三千就行",),
                 {"categories": ("H",), "districts": ("红桥区",), "pay": (3000, MONTH)}),
    Conversation("包吃住 is no trade, pay kept in a long sentence",
                 ("想找个仓库的活 包吃住最好 一个月四千五左右",),
                 {"categories": ("B",), "pay": (4500, MONTH)}),
    Conversation("两百一天", ("两百一天 搬运 东丽",),
                 {"categories": ("B",), "pay": (200, DAY), "districts": ("东丽区",)}),
    Conversation("月入过万 干啥都行", ("月入过万 干啥都行",),
                 {"categories": (), "any_job": True, "pay": (10000, MONTH)}),
    Conversation("4k is pay, not K", ("4k以上 普工 武青",),
                 {"categories": ("J",), "pay": (4000, MONTH), "districts": ("武清区",)}),
    Conversation("包吃住 alone is no category", ("包吃住",), {"categories": (), "other": None}),
    Conversation("correction replaces C",
                 ("想在南开区送外卖 一天两百", "不对不对 我不想送外卖了 想干保洁"),
                 {"categories": ("A",), "pay": (200, DAY), "districts": ("南开区",)},
                 step="ask_work_form", said=("onboarding.updated",)),
    Conversation("C1 licence at the pay step", ("保洁", "灵活就业", "我有C1驾照 想当司机"),
                 {"categories_include": "B"}, step="ask_pay", said=("onboarding.updated",)),
    Conversation("68 years old: answered, no junk", ("我68岁了还能找到活吗",),
                 {"categories": (), "other": None}, step="ask_work_form", said=("faq.age",)),
    Conversation("西青找个活: district, no junk", ("西青找个活",),
                 {"districts": ("西青区",), "other": None}),
    Conversation("干啥都行 is a real answer", ("干啥都行 只要日结 津难",),
                 {"any_job": True, "daily_only": True, "districts": ("津南区",), "other": None}),
    *(
        Conversation(f"missing trade {word}", (word,), {"categories_include": code})
        for word, code in (("看大门", "H"), ("打更", "H"), ("搬砖", "O"), ("做饭", "I"),
                           ("洗碗", "I"), ("理发", "K"), ("种地", "P"), ("开车的活", "B"),
                           ("想找个扫大街的活", "A"), ("开挖掘机的", "O"), ("开出租", "B"),
                           ("伺候月子", "A"), ("发传单", "F"), ("看车棚", "H"), ("搓澡", "K"),
                           ("做手工 串珠子", "J"))
    ),
    Conversation("收费吗 answered mid-form", ("保洁", "你们收费吗"), {"categories": ("A",)},
                 step="ask_work_form", said=("faq.fee",)),
    Conversation("骗子吗 answered", ("这是骗子吗",), step="ask_work_form", said=("faq.scam",)),
    Conversation("真人 handoff", ("西青区 保洁", "你是真人吗 我要找人工"), {"other": None},
                 step="ask_work_form", said=("faq.human",)),
    Conversation("驿站在哪 电话多少", ("驿站在哪 电话多少",), step="ask_work_form"),
    *(
        Conversation(f"typo {typo}", (f"{typo} 保洁",), {"districts": (district,)})
        for typo, district in (("西清", "西青区"), ("北臣", "北辰区"), ("津难", "津南区"))
    ),
    Conversation("天津站 is an anchor", ("天津站附近有没有保安的工作",),
                 {"categories": ("H",), "districts": ("河北区",), "near": (39.1365, 117.2107),
                  "max_km": 3}),
    Conversation("a bare number at 多远 is km", ("保洁 西青区 日结200", "灵活就业", "5"),
                 {"max_km": 5}, step="ask_education"),
    Conversation("welcome first, stale wish replaced",
                 ("想在南开区送外卖", "不对不对 我不想送外卖了 想干保洁"),
                 {"categories": ("A",), "wish_lacks": "想在南开区"}),
    Conversation("English wish", ("warehouse job in Binhai New Area, around 5000 RMB per month",),
                 {"categories": ("B",), "districts": ("滨海新区",), "pay": (5000, MONTH)}),
    Conversation("English pay and pinyin district at their steps",
                 ("cleaning", "flexible", "5000 a month", "Xiqing"),
                 {"categories": ("A",), "pay": (5000, MONTH), "districts": ("西青区",)},
                 step="ask_distance"),
    Conversation("50多岁 is an age, not 50 an hour", ("50多岁 女 想找保洁 西青 管两顿饭",),
                 {"categories": ("A",), "districts": ("西青区",), "age": 50, "pay": (None, None),
                  "benefits": ("包吃",)}),
    Conversation("快60了 找看大门的 包吃住", ("快60了 找个看大门的活 包吃住",),
                 {"categories": ("H",), "age": 59, "benefits": ("包吃", "包住"), "other": None}),
    Conversation("五十出头 later, benefits added", ("保安 红桥区", "我五十出头 要有宿舍"),
                 {"categories": ("H",), "age": 50, "benefits": ("包住",)}),
    Conversation("没有社保也行 asks for nothing", ("仓库 一个月四千 没有社保也行",),
                 {"categories": ("B",), "pay": (4000, MONTH), "benefits": ()}),
    Conversation("不是保安 是保洁 replaces H", ("保安 南开", "不是保安 是保洁"),
                 {"categories": ("A",), "districts": ("南开区",)}, said=("onboarding.updated",)),
    Conversation("a bare 三千五 at the end is monthly pay",
                 ("想找个超市收银的 河东 离家近点 三千五",),
                 {"categories": ("M",), "districts": ("河东区",), "pay": (3500, MONTH)}),
    Conversation("三千五到四千 is a monthly range", ("刚毕业 大专 想找文员 南开 三千五到四千",),
                 {"categories": ("D",), "districts": ("南开区",), "pay": (3500, MONTH)}),
    Conversation("天津南站 is in 西青, not 津南", ("在天津南站附近找个保洁",),
                 {"categories": ("A",), "districts": ("西青区",), "near": (39.0575, 117.0590)}),
    Conversation("看孩子的活 is 家政", ("给我找个看孩子的活 河东",),
                 {"categories": ("A",), "districts": ("河东区",), "other": None}),
    Conversation("English 4500 monthly near a station",
                 ("Need work near Tianjin West Station, factory job, 4500 monthly",),
                 {"categories": ("J",), "districts": ("红桥区",), "pay": (4500, MONTH)}),
    Conversation("南开或者河西都行: both", ("南开或者河西都行 保洁",),
                 {"categories": ("A",), "districts": ("南开区", "河西区")}),
    Conversation("市内六区都行", ("市内六区都行 找保安",),
                 {"categories": ("H",),
                  "districts": ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区")}),
    Conversation("静海县 is the old name", ("静海县 保洁",), {"districts": ("静海区",)}),
    Conversation("武清开发区 is not TEDA", ("武清开发区 找个普工",),
                 {"categories": ("J",), "districts": ("武清区",), "no_anchor": True}),
    Conversation("快递分拣 is 快递 and 仓储", ("快递分拣 夜班 时薪二十 开发区",),
                 {"categories": ("C", "B"), "districts": ("滨海新区",),
                  "pay": (20, PayUnit.HOUR)}),
    Conversation("English any kind", ("I need a part-time job, any kind, paid daily if possible",),
                 {"any_job": True}),
    *(
        Conversation(f"typo {typo}", (line,), {"districts": (district,)})
        for typo, line, district in (("净海", "净海 种地", "静海区"),
                                     ("蓟洲", "蓟洲 农家院", "蓟州区"),
                                     ("河东去", "河东去 保洁", "河东区"))
    ),
)  # fmt: skip


async def _run(services, conv: Conversation) -> tuple[ConsoleSession, list[str]]:
    session = ConsoleSession(services, conv.name)
    last: list[str] = []
    for line in conv.lines:
        last = [r.text for r in await session.send(line)]
    return session, last


@pytest.mark.parametrize("conv", CORPUS, ids=[c.name for c in CORPUS])
async def test_conversation(services, conv: Conversation) -> None:
    session, last = await _run(services, conv)
    user = await services.users.get(session.key)
    assert user is not None
    profile = await services.seekers.get(user.id)
    assert profile is not None
    state = await services.dialogs.load(user.id)
    answered = set(state.data.get("answered", [])) if state else set()
    # No junk 其他 ever: any other_category kept is a word the seeker wrote as a job.
    assert profile.other_category is None or conv.expect.get("other", "") is not None
    for key, want in conv.expect.items():
        if key == "categories":
            assert profile.categories == want
        elif key == "categories_include":
            assert want in profile.categories
        elif key == "other":
            assert profile.other_category == want
        elif key == "any_job":
            assert "categories" in answered
            assert not profile.categories
        elif key == "pay":
            assert (profile.pay.min, profile.pay.unit) == want
        elif key == "districts":
            assert profile.districts == want
        elif key == "daily_only":
            assert profile.daily_settlement_only is want
        elif key == "max_km":
            assert profile.max_km == want
        elif key == "near":
            assert profile.location is not None
            assert (profile.location.lat, profile.location.lon) == pytest.approx(want, abs=0.01)
        elif key == "age":
            assert profile.age == want
        elif key == "benefits":
            assert profile.benefits == want
        elif key == "no_anchor":
            assert profile.location is None
        elif key == "wish_lacks":
            assert want not in (profile.wish or "")
        else:
            raise AssertionError(f"unknown expectation {key}")
    if conv.step is not None:
        assert state is not None
        assert state.step == conv.step
    text = "\n".join(last)
    for key in conv.said:
        assert t(key, conv.lang).split("{")[0][:12] in text


async def test_welcome_comes_before_what_was_noted(services) -> None:
    session = ConsoleSession(services, "w1")
    replies = await session.send("保安的活 一个月三千")
    text = replies[0].text
    assert text.index(t("onboarding.welcome", "zh")[:10]) < text.index(
        t("onboarding.noted", "zh").split("{")[0]
    )


async def test_handoff_notifies_the_district_caseworker(services) -> None:
    here = await staff_chat(services, "cw_xq", district="西青区")
    there = await staff_chat(services, "cw_nk", district="南开区")
    session = ConsoleSession(services, "s1")
    await session.send("西青区 保洁")
    await session.send("我要找人工")
    outbox = OutboxRepo(services.db)
    assert len(await outbox.for_user(await here.user_id())) == 1
    assert await outbox.for_user(await there.user_id()) == []


# --- employers: the draft card's own options win over global commands --------------------------

EMPLOYER_POST = "明天西青区搬家，招4人，日结300，电话13920001111 王经理"


async def test_typing_edit_on_a_draft_card_edits_the_draft(services) -> None:
    boss = ConsoleSession(services, "boss1")
    await boss.send(EMPLOYER_POST)
    await boss.send("修改")  # the card's option 2, typed: before the fix, the seeker's edit menu
    user = await services.users.get(boss.key)
    assert user is not None
    state = await services.dialogs.load(user.id)
    assert state is not None
    assert (state.flow, state.step) == ("employer_post", "edit")
    assert len(state.data["jobs"]) == 1  # the draft survives
    assert await services.seekers.get(user.id) is None


# --- employers: removing a draft job, editing its 类别 and 要求 ----------------------------------

FOUR_JOBS = (
    "招聘 1、保安2名 月薪4500 2、保洁3名 月薪3800 3、司机1名 月薪6000 4、库管1人 月薪5000 "
    "地点西青区 电话13920001111"
)


@dataclass(frozen=True)
class DraftConversation:
    """Lines an employer types, then the stored draft's expected fields (None: no draft left)."""

    name: str
    lines: tuple[str, ...]
    titles: tuple[str, ...] | None
    step: str | None = None
    job: dict[str, Any] = field(default_factory=dict)  # fields of the job `at` (from 1)
    at: int = 1
    draft: dict[str, Any] = field(default_factory=dict)  # the draft's own fields (skipped …)


NO_PAY_FOR_2 = FOUR_JOBS.replace("保洁3名 月薪3800", "保洁3名")

DRAFTS = (
    DraftConversation("去掉第4个", (FOUR_JOBS, "去掉第4个"), ("保安", "保洁", "司机"), "confirm"),
    DraftConversation("删掉第2个", (FOUR_JOBS, "删掉第2个"), ("保安", "司机", "库管"), "confirm"),
    DraftConversation("不要第3个 from the edit menu", (FOUR_JOBS, "修改", "不要第3个"),
                      ("保安", "保洁", "库管"), "confirm"),
    DraftConversation("第一个不要了 then 去掉第一个", (FOUR_JOBS, "第1个不要了", "去掉第一个"),
                      ("司机", "库管"), "confirm"),
    DraftConversation("no job 9", (FOUR_JOBS, "去掉第9个"), ("保安", "保洁", "司机", "库管"),
                      "confirm"),
    DraftConversation("a pay left open moves up with its job", (NO_PAY_FOR_2, "确认", "去掉第1个"),
                      ("保洁", "司机", "库管"), "confirm", draft={"skipped": ["0:pay"]}),
    DraftConversation("removing the only job cancels", (EMPLOYER_POST, "去掉第1个"), None),
    DraftConversation("改第2个的类别 保洁", (FOUR_JOBS, "改第2个的类别 保安"),
                      ("保安", "保洁", "司机", "库管"), "confirm", {"categories": ["H"]}, at=2),
    DraftConversation("类别 via the edit menu", (FOUR_JOBS, "修改", "3 类别 普工"),
                      ("保安", "保洁", "司机", "库管"), "confirm", {"categories": ["J"]}, at=3),
    DraftConversation("要求 女 50岁以下", (EMPLOYER_POST, "修改", "要求 女 50岁以下"), ("搬家",),
                      "confirm", {"gender": "女", "age_max": 50, "age_min": None}),
    DraftConversation("要求 不限 clears them", (EMPLOYER_POST, "要求 男 18到45岁", "要求 不限"),
                      ("搬家",), "confirm", {"gender": None, "age_max": None, "age_min": None}),
    DraftConversation("unreadable 类别 changes nothing", (EMPLOYER_POST, "修改", "类别 随便"),
                      ("搬家",), "edit", {"categories": ["B"]}),
)  # fmt: skip


@pytest.mark.parametrize("conv", DRAFTS, ids=[c.name for c in DRAFTS])
async def test_draft_conversation(services, conv: DraftConversation) -> None:
    boss = ConsoleSession(services, f"boss_{conv.name}")
    for line in conv.lines:
        await boss.send(line)
    user = await services.users.get(boss.key)
    assert user is not None
    state = await services.dialogs.load(user.id)
    if conv.titles is None:
        assert state is None
        assert await services.postings.by_poster(user.id) == []
        return
    assert state is not None
    assert (state.flow, state.step) == ("employer_post", conv.step)
    jobs = state.data["jobs"]
    assert tuple(j["title"] for j in jobs) == conv.titles
    for key, want in conv.job.items():
        assert jobs[conv.at - 1][key] == want
    for key, want in conv.draft.items():
        assert state.data[key] == want


@pytest.mark.parametrize("word", ["发吧", "确定"])
async def test_plain_words_confirm_a_draft(services, word: str) -> None:
    boss = ConsoleSession(services, f"boss_{word}")
    await boss.send(EMPLOYER_POST)
    await boss.send(word)
    user = await services.users.get(boss.key)
    assert user is not None
    assert await services.dialogs.load(user.id) is None
    assert len(await services.postings.by_poster(user.id)) == 1


# --- the smaller items ---------------------------------------------------------------------------


async def test_a_typed_button_label_answers_the_consent_question(services) -> None:
    session = ConsoleSession(services, "c1")
    for line in ("保洁 西青区 日结200", "灵活就业", "5", "高中", "跳过", "不需要"):
        await session.send(line)
    user = await services.users.get(session.key)
    assert user is not None
    state = await services.dialogs.load(user.id)
    assert state is not None
    assert state.step == "ask_consent"
    label = t("onboarding.choice.consent_yes", "zh")
    await session.send(label)
    profile = await services.seekers.get(user.id)
    assert profile is not None
    assert profile.consent is True


@pytest.mark.parametrize("leave", ["返回", "确认"])
async def test_edit_pay_then_leave_keeps_the_pay(services, leave: str) -> None:
    chat = Chat(services, f"e_{leave}")
    await complete_by_typing(chat)
    await chat.say("修改")
    await chat.say("期望薪酬")
    assert await chat.step() == "ask_pay"
    await chat.say(leave)
    assert await chat.step() is None  # back to the completed profile, not stuck on the pay
    profile = await chat.profile()
    assert (profile.pay.min, profile.pay.unit) == (200, DAY)


async def test_the_same_number_twice_selects_once(services) -> None:
    session = ConsoleSession(services, "n1")
    await session.send("灵活就业")  # next question: 岗位意愿, a multiple choice
    await session.send("1 1")
    user = await services.users.get(session.key)
    assert user is not None
    profile = await services.seekers.get(user.id)
    assert profile is not None
    assert profile.categories == ("A",)


async def test_english_users_see_pinyin_district_choices(services) -> None:
    session = ConsoleSession(services, "en1")
    await session.send("/lang en")
    await session.send("cleaning, 200 a day")
    replies = await session.send("flexible")
    labels = [c.label for c in replies[-1].choices]
    assert "Xiqing" in labels
    assert "西青区" not in labels


async def test_a_landmark_answers_the_employers_district_question(services) -> None:
    boss = ConsoleSession(services, "boss_lm")
    await boss.send("招保洁2人，日结200，电话13920001111")
    user = await services.users.get(boss.key)
    assert user is not None
    state = await services.dialogs.load(user.id)
    assert state is not None
    assert state.step == "ask"
    await boss.send("天津站那块")
    state = await services.dialogs.load(user.id)
    assert state is not None
    assert state.data["jobs"][0]["district"] == "河北区"
