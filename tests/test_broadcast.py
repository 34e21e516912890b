"""Broadcasts: the reach preview, pushes through the real dispatcher, the WeCom group, results."""

import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.channels.fake import FakeSender
from bot.channels.wecom_robot import WeComRobotSender
from bot.dispatcher import Dispatcher
from handlers.broadcast import sync_group_targets
from handlers.texts import t
from matching.engine import Matcher
from models.delivery import DeliveryState
from models.messages import Channel, DialogKey
from models.posting import PostingStatus, Trust
from models.repos.deliveries import DeliveryRepo
from models.repos.outreach import OutreachRepo
from models.values import Pay, PayUnit, Role
from tests.chat_helpers import Chat
from tests.delivery_builders import FakeTime, make_posting, make_seeker, publish_now
from tests.fakes.wechat_api import FakeWeChat
from tests.staff_helpers import audit, staff_chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

WEBHOOK = "/cgi-bin/webhook/send"


@pytest.fixture
async def wecom():
    server = await FakeWeChat().start()
    yield server
    await server.close()


@pytest.fixture
async def town(services, clock, encoder: Any, tmp_path: Path):
    """Cleaning seekers: two in 西青区 (one quiet until 12:00), one in 南开区; a matcher."""
    people = {
        "near": await make_seeker(services, "near"),
        "quiet": await make_seeker(services, "quiet", quiet_start=9, quiet_end=12),
        "nankai": await make_seeker(services, "nankai", districts=("南开区",)),
    }
    services.matcher = await Matcher.open(services.db, encoder, tmp_path / "index", phrases=t)
    await sync_group_targets(services, ["西青区"], clock())
    return people


def _dispatcher(services, clock, wecom):
    time = FakeTime(clock)
    console = FakeSender(Channel.CONSOLE, clock=time.monotonic)
    robots = WeComRobotSender({"西青区": wecom.robot_url("KEY-XQ")}, timeout_s=2.0)
    dispatcher = Dispatcher(
        services, {Channel.CONSOLE: console, Channel.WECOM: robots},
        monotonic=time.monotonic, sleep=time.sleep, rng=random.Random(3),
    )  # fmt: skip
    return dispatcher, console, robots


async def _deliveries(services, posting):
    return {d.seeker_user_id: d for d in await DeliveryRepo(services.db).for_posting(posting)}


async def test_preview_then_both_reach_the_district_through_the_pipeline(
    services, clock, town, wecom
):
    posting = await make_posting(services)  # 保洁员 in 西青区, phone 13812345678
    await publish_now(services, posting, clock() + timedelta(days=30))
    chat = await staff_chat(services)
    await chat.say(f"广播 {posting}")
    assert "西青区匹配求职者 2 人，其中已推送 0 人，本次可新增 2 人" in chat.text
    assert "企业微信群：已配置" in chat.text
    assert [c.label for c in chat.last[0].choices] == [
        "推送给求职者", "发到企业微信群", "两者都发", "取消",
    ]  # fmt: skip
    await chat.tap("两者都发")
    assert "新增推送 2 人" in chat.text
    assert "企业微信群消息已排队" in chat.text
    pushes = await _deliveries(services, posting)
    assert set(pushes) == {town["near"], town["quiet"]}  # not 南开区: the caseworker's district

    dispatcher, console, robots = _dispatcher(services, clock, wecom)
    try:
        await dispatcher.run_until_idle()
    finally:
        await robots.aclose()
    near = await services.users.by_id(town["near"])
    assert len(console.to(near.key.user_id)) == 1
    pushes = await _deliveries(services, posting)
    assert pushes[town["near"]].state is DeliveryState.SENT
    quiet = pushes[town["quiet"]]  # 10:00 is inside this seeker's quiet hours (9-12)
    assert (quiet.state, quiet.outcome) == (DeliveryState.QUEUED, None)
    assert quiet.due_at > clock()
    [group] = wecom.sent(WEBHOOK)
    content = group.body["markdown"]["content"]
    assert f"回复 J{posting} 获取联系方式" in content
    assert "13812345678" not in content

    await chat.say(f"广播 {posting}")
    assert "本次可新增 0 人" in chat.text
    assert "推送给求职者" not in [c.label for c in chat.last[0].choices]
    await chat.tap("发到企业微信群")
    assert "已发过这个岗位" in chat.text
    await chat.say(f"广播结果 {posting}")
    assert "已送达 1 · 排队 1" in chat.text
    assert "群消息 已发送" in chat.text
    sends = await audit(services, "broadcast:send")
    assert [e.allowed for e in sends] == [True, True]


async def test_a_pending_posting_is_published_first(services, clock, town):
    posting = await make_posting(services)  # pending
    chat = await staff_chat(services)
    await chat.say(f"广播 {posting}")
    assert "确认后将先发布" in chat.text
    await chat.tap("推送给求职者")
    assert f"岗位 {posting} 已发布" in chat.text
    stored = await services.postings.get(posting)
    assert stored.status is PostingStatus.PUBLISHED
    assert {town["near"], town["quiet"]} <= set(await _deliveries(services, posting))
    [row] = await OutreachRepo(services.db).broadcasts(posting)
    assert (row.district, row.matched, row.group_notice) == ("西青区", 2, None)


