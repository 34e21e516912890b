"""Issue 2: the seeker onboarding dialog end to end through the router, on real SQLite files."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from handlers.context import Policy, Services
from handlers.seeker import onboarding
from handlers.seeker.onboarding_state import FLOW, VERSION, Step
from handlers.texts import t
from matching.districts import centre
from models.db import Database
from models.messages import Location
from models.repos.dialogs import DialogState
from models.values import PayUnit, WorkForm
from tests.chat_helpers import TYPED, Chat, complete_by_typing

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


async def test_full_onboarding_by_buttons(services):
    chat = Chat(services)
    replies = await chat.say("你好")
    assert t("onboarding.welcome") in replies[-1].text
    assert await chat.step() == Step.WORK_FORM
    await chat.tap("灵活就业")
    assert await chat.step() == Step.CATEGORIES
    replies = await chat.tap("A 家政")
    assert replies[-1].multi
    assert "已选" in replies[-1].text
    await chat.tap("C 快递")
    await chat.tap("A 家政")  # a second tap takes A out again
    await chat.tap("A 家政")
    await chat.tap("完成")
    assert (await chat.profile()).categories == ("A", "C")
    await chat.tap("面议")
    replies = await chat.tap("西青区")
    assert replies[-1].request_location
    await chat.tap("南开区")
    await chat.tap("完成")
    await chat.tap("10 公里")
    await chat.tap("初中")
    await chat.tap("跳过")
    await chat.tap("职业指导")
    await chat.tap("完成")
    replies = await chat.tap("可以推送")
    assert await chat.step() == Step.CONFIRM
    assert "南开区、西青区" in replies[-1].text
    assert "面议" in replies[-1].text
    replies = await chat.tap("确认")
    assert replies[-1].text == t("onboarding.done")
    assert await chat.state() is None
    profile = await chat.profile()
    assert profile.work_form is WorkForm.FLEXIBLE
    assert profile.pay.negotiable
    assert not profile.pay.known
    assert profile.districts == ("南开区", "西青区")  # canonical order, as the buttons list them
    assert profile.max_km == 10
    assert profile.education == "初中"
    assert profile.skills is None
    assert profile.needs == ("职业指导",)
    assert profile.consent is True
    assert profile.completed_at == services.clock()


async def test_full_onboarding_by_typed_text(services):
    chat = Chat(services)
    asked = await complete_by_typing(chat)
    assert asked == list(TYPED)
    profile = await chat.profile()
    assert profile.work_form is WorkForm.FLEXIBLE
    assert set(profile.categories) == {"A", "C"}
    assert (profile.pay.min, profile.pay.unit) == (200, PayUnit.DAY)
    assert profile.districts == ("西青区", "南开区")
    assert profile.max_km == 5
    assert profile.education == "高中/中专/技校"
    assert profile.skills == "会开叉车"
    assert profile.needs == ("补贴申领", "技能培训")
    assert profile.completed_at is not None
    assert t("onboarding.done") in chat.text


async def test_answers_are_saved_as_they_are_given(services):
    chat = Chat(services)
    await chat.say("你好")
    await chat.say("稳定就业")
    await chat.say("A")
    profile = await chat.profile()
    assert profile.work_form is WorkForm.STABLE
    assert profile.categories == ("A",)
    assert profile.completed_at is None
    assert await chat.step() == Step.PAY


async def test_a_wish_fills_several_fields_and_they_are_not_asked(services):
    chat = Chat(services)
    wish = "想在西青区找保洁，日结，一天150以上"
    replies = await chat.say(wish)
    assert "已记下" in replies[-1].text
    profile = await chat.profile()
    assert profile.categories == ("A",)
    assert profile.districts == ("西青区",)
    assert (profile.pay.min, profile.pay.unit) == (150, PayUnit.DAY)
    assert profile.wish == wish
    asked = await complete_by_typing(chat, first="")
    assert not {"ask_categories", "ask_pay", "ask_districts"} & set(asked)
    assert (await chat.profile()).districts == ("西青区",)


async def test_a_wish_at_a_later_step_fills_what_is_missing(services):
    chat = Chat(services)
    await chat.say("你好")
    await chat.say("灵活就业")
    assert await chat.step() == Step.CATEGORIES
    replies = await chat.say("我想在南开区干外卖，时薪25")
    profile = await chat.profile()
    assert profile.categories == ("C",)
    assert profile.districts == ("南开区",)
    assert (profile.pay.min, profile.pay.unit) == (25, PayUnit.HOUR)
    assert "南开区" in replies[-1].text
    assert await chat.step() == Step.DISTANCE
    assert "南开区干外卖" in (profile.wish or "")


async def test_bad_answers_are_explained_and_the_question_repeated(services):
    chat = Chat(services)
    await chat.say("你好")
    for text in ("啥", "5"):  # a bare figure is neither a work form nor a pay wish
        replies = await chat.say(text)
        assert replies[-1].text.startswith(t("onboarding.bad.work_form"))
        assert await chat.step() == Step.WORK_FORM
    assert not (await chat.profile()).pay.known
    await chat.say("稳定就业")
    replies = await chat.say("随便看看")
    assert replies[-1].text.startswith(t("onboarding.bad.categories"))
    await chat.say("I")
    replies = await chat.say("很多很多")
    assert replies[-1].text.startswith(t("onboarding.bad.pay"))
    assert t("onboarding.ask.pay") in replies[-1].text
    replies = await chat.say("0")
    assert "看起来不太对" in replies[-1].text
    await chat.say("4500")
    assert (await chat.profile()).pay.unit is PayUnit.MONTH
    replies = await chat.say("火星")
    assert replies[-1].text.startswith(t("onboarding.bad.districts"))
    await chat.say("和平区")
    replies = await chat.say("999公里")
    assert replies[-1].text.startswith(t("onboarding.bad.distance"))
    await chat.say("不限")
    assert await chat.step() == Step.EDUCATION
    replies = await chat.say("🙂🙂")
    assert replies[-1].text.startswith(t("onboarding.bad.education"))
    assert await chat.step() == Step.EDUCATION


async def test_a_bare_small_figure_asks_for_its_unit(services):
    chat = Chat(services)
    for text in ("你好", "灵活就业", "A"):
        await chat.say(text)
    replies = await chat.say("180")
    assert await chat.step() == Step.PAY_UNIT
    assert "180" in replies[-1].text
    replies = await chat.say("按年")
    assert replies[-1].text.startswith(t("onboarding.bad.pay_unit"))
    await chat.tap("元/天")
    pay = (await chat.profile()).pay
    assert (pay.min, pay.unit, pay.period) == (180, PayUnit.DAY, "日结")
    assert await chat.step() == Step.DISTRICTS


async def test_empty_long_emoji_and_sql_input_is_handled_and_stored_safely(services):
    chat = Chat(services)
    replies = await chat.say("")
    assert replies
    assert replies[-1].text
    replies = await chat.say("   ")
    assert replies[-1].text.startswith(t("onboarding.bad.empty"))
    for text in ("稳定就业", "A", "5000", "和平区", "3", "大专"):
        await chat.say(text)
    assert await chat.step() == Step.SKILLS
    replies = await chat.say("😀🎉👍")
    assert replies[-1].text.startswith(t("onboarding.bad.skills"))
    sql = "'); DROP TABLE seekers; -- 会电焊"
    await chat.say(sql)
    assert (await chat.profile()).skills == sql
    await chat.say("修改 技能")
    long_text = "电工" * 5000  # 10,000 characters
    replies = await chat.say(long_text)
    assert t("onboarding.truncated", limit=200) in replies[-1].text
    skills = (await chat.profile()).skills
    assert skills == long_text[:200]
    row = await services.db.fetchone("SELECT count(*) AS n FROM seekers")
    assert row is not None
    assert row["n"] == 1


async def test_shared_location_picks_the_district_and_is_kept_only_with_consent(services):
    chat = Chat(services)
    for text in ("你好", "灵活就业", "A", "日结200"):
        await chat.say(text)
    lat, lon = centre("西青区")
    replies = await chat.say(location=Location(lat + 0.01, lon))
    assert await chat.step() == Step.KEEP_LOCATION
    assert "西青区" in replies[-1].text
    await chat.tap("保存位置")
    profile = await chat.profile()
    assert profile.districts == ("西青区",)
    assert profile.location == Location(lat + 0.01, lon)
    assert await chat.step() == Step.DISTANCE
    # a second location, not kept, replaces nothing and adds its district
    lat2, lon2 = centre("津南区")
    await chat.say(location=Location(lat2, lon2))
    await chat.tap("不保存")
    profile = await chat.profile()
    assert profile.districts == ("西青区", "津南区")
    assert profile.location is None
    replies = await chat.say(location=Location(31.23, 121.47))  # Shanghai
    assert "太远" in replies[-1].text


async def test_a_button_from_an_earlier_question_answers_that_question(services):
    chat = Chat(services)
    await chat.say("你好")
    work_form_buttons = chat.last[-1]
    await chat.say("灵活就业")
    await chat.say("A")
    assert await chat.step() == Step.PAY
    stale = next(c for c in work_form_buttons.choices if "稳定" in c.label)
    replies = await chat.say(payload=stale.payload)
    assert (await chat.profile()).work_form is WorkForm.STABLE
    assert await chat.step() == Step.PAY
    assert t("onboarding.ask.pay") in replies[-1].text


async def test_restart_mid_dialog_continues_from_the_same_file(db_target, clock):
    async with Database.open(db_target) as db:
        chat = Chat(Services(db=db, clock=clock, policy=Policy()))
        for text in ("你好", "自主创业", "F"):
            await chat.say(text)
        assert await chat.step() == Step.PAY
    async with Database.open(db_target) as db:
        chat = Chat(Services(db=db, clock=clock, policy=Policy()))
        await chat.say("月薪6000")
        assert await chat.step() == Step.DISTRICTS
        profile = await chat.profile()
        assert profile.work_form is WorkForm.SELF
        assert profile.categories == ("F",)
        assert (profile.pay.min, profile.pay.unit) == (6000, PayUnit.MONTH)


async def test_a_state_saved_by_an_older_version_is_upgraded(services):
    chat = Chat(services, user="old")
    await chat.say("你好")
    await chat.say("灵活就业")
    user_id = await chat.user_id()
    # Version 1 called the districts step "ask_area".
    await services.dialogs.save(user_id, DialogState(FLOW, 1, "ask_area", {}), services.clock())
    await chat.say("河西区")
    assert (await chat.profile()).districts == ("河西区",)
    state = await chat.state()
    assert state is not None
    assert state.version == VERSION
    # A step that no longer exists: the first field still missing is asked.
    await services.dialogs.save(user_id, DialogState(FLOW, 1, "ask_mood", {}), services.clock())
    replies = await chat.say("？")
    assert t("onboarding.ask.categories") in replies[-1].text
    assert await chat.step() == Step.CATEGORIES


async def test_concurrent_messages_for_one_user_end_in_a_consistent_state(services):
    chat = Chat(services, user="fast")
    await chat.say("你好")
    texts = ["灵活就业", "A", "日结200", "西青区", "5", "初中"]
    messages = [chat.say(text) for text in texts]
    results = await asyncio.gather(*messages)
    assert all(results)
    profile = await chat.profile()
    assert profile.work_form is WorkForm.FLEXIBLE
    assert profile.categories == ("A",)
    assert profile.districts == ("西青区",)
    assert profile.max_km == 5
    assert profile.education == "初中"
    assert await chat.step() == Step.SKILLS


async def test_a_wish_at_the_summary_changes_answers_already_given(services):
    chat = Chat(services)
    await chat.say("你好")
    for _ in range(12):
        step = await chat.step()
        if step == Step.CONFIRM:
            break
        assert step is not None
        await chat.say(TYPED[step])
    replies = await chat.say("其实更想在红桥区做服务员")
    assert replies[-1].text.startswith(t("onboarding.updated", items="")[:3])
    assert "地点：红桥区" in replies[-1].text
    assert await chat.step() == Step.CONFIRM
    profile = await chat.profile()
    assert profile.districts == ("红桥区",)
    assert profile.categories == ("I",)


async def test_completed_profile_free_text_is_an_updated_wish(services):
    chat = Chat(services)
    await complete_by_typing(chat)
    replies = await chat.say("现在想在河东区送外卖")
    assert replies[-1].text.startswith(t("onboarding.updated", items="")[:3])
    profile = await chat.profile()
    assert profile.districts == ("河东区",)
    assert profile.categories == ("C",)
    assert "河东区送外卖" in (profile.wish or "")
    assert await chat.state() is None
    replies = await chat.say("嗯嗯")
    assert replies[-1].text == t("onboarding.nothing_changed")
    replies = await chat.say("🙂")
    assert replies[-1].text == t("onboarding.welcome_back")


async def test_english_texts_exist_for_every_onboarding_key():
    from handlers.texts import CATALOGUE

    mine = [k for k in CATALOGUE if k.split(".")[0] in ("onboarding", "profile", "commands")]
    assert len(mine) > 80
    for key in mine:
        assert CATALOGUE[key]["zh"], key
        assert CATALOGUE[key]["en"], key


def test_the_diagram_draws_the_declared_transitions():
    diagram = (Path(onboarding.__file__).with_suffix(".mmd")).read_text(encoding="utf-8")
    arrows = set(re.findall(r"^\s*(\w+) --> (\w+)", diagram, re.MULTILINE))
    declared = {
        (a.value, b.value) for a, targets in onboarding.TRANSITIONS.items() for b in targets
    }
    declared |= {(Step.NEXT.value, b.value) for b in onboarding.NEXT_TARGETS}
    assert arrows == declared
    assert set(onboarding.STEPS) == set(onboarding.TRANSITIONS)
