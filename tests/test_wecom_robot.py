"""The WeCom group-robot sender against the local fake webhook (which enforces 20/min itself)."""

import pytest

from bot.channels.wecom.robot import (
    RobotPacer,
    WeComRobotSender,
    markdown_card,
    mask_phones,
)
from bot.delivery.errors import Permanent, RateLimited, Transient
from models.messages import Choice, Reply
from tests.fakes.wechat_api import FakeWeChat, Scripted

WEBHOOK = "/cgi-bin/webhook/send"


class Monotonic:
    """A monotonic clock whose sleep only moves the hands (a minute passes instantly)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def ticks():
    return Monotonic()


@pytest.fixture
async def fake(ticks):
    server = await FakeWeChat(clock=ticks).start()
    yield server
    await server.close()


@pytest.fixture
async def robots(fake, ticks):
    sender = WeComRobotSender(
        {"西青区": fake.robot_url("KEY-XQ"), "南开区": fake.robot_url("KEY-NK")},
        pacer=RobotPacer(clock=ticks, sleep=ticks.sleep),
        timeout_s=0.3,
    )
    yield sender
    await sender.aclose()


def card(n: int = 1, phone: str = "13812345678") -> Reply:
    return Reply(
        f"西青区 保洁员 {n} 名\n日结 200 元\n联系电话：{phone}",
        choices=(Choice("感兴趣", f"fb:{n}:interested"),),
    )


async def test_a_broadcast_of_45_cards_never_exceeds_20_a_minute(robots, fake, ticks):
    start = ticks()
    for n in range(45):
        await robots.send("西青区", card(n))
    accepted = fake.sent(WEBHOOK)
    assert len(accepted) == 45  # the fake never had to answer 130101
    times = [c.at for c in accepted]
    for i, at in enumerate(times):
        assert sum(1 for other in times[i:] if other - at < 60.0) <= 20
    assert ticks() - start >= 120.0  # 45 cards need three minutes' windows
    assert ticks.slept >= 120.0


async def test_each_robot_has_its_own_budget(robots, fake, ticks):
    for n in range(20):
        await robots.send("西青区", card(n))
    await robots.send("南开区", card(99))
    assert ticks.slept == 0.0
    assert fake.sent(WEBHOOK)[-1].query["key"] == "KEY-NK"


async def test_130101_is_rate_limited_and_the_robot_rests(robots, fake, ticks):
    fake.answer(WEBHOOK, 130101)
    with pytest.raises(RateLimited) as raised:
        await robots.send("西青区", card())
    assert raised.value.retry_after == 60.0
    before = ticks()
    await robots.send("西青区", card())
    assert ticks() - before >= 60.0  # waited out the block before trying again
    assert len(fake.sent(WEBHOOK)) == 1


async def test_45009_is_rate_limited_too(robots, fake):
    fake.answer(WEBHOOK, 45009)
    with pytest.raises(RateLimited):
        await robots.send("南开区", card())


async def test_the_card_is_markdown_with_phones_masked(robots, fake):
    await robots.send("西青区", card(phone="138 1234 5678"))
    body = fake.sent(WEBHOOK)[0].body
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("**西青区 保洁员 1 名**\n日结 200 元")
    assert "138****5678" in content
    assert "1234" not in content
    assert "感兴趣" not in content  # a group cannot press buttons
    assert content.endswith("> 报名或咨询请联系驿站工作人员，或关注驿站公众号。")


def test_phone_masking():
    text = "电话13812345678或138-1234-5678，座机022-23456789，工资5000-6000元，编号20261123"
    masked = mask_phones(text)
    assert masked == (
        "电话138****5678或138****5678，座机022-****6789，工资5000-6000元，编号20261123"
    )
    assert mask_phones("联系电话：2345 6789") == "联系电话：****6789"
    assert mask_phones("Tel 87654321, 2026年11月23日") == "Tel ****4321, 2026年11月23日"


@pytest.mark.parametrize(("msgtype", "limit"), [("markdown", 4096), ("text", 2048)])
async def test_byte_limits_cut_on_a_character_boundary(fake, ticks, msgtype, limit):
    sender = WeComRobotSender(
        {"西青区": fake.robot_url("K")},
        pacer=RobotPacer(clock=ticks, sleep=ticks.sleep),
        msgtype=msgtype,
    )
    try:
        await sender.send("西青区", Reply("长岗位说明\n" + "招聘保洁员，" * 2000))
    finally:
        await sender.aclose()
    content = fake.sent(WEBHOOK)[0].body[msgtype]["content"]
    assert len(content.encode("utf-8")) <= limit
    assert "…" in content
    assert content.endswith("报名或咨询请联系驿站工作人员，或关注驿站公众号。")


async def test_failures_map_to_delivery_errors(robots, fake):
    with pytest.raises(Permanent, match="no WeCom robot"):
        await robots.send("蓟州区", card())
    fake.answer(WEBHOOK, Scripted(status=502))
    with pytest.raises(Transient):
        await robots.send("西青区", card())
    fake.answer(WEBHOOK, Scripted(delay=0.6))
    with pytest.raises(Transient):
        await robots.send("西青区", card())
    fake.answer(WEBHOOK, 93000)  # invalid webhook key
    with pytest.raises(Permanent, match="93000"):
        await robots.send("西青区", card())
    with pytest.raises(Permanent, match="empty"):
        await robots.send("西青区", Reply("   "))


def test_markdown_card_of_an_empty_reply_is_empty():
    assert markdown_card(Reply("")) == ""
