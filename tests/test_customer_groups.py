"""Customer groups (#21) end to end against the fake WeCom: sync with cursor pages, 群标签,
a digest task holding exactly the matching postings (masked), results read back, the cap."""

from datetime import UTC, timedelta

import pytest

from bot.channels.wechat.api import TokenExpired
from bot.channels.wecom.api import GroupGone, WeComApi
from bot.channels.wecom.groups import GroupsApi, group_scene
from bot.delivery.errors import DeliveryError, RateLimited
from bot.groups.digests import DigestConfig, GroupDigests
from bot.groups.jobs import DIGEST_TIMER, RESULTS_TIMER, install
from bot.scheduler import Scheduler
from matching.group_digest import GroupTags, TagError, may_send_today, monthly_cap, parse_tags
from models.posting import PostingStatus, Trust
from models.repos.wechat import WeChatRepo
from tests.delivery_builders import make_posting, publish_now
from tests.fakes.wechat_api import Scripted
from tests.fakes.wecom_groups import YANGLIUQING, ZHANGJIAWO, fake_with_groups

pytestmark = pytest.mark.backends

KF = "https://work.weixin.qq.com/kfid/kfc0123456789"
ADD = "/cgi-bin/externalcontact/add_msg_template"
GET = "/cgi-bin/externalcontact/groupchat/get"


@pytest.fixture
async def wecom():
    fake, groups = fake_with_groups(ZHANGJIAWO, YANGLIUQING, ("wrCCC3", "老乡群", "zhangsan", 15))
    await fake.start()
    yield fake, groups
    await fake.close()


@pytest.fixture
async def digests(wecom, services, clock):
    fake, _ = wecom
    api = WeComApi("wwcorp", "app-secret", WeChatRepo(services.db), clock,
                   base_url=fake.base_url, timeout_s=2)  # fmt: skip
    async with api:
        yield GroupDigests(services, GroupsApi(api), DigestConfig(kf_url=KF, size=6))


async def _live(services, clock, title, **changes):
    pid = await make_posting(services, title, **changes)
    await publish_now(services, pid, clock() + timedelta(days=3))
    return pid


async def _postings(services, clock):
    return {
        "clean": await _live(services, clock, "商场保洁员"),
        "clean_verified": await _live(services, clock, "小区保洁", trust=Trust.VERIFIED),
        "scam": await _live(services, clock, "保洁 先交押金", risk_score=0.9),
        "other_district": await _live(services, clock, "南开保洁", district="南开区"),
        "other_trade": await _live(services, clock, "快递分拣", categories=("C",)),
        "pending": await make_posting(services, "保洁待审", status=PostingStatus.PENDING),
    }


def test_tags_are_validated_against_districts_and_taxonomy():
    assert parse_tags("西青区 · 保洁/普工") == GroupTags("西青区", ("A", "J"))
    assert parse_tags("西青 A") == GroupTags("西青区", ("A",))
    assert parse_tags("西青区") == GroupTags("西青区", ())
    for bad in ("保洁", "西青区 · 扫大街的", "西青区 南开区 保洁", "火星区 保洁"):
        with pytest.raises(TagError):
            parse_tags(bad)


def test_cap_is_spread_over_the_month():
    from datetime import date

    assert monthly_cap(None, date(2026, 2, 10)) == 28
    assert monthly_cap(4, date(2026, 2, 10)) == 4
    # Four a month in a 30-day month: one by day 1, two by day 8, never two on one day.
    assert may_send_today(4, date(2026, 11, 1), 0, False)
    assert not may_send_today(4, date(2026, 11, 2), 1, False)
    assert may_send_today(4, date(2026, 11, 8), 1, False)
    assert not may_send_today(4, date(2026, 11, 30), 4, False)
    assert not may_send_today(30, date(2026, 11, 5), 0, True)


async def test_sync_pages_and_marks_a_dissolved_group(wecom, digests):
    fake, groups = wecom
    report = await digests.sync()
    assert report.groups == 3
    listed = [c.body.get("cursor") for c in fake.calls if c.path.endswith("/groupchat/list")]
    assert listed == [None, "2"]  # two pages of two: the cursor was followed
    stored = {g.chat_id: g for g in await digests.repo.all()}
    assert stored["wrAAA1"].owner == "zhangsan"
    assert stored["wrAAA1"].member_count == 120
    assert not any(g.dissolved for g in stored.values())
    groups.groups["wrCCC3"].dissolved = True
    await digests.sync()
    assert (await digests.repo.get("wrCCC3")).dissolved


