"""Invite codes: staff join with a one-time code; seekers link to the register with pre-fill."""

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from handlers.context import Services
from handlers.router import handle
from handlers.texts import t
from models.db import Database
from models.messages import Channel, DialogKey, Event, EventKind, Incoming
from models.repos.register import RegisterRepo
from models.repos.staff import StaffRepo
from models.values import Role
from tests.chat_helpers import TYPED, Chat
from tests.staff_helpers import audit, person, register, staff_chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

INVALID = t("caseworker.join.invalid", "zh")


async def _code(services, role=Role.CASEWORKER, district="西青区", days=7):
    invite = await StaffRepo(services.db).create_invite(
        role, district, "中北镇驿站", "test", services.clock(), days
    )
    return invite.code


async def test_a_staff_code_makes_a_caseworker_once(services):
    code = await _code(services)
    newcomer = Chat(services, "new", Channel.TELEGRAM)
    await newcomer.say(f"加入 {code.lower()}")
    assert "驿站工作人员" in newcomer.text
    user = await services.users.get(newcomer.key)
    assert (user.role, user.district, user.station) == (Role.CASEWORKER, "西青区", "中北镇驿站")
    await newcomer.say("待回访")  # now allowed
    assert newcomer.text == t("caseworker.overdue.none", "zh", district="西青区")
    thief = Chat(services, "thief", Channel.TELEGRAM)
    await thief.say(f"/join {code}")
    assert thief.text == INVALID
    assert (await services.users.get(thief.key)).role is Role.SEEKER
    joins = await audit(services, "staff:join")
    assert [(e.allowed, e.actor) for e in joins] == [
        (False, str(thief.key)),
        (True, str(newcomer.key)),
    ]


async def test_an_expired_staff_code_is_refused(services, clock):
    code = await _code(services, days=1)
    clock.advance(days=2)
    chat = Chat(services, "late")
    await chat.say(f"加入 {code}")
    assert chat.text == INVALID
    assert (await services.users.get(chat.key)).role is Role.SEEKER


async def test_a_telegram_deep_link_with_a_staff_code_joins(services):
    code = await _code(services, role=Role.ADMIN, district=None)
    key = DialogKey(Channel.TELEGRAM, "777")
    replies = await handle(Incoming(key, event=Event(EventKind.START, code)), services)
    assert "管理员" in replies[0].text
    assert (await services.users.get(key)).role is Role.ADMIN


async def test_a_code_lookalike_word_is_not_refused_as_a_code(services):
    chat = Chat(services, "english")
    await chat.say("SANDWICH")  # S + 7 letters, but no such staff code: onboarding goes on
    assert chat.text != INVALID
    assert await chat.step() is not None


async def test_a_register_code_links_and_prefills_the_form(services):
    [entry_id] = await register(
        services, person("张三", education="高中", skills="电焊", district="西青区")
    )
    entry = await RegisterRepo(services.db).get(entry_id)
    key = DialogKey(Channel.TELEGRAM, "5005")
    replies = await handle(
        Incoming(key, event=Event(EventKind.START, entry.invite_code)), services
    )
    assert "张三" in replies[0].text
    user = await services.users.get(key)
    assert (await RegisterRepo(services.db).get(entry_id)).user_id == user.id
    profile = await services.seekers.get(user.id)
    assert profile.education == "高中/中专/技校"
    assert profile.skills == "电焊"
    assert profile.districts == ("西青区",)
    chat = Chat(services, "5005", Channel.TELEGRAM)
    asked = []
    for _ in range(15):
        step = await chat.step()
        if step is None:
            break
        asked.append(step)
        await chat.say(TYPED[step])
    assert asked[0] == "ask_work_form"
    assert not {"ask_education", "ask_skills", "ask_districts"} & set(asked)
    done = await services.seekers.get(user.id)
    assert done.completed_at is not None
    assert done.skills == "电焊"


