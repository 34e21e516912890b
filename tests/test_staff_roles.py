"""Roles: every privileged command is refused and audited for others; staff are allow-listed."""

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from handlers.context import Services
from handlers.routes import build_router
from handlers.staff import staff_name
from handlers.texts import t
from models.db import Database
from models.messages import Channel, DialogKey
from models.values import Role
from tests.chat_helpers import Chat
from tests.staff_helpers import audit, person, register, staff_chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

COMMANDS = build_router().commands
STAFF_COMMANDS = sorted(c.name for c in COMMANDS.values() if c.staff_only)
REFUSED = t("error.not_allowed", "zh")


def test_the_caseworker_commands_are_all_staff_only():
    mine = {"invites", "staffinvite", "broadcast", "broadcast_results", "grouppost", "groupstats",
            "overdue", "log", "employed", "deregister", "needs", "sendinfo"}  # fmt: skip
    assert mine <= set(STAFF_COMMANDS)


@pytest.mark.parametrize("name", STAFF_COMMANDS)
@pytest.mark.parametrize("role", [Role.SEEKER, Role.EMPLOYER])
async def test_every_staff_command_is_refused_and_audited(services, name, role):
    chat = Chat(services, f"{role.value}-{name}")
    user = await services.users.get_or_create(chat.key, services.clock())
    await services.users.set_role(user.id, role)
    for word in COMMANDS[name].words:
        replies = await chat.say(f"{word} 1 西青区 测试")
        assert [r.text for r in replies] == [REFUSED], word
    entries = await audit(services, f"command:{name}")
    assert len(entries) == len(COMMANDS[name].words)
    assert all(not e.allowed and e.actor == str(chat.key) for e in entries)


@pytest.mark.parametrize("payload", ["bc:1:seekers", "bc:1:group", "bc:1:both", "bc:1:cancel"])
async def test_broadcast_buttons_are_refused_and_audited_for_seekers(services, payload):
    chat = Chat(services, "sneaky")
    assert [r.text for r in await chat.say(payload=payload)] == [REFUSED]
    [entry] = await audit(services, f"button:{payload}")
    assert not entry.allowed


async def test_allowed_staff_actions_are_audited_too(services):
    chat = await staff_chat(services)
    await chat.say("待回访")
    await chat.say("群发文案")
    [overdue] = await audit(services, "followup:overdue")
    [group] = await audit(services, "group_post:text")
    assert overdue.allowed
    assert group.allowed
    assert overdue.target == "西青区"


async def test_a_caseworker_acts_only_in_their_district(services):
    [nankai] = await register(services, person("南开的人", "南开区"))
    chat = await staff_chat(services, district="西青区")
    await chat.say(f"记录 {nankai} 电话 介绍岗位")
    assert chat.text == REFUSED
    [entry] = await audit(services, "followup:log")
    assert not entry.allowed
    assert "南开区" in (entry.detail or "")
    await chat.say("待回访 南开区")
    assert chat.text == REFUSED
    admin = await staff_chat(services, "boss", district=None, role=Role.ADMIN)
    await admin.say(f"记录 {nankai} 电话 介绍岗位")
    assert "已记录" in admin.text


async def test_only_admins_create_staff_invites(services):
    caseworker = await staff_chat(services)
    await caseworker.say("员工邀请 西青区")
    assert caseworker.text == REFUSED
    [refused] = await audit(services, "staff:invite")
    assert not refused.allowed
    admin = await staff_chat(services, "boss", district=None, role=Role.ADMIN)
    await admin.say("员工邀请 西青区 杨柳青驿站")
    assert "一次性邀请码 S" in admin.text
    allowed = [e for e in await audit(services, "staff:invite") if e.allowed]
    assert len(allowed) == 1


async def test_help_lists_staff_commands_to_staff_only(services):
    seeker = Chat(services, "s1")
    await seeker.say("帮助")
    assert "待回访" not in seeker.text
    assert "加入" in seeker.text
    chat = await staff_chat(services)
    await chat.say("帮助")
    assert "待回访" in chat.text
    assert "广播" in chat.text


def _cli(db: Path, *args: str):
    return CliRunner().invoke(app, ["--db", str(db), *args])


async def _user(db_path: Path, key: DialogKey):
    async with Database.open(db_path) as db:
        services = Services(db=db)
        return await services.users.get(key), await services.audit.recent()


def test_staff_add_list_and_remove_from_the_command_line(tmp_path):
    db = tmp_path / "y.db"
    key = DialogKey(Channel.TELEGRAM, "424242")
    result = _cli(db, "staff", "add", "--channel", "telegram", "--user-id", "424242",
                  "--district", "西青", "--station", "中北镇驿站", "--name", "张丽")  # fmt: skip
    assert result.exit_code == 0, result.output
    user, log = asyncio.run(_user(db, key))
    assert (user.role, user.district, user.station) == (Role.CASEWORKER, "西青区", "中北镇驿站")
    assert staff_name(user) == "张丽"  # contact records, pages and exports name her, not the id
    assert log[0].actor == "cli"
    assert log[0].action == "staff:add"
    assert log[0].allowed
    listed = _cli(db, "staff", "list")
    assert "424242" in listed.output
    assert "西青区" in listed.output
    assert "张丽" in listed.output
    assert (
        _cli(db, "staff", "remove", "--channel", "telegram", "--user-id", "424242").exit_code == 0
    )
    user, _ = asyncio.run(_user(db, key))
    assert user.role is Role.SEEKER
    assert (
        _cli(db, "staff", "remove", "--channel", "telegram", "--user-id", "424242").exit_code == 1
    )


def test_staff_add_refuses_a_caseworker_without_district_and_bad_roles(tmp_path):
    db = tmp_path / "y.db"
    no_district = _cli(db, "staff", "add", "--channel", "telegram", "--user-id", "1")
    assert no_district.exit_code != 0
    bad_role = _cli(db, "staff", "add", "--channel", "telegram", "--user-id", "1",
                    "--district", "西青区", "--role", "boss")  # fmt: skip
    assert bad_role.exit_code != 0
    admin = _cli(db, "staff", "add", "--channel", "wechat", "--user-id", "oX1", "--role", "admin")
    assert admin.exit_code == 0, admin.output
    user, _ = asyncio.run(_user(db, DialogKey(Channel.WECHAT, "oX1")))
    assert user.role is Role.ADMIN
    assert user.district is None
