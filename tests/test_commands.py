"""Issue 2: every seeker command, in Chinese words and slash forms, in and outside onboarding."""

from __future__ import annotations

import pytest

from handlers.context import Services
from handlers.seeker.onboarding_state import Step
from handlers.texts import t
from models.values import PayUnit
from tests.chat_helpers import Chat, complete_by_typing

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

PLAIN = {
    "ask_work_form": "1",
    "ask_categories": "M",
    "ask_pay": "面议",
    "ask_districts": "不限",
    "ask_distance": "不限",
    "ask_education": "2",
    "ask_skills": "跳过",
    "ask_needs": "不需要",
    "ask_consent": "不用",
}


async def _at_pay(services: Services, user: str = "u1") -> Chat:
    chat = Chat(services, user=user)
    for text in ("你好", "灵活就业", "A"):
        await chat.say(text)
    assert await chat.step() == Step.PAY
    return chat


@pytest.mark.parametrize("word", ["帮助", "/help", "HELP", "/help@YizhanBot"])
async def test_help_lists_the_commands_and_re_asks_the_pending_question(services, word):
    chat = await _at_pay(services)
    replies = await chat.say(word)
    assert len(replies) == 2
    for key in ("commands.help.profile", "commands.help.delete", "commands.help.lang"):
        assert t(key) in replies[0].text
    assert replies[1].text == t("onboarding.ask.pay")
    assert await chat.step() == Step.PAY


async def test_help_outside_any_dialog_is_one_reply(services):
    chat = Chat(services)
    replies = await chat.say("帮助")
    assert len(replies) == 1
    assert t("commands.help.header") in replies[0].text


async def test_profile_shows_what_is_stored_so_far(services):
    chat = Chat(services)
    replies = await chat.say("我的资料")
    assert replies[0].text == t("commands.profile.empty")
    chat = await _at_pay(services, user="u2")
    replies = await chat.say("/profile")
    assert "就业形式：灵活就业" in replies[0].text
    assert "期望薪酬：未填" in replies[0].text
    assert t("commands.profile.incomplete") in replies[0].text
    assert replies[1].text == t("onboarding.ask.pay")


async def test_edit_one_field_mid_dialog_returns_to_the_pending_question(services):
    chat = await _at_pay(services)
    replies = await chat.say("修改 工作")
    assert await chat.step() == Step.CATEGORIES
    assert "✓ A" in "".join(c.label for c in replies[-1].choices)
    replies = await chat.say("B")
    assert (await chat.profile()).categories == ("B",)
    assert await chat.step() == Step.PAY
    assert t("onboarding.ask.pay") in replies[-1].text
    await chat.say("修改就业形式")  # without a space
    assert await chat.step() == Step.WORK_FORM
    await chat.say("稳定就业")
    assert await chat.step() == Step.PAY


async def test_edit_without_a_field_offers_the_list(services):
    chat = await _at_pay(services)
    replies = await chat.say("/edit")
    assert await chat.step() == Step.EDIT_FIELD
    assert len(replies[-1].choices) == 10
    await chat.tap("文化程度")
    assert await chat.step() == Step.EDUCATION
    await chat.say("本科")
    assert await chat.step() == Step.PAY
    replies = await chat.say("修改 天气")
    assert replies[0].text == t("commands.edit.unknown", name="天气")
    assert await chat.step() == Step.EDIT_FIELD
    await chat.tap("返回")
    assert await chat.step() == Step.PAY


async def test_edit_a_completed_profile_saves_and_shows_it(services):
    chat = Chat(services)
    await complete_by_typing(chat)
    await chat.say("修改 工资")
    assert await chat.step() == Step.PAY
    replies = await chat.say("月薪5000")
    assert await chat.state() is None
    assert "5000 元/月 起" in replies[-1].text
    profile = await chat.profile()
    assert (profile.pay.min, profile.pay.unit) == (5000, PayUnit.MONTH)
    assert profile.completed_at is not None