async def test_a_tagged_group_gets_exactly_its_postings_masked(wecom, digests, services, clock):
    fake, groups = wecom
    ids = await _postings(services, clock)
    await digests.sync()
    assert await digests.repo.tag("wrAAA1", "西青区", ("A",), "王社工")
    plan, digest_id = await digests.send("wrAAA1", "王社工")
    assert digest_id is not None
    assert plan.refusal is None
    assert [p.id for p in plan.postings] == [ids["clean_verified"], ids["clean"]]
    task = groups.tasks["msg1"]
    assert task.sender == "zhangsan"
    assert task.chat_ids == ["wrAAA1"]
    assert f"J{ids['clean']}" in task.text
    assert f"J{ids['clean_verified']}" in task.text
    for left_out in ("scam", "other_district", "other_trade", "pending"):
        assert f"J{ids[left_out]}" not in task.text
    assert "13812345678" not in task.text
    assert "138****5678" in task.text
    link = task.attachments[0]["link"]["url"]
    assert link == f"{KF}?scene_param=group%3AwrAAA1"
    assert group_scene("wrAAA1") == "group:wrAAA1"
    assert link in task.text
    sent = fake.sent(ADD)[0].body
    assert sent["chat_type"] == "group"
    assert sent["chat_id_list"] == ["wrAAA1"]

    # The owner has not confirmed yet: waiting; then confirmed: sent, read back.
    [digest] = await digests.read_results()
    assert digest.status == "waiting"
    assert digest.posting_ids == tuple(sorted([ids["clean"], ids["clean_verified"]]))
    groups.confirm("msg1")
    [digest] = await digests.read_results()
    assert digest.status == "sent"
    assert digest.sent_at is not None

    # Same day: refused; the next day with a new posting: only the new one, nothing repeated.
    again, none = await digests.send("wrAAA1", "王社工")
    assert none is None
    assert again.refusal == "groups.refuse.today"
    clock.advance(days=1)
    newer = await _live(services, clock, "写字楼保洁")
    plan, digest_id = await digests.send("wrAAA1", "王社工")
    assert [p.id for p in plan.postings] == [newer]
    clock.advance(days=1)
    plan, digest_id = await digests.send("wrAAA1", "王社工")
    assert digest_id is None
    assert plan.refusal == "groups.refuse.empty"


async def test_monthly_cap_is_respected(wecom, services, clock):
    fake, _ = wecom
    api = WeComApi("wwcorp", "app-secret", WeChatRepo(services.db), clock,
                   base_url=fake.base_url, timeout_s=2)  # fmt: skip
    async with api:
        capped = GroupDigests(services, GroupsApi(api), DigestConfig(kf_url=KF, monthly_cap=2))
        await capped.sync()
        await capped.repo.tag("wrAAA1", "西青区", ("A",), "王社工")
        made = []
        for _ in range(30):  # November: every day a new posting, a send tried each day
            await _live(services, clock, "保洁员")
            _, digest_id = await capped.send("wrAAA1", "王社工")
            made.append(digest_id is not None)
            clock.advance(days=1)
            if clock().month != 11:
                break
    assert sum(made) == 2  # never beyond the cap
    assert len(fake.sent(ADD)) == 2


async def test_errcodes_token_expiry_refusal_and_a_dissolved_group(wecom, digests, services,
                                                                    clock):  # fmt: skip
    fake, groups = wecom
    await _postings(services, clock)
    await digests.sync()
    await digests.repo.tag("wrAAA1", "西青区", ("A",), "王社工")
    await digests.repo.tag("wrBBB2", "西青区", ("A",), "王社工")
    # The token expired in between: renewed once, the call goes through.
    fake.expire_tokens()
    _, digest_id = await digests.send("wrAAA1", "王社工")
    assert digest_id is not None
    assert fake.tokens_issued == 2
    # WeCom answers 40014 then 41001 on the same call: one renewal only, then the error.
    fake.answer(ADD, 40014, 41001)
    with pytest.raises(TokenExpired) as refused:
        await digests.send("wrBBB2", "王社工")
    assert "41001" in str(refused.value)
    # The refused try left the day free: the next try creates the task.
    _, digest_id = await digests.send("wrBBB2", "王社工")
    assert digest_id is not None
    # Quota: 45009 is a rate limit, nothing reserved.
    clock.advance(days=1)
    await _live(services, clock, "保洁新")
    fake.answer(ADD, Scripted(45009))
    with pytest.raises(RateLimited, match="45009"):
        await digests.send("wrAAA1", "王社工")
    assert (await digests.repo.digests_since("wrAAA1", "2026-11-24")) == 0
    # The group was dissolved after the sync: add_msg_template refuses; it is marked.
    groups.groups["wrAAA1"].dissolved = True
    with pytest.raises(GroupGone):
        await digests.send("wrAAA1", "王社工")
    assert (await digests.repo.get("wrAAA1")).dissolved
    plan, _ = await digests.send("wrAAA1", "王社工")
    assert plan.refusal == "groups.refuse.dissolved"


