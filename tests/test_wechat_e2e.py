"""End to end: a published posting -> dispatcher -> WeChat (window or 订阅通知); WeCom robots.

Real parts: the model and matcher, publish(), the dispatcher, our callback and sender; WeChat and
the WeCom webhook are the local fake.
"""

import random
from datetime import timedelta

import pytest
from aiohttp import web

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.callback import WeChatCallback, WeChatConfig
from bot.channels.wechat.sender import WeChatSender
from bot.channels.wecom.robot import RobotPacer, WeComRobotSender
from bot.delivery.dispatcher import Dispatcher
from handlers.router import handle as route
from handlers.services.cards import job_card
from handlers.services.publishing import publish
from handlers.texts import t
from matching.engine import Matcher
from models.messages import Channel, DialogKey
from models.repos.wechat import WeChatRepo
from tests.delivery_builders import FakeTime, make_posting, make_seeker
from tests.fakes.wechat_api import FakeWeChat, WeChatSide

CUSTOM = "/cgi-bin/message/custom/send"
BIZSEND = "/cgi-bin/message/subscribe/bizsend"
WEBHOOK = "/cgi-bin/webhook/send"


@pytest.fixture
async def fake():
    server = await FakeWeChat().start()
    yield server
    await server.close()


@pytest.fixture
async def api(fake, db, clock):
    client = WeChatApi("wxapp", "s", WeChatRepo(db), clock, base_url=fake.base_url, timeout_s=1.0)
    yield client
    await client.aclose()


async def _wechat_seeker(services, openid, wrote_hours_ago):
    user_id = await make_seeker(services, openid, Channel.WECHAT)
    at = services.clock() - timedelta(hours=wrote_hours_ago)
    await services.users.touch_inbound(user_id, at)
    return user_id


async def test_a_published_posting_reaches_wechat_seekers_by_the_window_rules(
    services, encoder, tmp_path, fake, api, clock, aiohttp_client
):
    inside = await _wechat_seeker(services, "o-inside", 2)
    consented = await _wechat_seeker(services, "o-consented", 72)
    waiting = await _wechat_seeker(services, "o-waiting", 72)
    await WeChatRepo(services.db).set_subscription(consented, "TPL-JOB", True, clock())
    services.matcher = await Matcher.open(services.db, encoder, tmp_path / "index", phrases=t)
    sender = WeChatSender(services, api, template_id="TPL-JOB")
    time = FakeTime(clock)
    dispatcher = Dispatcher(
        services,
        {Channel.WECHAT: sender},
        monotonic=time.monotonic,
        sleep=time.sleep,
        rng=random.Random(7),
    )

    posting = await make_posting(services)
    result = await publish(services, posting)
    assert result.published
    assert result.queued == 3
    await dispatcher.run_until_idle()

    custom = fake.sent(CUSTOM)
    assert [c.body["touser"] for c in custom] == ["o-inside"]
    card = custom[0].body["text"]["content"]
    assert card.startswith("保洁员")
    assert "13812345678" not in card  # the poster's phone is masked on the card
    assert "回复数字：\n1 感兴趣" in card
    subscription = fake.sent(BIZSEND)
    assert [c.body["touser"] for c in subscription] == ["o-consented"]
    assert subscription[0].body["data"]["thing1"]["value"] == "保洁员"
    assert not [c for c in fake.calls if c.body and c.body.get("touser") == "o-waiting"]

    # The seeker inside the window answers the card with a bare number.
    side = WeChatSide("tok", "wxapp")
    config = WeChatConfig("tok", "wxapp")
    callback = WeChatCallback(
        services, config, sender, handle=route, on_inbound=dispatcher.on_user_message
    )
    app = web.Application()
    callback.add_routes(app)
    client = await aiohttp_client(app)
    now = int(clock().timestamp())
    query, body = side.seal(side.text("o-inside", "1", 77001, now), now)
    response = await client.post("/wechat", params=query, data=body.encode())
    assert response.status == 200
    assert side.open_reply(await response.text())["Content"]
    feedback = await services.db.fetchall(
        "SELECT kind FROM feedback WHERE user_id = ? AND posting_id = ?", (inside, posting)
    )
    assert [row["kind"] for row in feedback] == ["interested"]

    # The waiting seeker writes: the window opens and the held push goes out.
    now = int(clock().timestamp())
    query, body = side.seal(side.text("o-waiting", "你好", 77002, now), now)
    response = await client.post("/wechat", params=query, data=body.encode())
    assert response.status == 200
    await callback.close()  # the inbound hook has run
    await dispatcher.run_until_idle()
    to_waiting = [c for c in fake.sent(CUSTOM) if c.body["touser"] == "o-waiting"]
    assert len(to_waiting) == 1
    assert "保洁员" in to_waiting[0].body["text"]["content"]
    waiting_user = await services.users.get(DialogKey(Channel.WECHAT, "o-waiting"))
    assert waiting_user.id == waiting


async def test_a_caseworker_broadcast_reaches_the_district_robot_at_20_a_minute(
    services, fake, clock
):
    ticks = FakeTime(clock)
    fake.clock = ticks.monotonic  # the fake webhook counts its minute on the same clock
    robots = WeComRobotSender(
        {"西青区": fake.robot_url("KEY-XQ")},
        pacer=RobotPacer(clock=ticks.monotonic, sleep=ticks.sleep),
    )
    postings = [await make_posting(services, title=f"保洁员{i}号岗") for i in range(30)]
    stored = await services.postings.many(postings)
    start = ticks.monotonic()
    try:
        for posting_id in postings:
            await robots.send("西青区", job_card(stored[posting_id], "保洁类 · 西青区"))
    finally:
        await robots.aclose()
    accepted = fake.sent(WEBHOOK)
    assert len(accepted) == 30  # WeCom never had to refuse one (it answers 130101 past 20/min)
    times = [c.at for c in accepted]
    assert max(sum(1 for u in times if t0 <= u < t0 + 60) for t0 in times) == 20
    assert ticks.monotonic() - start >= 60
    content = accepted[0].body["markdown"]["content"]
    assert content.startswith("**保洁员0号岗**")
    assert "13812345678" not in content
    assert "138****5678" in content