async def test_an_admin_broadcasts_in_the_postings_district(services, clock, town):
    posting = await make_posting(services, district="南开区", address="鞍山西道")
    await publish_now(services, posting, clock() + timedelta(days=30))
    admin = await staff_chat(services, "boss", district=None, role=Role.ADMIN)
    await admin.say(f"广播 {posting}")
    assert "南开区匹配求职者" in admin.text
    assert "南开区企业微信群：未配置" in admin.text
    assert "发到企业微信群" not in [c.label for c in admin.last[0].choices]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": PostingStatus.CLOSED}, "已结束或已驳回"),
        ({"status": PostingStatus.REJECTED}, "已结束或已驳回"),
        ({"risk_score": 0.8}, "有风险提示"),
    ],
)
async def test_ended_and_risky_postings_are_not_broadcast(services, changes, expected):
    posting = await make_posting(services, **changes)
    chat = await staff_chat(services)
    await chat.say(f"广播 {posting}")
    assert expected in chat.text
    await chat.say(payload=f"bc:{posting}:seekers")
    assert expected in chat.text
    assert await DeliveryRepo(services.db).for_posting(posting) == []


async def test_a_verified_risky_posting_may_go_and_a_missing_one_is_named(services, town, clock):
    posting = await make_posting(services, risk_score=0.8, trust=Trust.VERIFIED)
    chat = await staff_chat(services)
    await chat.say(f"广播 {posting}")
    assert "匹配求职者" in chat.text
    await chat.say("广播 99999")
    assert "没有找到岗位 99999" in chat.text


async def test_group_identities_follow_the_configured_robots(services, clock):
    await sync_group_targets(services, ["西青区", "南开区"], clock())
    await sync_group_targets(services, ["西青区"], clock())
    xq = await services.users.get(DialogKey(Channel.WECOM, "西青区"))
    nk = await services.users.get(DialogKey(Channel.WECOM, "南开区"))
    assert (xq.subscribed, nk.subscribed) == (True, False)
    seeker = Chat(services, "s")
    await seeker.say(payload="bc:1:both")
    assert seeker.text == t("error.not_allowed", "zh")


async def test_the_sheets_own_number_finds_that_posting_never_another(services, town, clock):
    first = await make_posting(services, title="保洁员")  # internal #1
    other = await make_posting(services, title="仓库分拣", external_id="TJ-01")
    clash = await make_posting(services, title="厨工", external_id=str(first))
    for posting in (first, other, clash):
        await publish_now(services, posting, clock() + timedelta(days=30))
    chat = await staff_chat(services)
    await chat.say("广播 TJ-01")
    assert "仓库分拣" in chat.text
    assert "保洁员" not in chat.text
    await chat.say("广播结果 TJ-01")
    assert f"#{other}" in chat.text or "仓库分拣" in chat.text
    await chat.say("广播 TJ-99")
    assert "没有找到岗位 TJ-99" in chat.text
    await chat.say(f"广播 {first}")  # both #1 and another posting's 编号 "1": ask, never guess
    assert f"没有找到岗位 {first}" in chat.text
    assert "#12" in chat.text
    await chat.say(f"广播 #{first}")
    assert "保洁员" in chat.text
    await chat.say("广播 99999999999999999999999")
    assert "没有找到岗位 99999999999999999999999" in chat.text


async def test_a_broadcast_passes_the_push_bars_and_counts_who_they_left_out(
    services, clock, town
):
    # Before the fix a broadcast queued every district seeker the ranking found, whatever their
    # pay floor or trade (issue 13): a 200 元/天 cleaning gig reached a 230 元/天 seeker.
    picky = await make_seeker(services, "picky", pay=Pay(230, None, PayUnit.DAY))
    licence = await make_seeker(services, "nolicence", skills="会用扫地机")
    await services.matcher.seeker_changed(picky)
    await services.matcher.seeker_changed(licence)
    posting = await make_posting(
        services, description="西青区商场保洁，需持叉车证，早8晚5，联系电话13812345678"
    )
    await publish_now(services, posting, clock() + timedelta(days=30))
    chat = await staff_chat(services)
    await chat.say(f"广播 {posting}")
    assert "西青区匹配求职者 2 人" in chat.text
    assert "未通过推送条件、不推送 2 人：工资低于期望 1 人，缺少所需证书或经验 1 人。" in chat.text
    await chat.tap("推送给求职者")
    assert "新增推送 2 人" in chat.text
    assert "工资低于期望 1 人" in chat.text
    pushes = await _deliveries(services, posting)
    assert set(pushes) == {town["near"], town["quiet"]}
    assert "pay:" in pushes[town["near"]].push_bars

    en = await staff_chat(services, "en_worker")
    await en.say("/lang en")
    await en.say(f"广播 {posting}")
    assert "2 seekers left out by the push bars: pay below their floor 1" in en.text
