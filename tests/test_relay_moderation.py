"""Caseworker relay of group posts and the moderation queue, through the real router."""

from __future__ import annotations

import pytest

from models.posting import PostingStatus, Trust
from models.repos.outbox import OutboxRepo, reply_from_json
from models.values import PayUnit, Role
from tests.chat_helpers import Chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

GROUP_POST = "急招！北辰区双街 装卸工 6名 日结280 明早7点 联系 13812340000 刘经理"
RISKY = "招聘保安3名 河西区 月薪8000 需交押金500元 电话13600000000"


async def caseworker(services, name: str = "cw") -> Chat:
    chat = Chat(services, name)
    await chat.say("帮助")
    await services.users.set_role(await chat.user_id(), Role.CASEWORKER, district="北辰区")
    return chat


async def held_post(services, name: str = "boss") -> tuple[Chat, int]:
    boss = Chat(services, name)
    await boss.say(RISKY)
    await boss.tap("确认发布")
    postings = await services.postings.by_poster(await boss.user_id())
    return boss, postings[0].id or 0


async def notices(services, chat: Chat) -> list[str]:
    rows = await OutboxRepo(services.db).for_user(await chat.user_id())
    return [reply_from_json(r["reply"]).text for r in rows if r["kind"] == "notice"]


async def last_audit(services):
    entries = await services.audit.recent(1)
    return entries[0]


async def test_a_relayed_post_keeps_its_group_and_original_text(services):
    cw = await caseworker(services)
    await cw.say("转发 西青零工群\n" + GROUP_POST)
    assert await cw.step() == "confirm"
    assert "转发" in cw.text
    await cw.tap("确认发布")
    assert "已发布" in cw.text
    postings = await services.postings.by_poster(await cw.user_id())
    assert len(postings) == 1
    posting = postings[0]
    assert posting.trust == Trust.RELAYED
    assert posting.source == "relay:西青零工群"
    assert posting.original_text == GROUP_POST
    assert (posting.title, posting.headcount, posting.pay.min) == ("装卸工", 6, 280)
    assert [s for s, _ in await services.postings.sources(posting.id or 0)] == ["relay:西青零工群"]
    user = await services.users.get(cw.key)
    assert user is not None
    assert user.role == Role.CASEWORKER  # relaying does not make a caseworker an employer
    entry = await last_audit(services)
    assert (entry.action, entry.target, entry.detail) == (
        "relay:submit",
        str(posting.id),
        "relay:西青零工群",
    )


async def test_a_pasted_post_with_its_group_line_is_a_relay(services):
    cw = await caseworker(services)
    await cw.say("源群：津南保洁群\n" + GROUP_POST)
    await cw.say("确认")
    posting = (await services.postings.by_poster(await cw.user_id()))[0]
    assert posting.trust == Trust.RELAYED
    assert posting.source == "relay:津南保洁群"
    assert "源群" not in (posting.original_text or "")


async def test_relay_command_then_the_post(services):
    cw = await caseworker(services)
    await cw.say("转发 红桥群")
    assert "红桥群" in cw.text
    assert await cw.step() == "wait_text"
    await cw.say(GROUP_POST)
    await cw.tap("确认发布")
    posting = (await services.postings.by_poster(await cw.user_id()))[0]
    assert posting.source == "relay:红桥群"


async def test_a_relayed_copy_of_a_live_post_is_merged(services):
    boss = Chat(services, "boss")
    await boss.say(GROUP_POST)
    await boss.tap("确认发布")
    cw = await caseworker(services)
    await cw.say("转发 北辰群\n" + GROUP_POST)
    await cw.tap("确认发布")
    assert "相同" in cw.text
    posting = (await services.postings.with_status(PostingStatus.PUBLISHED))[0]
    assert posting.seen_count == 2
    assert [s for s, _ in await services.postings.sources(posting.id or 0)] == [
        "chat:console",
        "relay:北辰群",
    ]


