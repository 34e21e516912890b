"""Follow-ups: monthly check-ins on a fake clock, contact records, statuses, needs."""

import random
from datetime import datetime, timedelta

import pytest

from bot.caseworker_jobs import CHECKIN_TIMER, install_checkins
from bot.delivery.dispatcher import Dispatcher
from bot.scheduler import Scheduler
from handlers.caseworker.checkins import due_checkins
from models.delivery import ContactRecord, DeliveryState
from models.messages import Channel, DialogKey
from models.register import REACHED, UNREACHED, RegisterStatus
from models.repos.deliveries import DeliveryRepo
from models.repos.feedback import FeedbackRepo
from models.repos.outbox import OutboxRepo
from models.repos.register import RegisterRepo
from models.repos.stats import StatsRepo
from models.timeutil import LOCAL_TZ
from tests.chat_helpers import Chat
from tests.delivery_builders import FakeTime, enqueue, make_posting, make_seeker, publish_now
from tests.fakes.channel import FakeSender
from tests.staff_helpers import person, register, staff_chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

ASK = "您好，这个月找工作顺利吗？"


def _at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LOCAL_TZ)


async def _linked(services, name, channel=Channel.CONSOLE, **fields):
    """A register row whose person started the bot (no profile yet)."""
    [entry] = await register(services, person(name, **fields))
    user = await services.users.get_or_create(DialogKey(channel, name), services.clock())
    await RegisterRepo(services.db).link(entry, user.id)
    return entry, user.id


async def _checkins(services, user_id):
    rows = await OutboxRepo(services.db).for_user(user_id)
    return [r for r in rows if (r["dedupe_key"] or "").startswith("checkin:")]


async def test_checkins_from_the_15th_go_to_people_not_contacted_this_month(services, clock):
    clock.now = _at(11, 10)
    _, linked = await _linked(services, "登记甲")
    seeker = await make_seeker(services, "seeker")
    called_entry, called = await _linked(services, "已电话")
    call = ContactRecord(None, None, _at(11, 3), "电话", "介绍岗位", "cw", called_entry, REACHED)
    await services.contacts.add(call)
    missed_entry, missed = await _linked(services, "没接通")
    miss = ContactRecord(None, None, _at(11, 4), "电话", "联系不到", "cw", missed_entry, UNREACHED)
    await services.contacts.add(miss)
    answered = await make_seeker(services, "answered")
    posting = await make_posting(services)
    await FeedbackRepo(services.db).record(answered, posting, "interested", _at(11, 8))
    refused = await make_seeker(services, "refused", consent=False)
    employed_entry, employed = await _linked(services, "已就业")
    await RegisterRepo(services.db).set_status(employed_entry, RegisterStatus.EMPLOYED, "单位就业",
                                               _at(11, 1))  # fmt: skip
    await register(services, person("没用机器人"))

    assert await due_checkins(services, clock()) == 0  # the 10th: too early
    [record] = await services.contacts.for_user(answered)  # the push answer is a contact
    assert (record.method, record.outcome, record.staff) == ("上门", REACHED, "系统")
    assert "感兴趣 保洁员" in record.content

    clock.now = _at(11, 15)
    assert await due_checkins(services, clock()) == 3
    asked = {u for u in (linked, seeker, called, missed, answered, refused, employed)
             if await _checkins(services, u)}  # fmt: skip
    assert asked == {linked, seeker, missed}
    [notice] = await _checkins(services, seeker)
    assert ASK in notice["reply"]
    assert await due_checkins(services, clock() + timedelta(days=1)) == 0  # once a month

    clock.now = _at(12, 15)
    assert await due_checkins(services, clock()) == 5  # November's contacts do not count
    assert len(await services.contacts.for_user(answered)) == 1  # written once