async def test_wechat_words_and_a_bare_code_link_too(services):
    ids = await register(services, person("李四"), person("王五"))
    repo = RegisterRepo(services.db)
    first, second = [await repo.get(i) for i in ids]
    wechat = Chat(services, "oWX1", Channel.WECHAT)
    await wechat.say(f"邀请码 {first.invite_code}")
    assert "李四" in wechat.text
    bare = Chat(services, "oWX2", Channel.WECHAT)
    await bare.say(f" {second.invite_code.lower()} ")
    assert "王五" in bare.text
    assert (await repo.get(ids[1])).user_id == await bare.user_id()


async def test_a_used_register_code_is_not_taken_over(services):
    [entry_id] = await register(services, person("赵六"))
    code = (await RegisterRepo(services.db).get(entry_id)).invite_code
    owner = Chat(services, "owner")
    await owner.say(f"邀请码 {code}")
    other = Chat(services, "other")
    await other.say(f"邀请码 {code}")
    assert other.text == t("caseworker.invite.used", "zh")
    assert (await RegisterRepo(services.db).get(entry_id)).user_id == await owner.user_id()
    await owner.say(f"邀请码 {code}")  # the owner again: still linked, no error
    assert "赵六" in owner.text
    [other_id] = await register(services, person("钱七"))
    other_code = (await RegisterRepo(services.db).get(other_id)).invite_code
    await owner.say(f"邀请码 {other_code}")
    assert owner.text == t("caseworker.invite.other", "zh")
    assert (await RegisterRepo(services.db).get(other_id)).user_id is None


async def test_the_invite_list_shows_links_when_the_bot_name_is_known(services):
    ids = await register(services, person("孙八"), person("周九"), person("南开人", "南开区"))
    linked = await RegisterRepo(services.db).get(ids[1])
    await Chat(services, "zj").say(f"邀请码 {linked.invite_code}")
    services.policy = replace(services.policy, telegram_bot_username="YizhanBot")
    chat = await staff_chat(services)
    await chat.say("邀请名单")
    first = await RegisterRepo(services.db).get(ids[0])
    assert f"https://t.me/YizhanBot?start={first.invite_code}" in chat.text
    assert "孙八" in chat.text
    assert "周九" not in chat.text  # already linked
    assert "南开人" not in chat.text  # another district
    assert "已关联 1 / 共 2 人" in chat.text
    services.policy = replace(services.policy, telegram_bot_username=None)
    await chat.say("邀请名单")
    assert f"邀请码 {first.invite_code}" in chat.text
    assert "t.me" not in chat.text


def test_the_command_line_creates_codes_and_lists_invites(tmp_path):
    db = tmp_path / "y.db"
    runner = CliRunner()
    made = runner.invoke(app, ["--db", str(db), "staff", "invite", "--district", "西青区"])
    assert made.exit_code == 0, made.output
    code = made.output.split()[0]
    assert code.startswith("S")
    assert len(code) == 8
    assert f"加入 {code}" in made.output

    async def seed() -> str:
        async with Database.open(db) as database:
            services = Services(db=database)
            [entry] = await register(services, person("吴十"))
            replies = await handle(Incoming(DialogKey(Channel.CONSOLE, "c1"), f"加入 {code}"),
                                   services)  # fmt: skip
            assert "驿站工作人员" in replies[0].text
            return (await RegisterRepo(database).get(entry)).invite_code

    invite = asyncio.run(seed())
    listed = runner.invoke(
        app, ["--db", str(db), "register", "invites", "--district", "西青区"],
        env={"YIZHAN_TELEGRAM_BOT_USERNAME": "YizhanBot"},
    )  # fmt: skip
    assert listed.exit_code == 0, listed.output
    assert "吴十" in listed.output
    assert invite in listed.output
    no_district = runner.invoke(app, ["--db", str(db), "staff", "invite"])
    assert no_district.exit_code != 0


async def test_codes_expire_after_a_week_by_default(services, clock):
    code = await _code(services)
    invite = await StaffRepo(services.db).get(code)
    assert invite.expires_at - invite.created_at == timedelta(days=7)