async def test_seekers_may_not_relay_or_moderate_and_are_audited(services):
    seeker = Chat(services, "seeker")
    await seeker.say("转发 某群")
    assert "只有驿站工作人员" in seeker.text
    await seeker.say("待审核")
    assert "只有驿站工作人员" in seeker.text
    await seeker.say(payload="mod:approve:1")
    assert "只有驿站工作人员" in seeker.text
    entry = await last_audit(services)
    assert not entry.allowed
    assert entry.action == "button:mod:approve:1"


async def test_the_queue_lists_held_posts_with_their_risk(services):
    _boss, posting_id = await held_post(services)
    cw = await caseworker(services)
    await cw.say("待审核")
    assert f"#{posting_id} 保安" in cw.text
    assert "向求职者收费（押金）" in cw.text
    assert f"通过 #{posting_id}" in [c.label for c in cw.last[-1].choices]


async def test_approve_publishes_and_tells_the_poster(services):
    boss, posting_id = await held_post(services)
    cw = await caseworker(services)
    await cw.say("待审核")
    await cw.tap(f"通过 #{posting_id}")
    assert "已通过" in cw.text
    posting = await services.postings.get(posting_id)
    assert posting is not None
    assert posting.status == PostingStatus.PUBLISHED
    assert posting.expires_at is not None
    assert any("已通过审核" in n for n in await notices(services, boss))
    entry = await last_audit(services)
    assert (entry.action, entry.target, entry.allowed) == (
        "moderation:approve",
        str(posting_id),
        True,
    )
    await cw.say(f"通过 {posting_id}")
    assert "不在待审核" in cw.text


async def test_reject_needs_a_reason_which_reaches_the_poster(services):
    boss, posting_id = await held_post(services)
    cw = await caseworker(services)
    await cw.say(f"驳回 {posting_id}")
    assert "请写明驳回原因" in cw.text
    still = await services.postings.get(posting_id)
    assert still is not None
    assert still.status == PostingStatus.PENDING
    await cw.say(f"驳回 {posting_id} 要求求职者交押金，违反规定")
    assert "已驳回" in cw.text
    rejected = await services.postings.get(posting_id)
    assert rejected is not None
    assert rejected.status == PostingStatus.REJECTED
    told = await notices(services, boss)
    assert any("要求求职者交押金，违反规定" in n for n in told)
    entry = await last_audit(services)
    assert (entry.action, entry.detail) == ("moderation:reject", "要求求职者交押金，违反规定")
    await boss.say("我的招聘")
    assert "已驳回" in boss.text
    assert "驳回原因：要求求职者交押金，违反规定" in boss.text


async def test_verify_marks_trust_and_keeps_the_queue(services, clock):
    _boss, posting_id = await held_post(services)
    cw = await caseworker(services)
    await cw.say(f"核实 {posting_id}")
    assert f"通过 {posting_id}" in cw.text  # still waiting: verification is not approval
    posting = await services.postings.get(posting_id)
    assert posting is not None
    assert posting.trust == Trust.VERIFIED
    assert posting.verified_at == clock()
    entry = await last_audit(services)
    assert entry.action == "moderation:verify"


async def test_edit_posting_changes_one_field_and_is_audited(services):
    boss = Chat(services, "boss")
    await boss.say(GROUP_POST)
    await boss.tap("确认发布")
    posting_id = (await services.postings.by_poster(await boss.user_id()))[0].id
    cw = await caseworker(services)
    await cw.say(f"编辑岗位 {posting_id} 工资 日结300")
    assert "已修改" in cw.text
    posting = await services.postings.get(posting_id or 0)
    assert posting is not None
    assert (posting.pay.min, posting.pay.unit) == (300, PayUnit.DAY)
    assert posting.status == PostingStatus.PUBLISHED
    entry = await last_audit(services)
    assert (entry.action, entry.detail) == ("moderation:edit", "pay=日结300")
    await cw.say(f"编辑岗位 {posting_id} 天气 很好")
    assert "格式" in cw.text


async def test_moderation_commands_need_a_posting_number(services):
    cw = await caseworker(services)
    await cw.say("通过")
    assert "编号" in cw.text
    await cw.say("核实 999")
    assert "没有找到" in cw.text
    await cw.say("待审核")
    assert "没有待审核" in cw.text