async def test_the_scheduler_runs_the_checkin_daily_at_ten(services, clock):
    clock.now = _at(11, 14, 9)
    await make_seeker(services, "s1")
    scheduler = Scheduler(services)
    await install_checkins(scheduler, day=15, hour=10)
    assert await scheduler.due_at(CHECKIN_TIMER) == _at(11, 14, 10)
    clock.now = _at(11, 14, 10)
    assert await scheduler.run_due() == 1
    assert await OutboxRepo(services.db).for_user(1) == []  # the 14th: nobody asked yet
    assert await scheduler.due_at(CHECKIN_TIMER) == _at(11, 15, 10)
    clock.now = _at(11, 15, 10)
    assert await scheduler.run_due() == 1
    assert len(await _checkins(services, 1)) == 1
    assert await scheduler.due_at(CHECKIN_TIMER) == _at(11, 16, 10)


def _dispatcher(services, clock, channel):
    time = FakeTime(clock)
    sender = FakeSender(channel, clock=time.monotonic)
    return Dispatcher(services, {channel: sender}, monotonic=time.monotonic, sleep=time.sleep,
                      rng=random.Random(5)), sender  # fmt: skip


async def test_answers_are_contacts_found_marks_employed_and_help_adds_needs(services, clock):
    clock.now = _at(11, 20)
    entry, found_user = await _linked(services, "小王", Channel.TELEGRAM)
    assert await make_seeker(services, "小王", Channel.TELEGRAM) == found_user
    helper = await make_seeker(services, "小李", Channel.TELEGRAM)
    posting = await make_posting(services)
    await publish_now(services, posting, clock() + timedelta(days=3))
    clock.now = _at(11, 20, 6)  # quiet hours: the push waits, the check-in too
    await enqueue(services, posting, [found_user])
    assert await due_checkins(services, clock()) == 2
    dispatcher, sender = _dispatcher(services, clock, Channel.TELEGRAM)
    await dispatcher.run_until_idle()
    assert sender.messages == []
    clock.now = _at(11, 20, 7)
    await dispatcher.run_until_idle()
    [question] = [m for m in sender.to("小王") if ASK in m.reply.text]
    later = await make_posting(services, title="保洁二")
    await publish_now(services, later, clock() + timedelta(days=3))
    await enqueue(services, later, [found_user])  # queued when the seeker says they found work
    assert [c.label for c in question.reply.choices] == [
        "已找到工作",
        "还在找",
        "需要培训/补贴帮助",
    ]

    wang = Chat(services, "小王", Channel.TELEGRAM)
    await wang.say(payload=question.reply.choices[0].payload)
    assert "哪种就业方式" in wang.text
    await wang.tap("灵活就业")
    row = await RegisterRepo(services.db).get(entry)
    assert (row.status, row.status_detail) == (RegisterStatus.EMPLOYED, "灵活就业")
    profile = await services.seekers.get(found_user)
    assert (profile.status, profile.status_detail) == ("employed", "灵活就业")
    [record] = await services.contacts.for_user(found_user)
    assert (record.method, record.register_id, record.content) == (
        "Telegram", entry, "月度回访：已找到工作",
    )  # fmt: skip

    li = Chat(services, "小李", Channel.TELEGRAM)
    await li.say("3")  # typed, no button
    assert "需要哪方面的帮助" in li.text
    await li.tap("技能培训")
    await li.tap("补贴申领")
    assert (await services.seekers.get(helper)).needs == ("技能培训", "补贴申领")
    [record] = await services.contacts.for_user(helper)
    assert record.content == "月度回访：需要培训/补贴帮助"
    await li.say("2")  # answered already: a bare digit is no longer an answer
    assert len(await services.contacts.for_user(helper)) == 1
    first, second = await DeliveryRepo(services.db).for_seeker(found_user)
    assert first.state is DeliveryState.SENT
    assert (second.state, second.outcome) == (DeliveryState.SUPPRESSED, "seeker_employed")