async def test_edit_from_the_summary(services):
    chat = Chat(services)
    await chat.say("你好")
    for _ in range(12):
        step = await chat.step()
        if step == Step.CONFIRM:
            break
        assert step is not None
        await chat.say(PLAIN[step])
    assert "地点：不限" in chat.text
    assert "接收推送：否" in chat.text
    await chat.tap("修改")
    await chat.tap("地点")
    await chat.say("河北区")
    assert await chat.step() == Step.CONFIRM
    assert "地点：河北区" in chat.text
    replies = await chat.tap("确认")
    assert replies[-1].text == t("onboarding.done_no_push")


async def test_pause_and_resume(services):
    chat = Chat(services)
    await complete_by_typing(chat)
    replies = await chat.say("暂停推送")
    assert replies == [replies[0]]
    assert replies[0].text == t("commands.paused")
    assert (await chat.profile()).paused
    await chat.say("/resume")
    profile = await chat.profile()
    assert not profile.paused
    assert profile.consent


async def test_resume_during_onboarding_records_consent_and_re_asks(services):
    chat = await _at_pay(services)
    replies = await chat.say("恢复推送")
    assert replies[0].text == t("commands.resumed_unfinished")
    assert replies[1].text == t("onboarding.ask.pay")
    assert (await chat.profile()).consent is True


async def test_restart_clears_the_answers(services):
    chat = await _at_pay(services)
    replies = await chat.say("重新开始")
    assert replies[0].text == t("commands.restarted")
    assert t("onboarding.welcome") in replies[1].text
    profile = await chat.profile()
    assert profile.work_form is None
    assert profile.categories == ()
    assert await chat.step() == Step.WORK_FORM


async def test_delete_asks_then_removes_everything(services):
    chat = await _at_pay(services)
    user_id = await chat.user_id()
    replies = await chat.say("删除我的信息")
    assert replies[0].text == t("commands.delete.ask")
    replies = await chat.say("好的")
    assert replies[0].text == t("commands.delete.again")
    assert await services.seekers.get(user_id) is not None
    replies = await chat.tap("确认删除")
    assert replies[0].text == t("commands.delete.done")
    assert await services.seekers.get(user_id) is None
    assert await services.dialogs.load(user_id) is None
    assert await services.users.by_id(user_id) is None


async def test_delete_by_typing_and_cancel_restores_the_dialog(services):
    chat = await _at_pay(services)
    await chat.say("/delete")
    replies = await chat.say("取消")
    assert replies[0].text == t("commands.delete.cancelled")
    assert replies[1].text == t("onboarding.ask.pay")
    assert await chat.step() == Step.PAY
    await chat.say("/delete")
    replies = await chat.say("帮助")  # another command cancels the pending deletion
    assert replies[1].text == t("onboarding.ask.pay")
    await chat.say("/delete")
    await chat.say("确认删除")
    assert await services.users.get(chat.key) is None


async def test_a_stale_delete_button_asks_again_instead_of_deleting(services):
    chat = await _at_pay(services)
    replies = await chat.say(payload="acct:delete:yes")
    assert replies[0].text == t("commands.delete.ask")
    assert await services.seekers.get(await chat.user_id()) is not None


@pytest.mark.parametrize(("to_en", "to_zh"), [("/lang en", "/lang zh"), ("English", "中文")])
async def test_language_switch(services, to_en, to_zh):
    chat = await _at_pay(services)
    replies = await chat.say(to_en)
    assert replies[0].text == t("commands.lang.set", "en")
    assert replies[1].text == t("onboarding.ask.pay", "en")
    replies = await chat.say("很多")
    assert replies[0].text.startswith(t("onboarding.bad.pay", "en"))
    replies = await chat.say(to_zh)
    assert replies[1].text == t("onboarding.ask.pay", "zh")


async def test_lang_without_argument_offers_both(services):
    chat = Chat(services)
    replies = await chat.say("/lang")
    assert [c.label for c in replies[0].choices] == ["中文", "English"]
    replies = await chat.tap("English")
    assert replies[0].text == t("commands.lang.set", "en")