async def test_an_owner_who_never_confirms_stays_waiting(wecom, digests, services, clock):
    fake, groups = wecom
    await _postings(services, clock)
    await digests.sync()
    await digests.repo.tag("wrAAA1", "西青区", (), "王社工")
    await digests.send("wrAAA1", "王社工")
    for _ in range(3):
        clock.advance(hours=8)
        [digest] = await digests.read_results()
        assert digest.status == "waiting"
        assert digest.sent_at is None
    results = [c for c in fake.calls if c.path.endswith("get_groupmsg_send_result")]
    assert results == []  # the task says "not confirmed": no need to ask per group
    assert groups.groups["wrAAA1"].received == 0


async def test_no_api_no_link_and_unknown_group(services):
    bare = GroupDigests(services, None, DigestConfig())
    assert await bare.plan("nope") is None
    with pytest.raises(DeliveryError):
        await bare.sync()


async def test_yizhan_run_creates_the_days_digests_and_reads_results(wecom, digests, services,
                                                                      clock):  # fmt: skip
    _, groups = wecom
    await _postings(services, clock)
    await digests.sync()
    await digests.repo.tag("wrAAA1", "西青区", ("A",), "王社工")
    scheduler = Scheduler(services)
    await install(scheduler, digests, hour=9)  # the clock shows 10:00: first run tomorrow 9:00
    assert await scheduler.run_due() == 0
    clock.now = (await scheduler.due_at(DIGEST_TIMER)).astimezone(UTC)
    assert await scheduler.run_due() == 2  # the day's digests, and the hourly results read
    assert [t.chat_ids for t in groups.tasks.values()] == [["wrAAA1"]]
    groups.confirm("msg1")
    clock.now = (await scheduler.due_at(RESULTS_TIMER)).astimezone(UTC)
    assert await scheduler.run_due() == 1
    [digest] = await digests.repo.digests()
    assert digest.status == "sent"
    assert "groups:send" in [e.action for e in await services.audit.recent(10)]


async def test_a_long_digest_keeps_the_best_inside_wecoms_4000_bytes(wecom, services, clock):
    fake, groups = wecom
    api = WeComApi("wwcorp", "app-secret", WeChatRepo(services.db), clock,
                   base_url=fake.base_url, timeout_s=2)  # fmt: skip
    async with api:
        big = GroupDigests(services, GroupsApi(api), DigestConfig(kf_url=KF, size=60))
        await big.sync()
        await big.repo.tag("wrAAA1", "西青区", ("A",), "王社工")
        for n in range(60):
            await _live(services, clock, f"保洁员{n} " + "商场写字楼小区保洁" * 8)
        plan, digest_id = await big.send("wrAAA1", "王社工")
    assert digest_id is not None
    text = groups.tasks["msg1"].text
    assert len(text.encode("utf-8")) <= 4000
    assert 5 < len(plan.postings) < 60
    assert text.endswith("请勿先交钱。")  # the footer and its link are never cut off
    # What did not fit was not marked as sent: it can go into tomorrow's digest.
    assert len(await big.repo.sent_posting_ids("wrAAA1")) == len(plan.postings)


async def test_a_group_over_wecoms_own_cap_is_reported(wecom, digests, services, clock):
    _, groups = wecom
    await _postings(services, clock)
    await digests.sync()
    await digests.repo.tag("wrAAA1", "西青区", ("A",), "王社工")
    groups.groups["wrAAA1"].received = groups.monthly_cap  # other staff's mass sends used it up
    await digests.send("wrAAA1", "王社工")
    groups.confirm("msg1")
    [digest] = await digests.read_results()
    assert digest.status == "over_cap"
    assert digest.sent_at is None