async def test_caseworkers_log_calls_visits_and_statuses(services, clock):
    clock.now = _at(11, 20)
    twins = (person("同名", phone="13900000001"), person("同名", phone="13900000002"))
    zhang, li, wang, twin1, twin2 = await register(
        services, person("张三"), person("李四"), person("王五"), *twins
    )
    chat = await staff_chat(services)
    await chat.say("待回访")
    assert "本月待回访 5 人" in chat.text
    assert "从未联系" in chat.text
    await chat.say("记录 张三 电话 介绍了保洁岗位，本人有意向")
    assert "已记录：张三（电话）" in chat.text
    [record] = [r for r in await services.contacts.between(_at(11, 1), _at(12, 1))]
    assert (record.register_id, record.staff, record.method, record.outcome) == (
        zhang, "cw1", "电话", REACHED,
    )  # fmt: skip
    await chat.say("待回访")
    assert "本月待回访 4 人" in chat.text
    assert "张三" not in chat.text
    for n in (1, 2, 3):
        await chat.say(f"记录 #{li} 电话 联系不到，关机")
        assert f"累计 {n} 次" in chat.text
    assert "状态改为“联系不到”" in chat.text
    assert (await RegisterRepo(services.db).get(li)).status is RegisterStatus.UNREACHABLE
    await chat.say(f"记录 {li} 上门 见到本人")
    assert (await RegisterRepo(services.db).get(li)).status is RegisterStatus.REGISTERED
    await chat.say(f"就业 {wang} 自主创业")
    row = await RegisterRepo(services.db).get(wang)
    assert (row.status, row.status_detail) == (RegisterStatus.EMPLOYED, "自主创业")
    await chat.say(f"注销登记 {twin1} 退休")
    row = await RegisterRepo(services.db).get(twin1)
    assert (row.status, row.status_detail) == (RegisterStatus.CLOSED, "已退休")
    await chat.say(f"注销登记 {twin2} 已就业")
    assert "就业 编号" in chat.text
    await chat.say(f"注销登记 {twin2} 想走了")
    assert "入学/服兵役/移居境外" in chat.text  # the standard reasons are listed
    await chat.say("记录 同名 电话 你好")
    assert f"#{twin1} #{twin2}" in chat.text
    await chat.say("记录 张三 打卡 你好")
    assert "电话|上门|短信|微信" in chat.text
    await chat.say("记录 无此人 电话 你好")
    assert "没有找到" in chat.text

    [stats] = await StatsRepo(services.db).table(("西青区",), _at(11, 1, 0), _at(12, 1, 0))
    assert stats.issued == stats.unreachable + stats.served + stats.not_contacted
    assert stats.served == stats.employed + stats.unemployed
    # 下发 counts everyone still unemployed at some point of the month (同名1 closed today).
    assert (stats.issued, stats.served, stats.employed) == (5, 2, 0)  # 王五 was not reached


async def test_needs_lists_and_sending_information(services, clock):
    training = await make_seeker(services, "t1", needs=("技能培训",))
    await make_seeker(services, "t2", needs=("补贴申领", "技能培训"), districts=("南开区",))
    subsidy = await make_seeker(services, "t3", needs=("补贴申领",))
    await make_seeker(services, "t4")
    chat = await staff_chat(services)
    await chat.say("需求名单 技能培训")
    assert f"U{training} " in chat.text
    assert "技能培训名单" not in chat.text
    assert "（1 人）" in chat.text
    await chat.say("需求名单")
    assert "（2 人）" in chat.text
    assert f"U{subsidy} " in chat.text
    await chat.say("发送信息 技能培训 本月25日西青区开设叉车培训班，报名电话 022-12345678")
    assert "已排队发送给 1 位" in chat.text
    await chat.say("发送信息 技能培训 本月25日西青区开设叉车培训班，报名电话 022-12345678")
    assert "已排队发送给 0 位" in chat.text
    assert "1 人此前已收到" in chat.text
    [record] = await services.contacts.for_user(training)
    assert (record.staff, record.method) == ("cw1", "上门")
    assert record.content.startswith("发送信息（技能培训）")
    dispatcher, sender = _dispatcher(services, clock, Channel.CONSOLE)
    await dispatcher.run_until_idle()
    [message] = sender.messages
    assert message.address == "t1"
    assert message.reply.text.startswith("【中北镇驿站·技能培训】本月25日")
    await chat.say("发送信息 游泳 你好")
    assert "补贴申领|职业指导" in chat.text
