"""The WeChat sender: the 48-hour window, its 5 messages (persisted), 订阅通知 and the errors."""

from datetime import timedelta

import pytest

from bot.channels.wechat.api import WeChatApi
from bot.channels.wechat.sender import WeChatSender
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.errors import RateLimited, RecipientGone, WindowClosed
from models.messages import Channel, Choice, DialogKey, Reply
from models.repos.deliveries import DeliveryRepo
from models.repos.wechat import WeChatRepo
from tests.delivery_builders import enqueue, make_posting, make_seeker, publish_now
from tests.fakes.wechat_api import FakeWeChat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

CUSTOM = "/cgi-bin/message/custom/send"
BIZSEND = "/cgi-bin/message/subscribe/bizsend"
CARD = Reply(
    "西青区 保洁员（日结）\n日结 200 元 · 距您约 3 公里\n推荐理由：保洁类 · 西青区",
    choices=(Choice("感兴趣", "fb:7:interested"), Choice("不感兴趣", "fb:7:not")),
)


@pytest.fixture
async def fake():
    server = await FakeWeChat().start()
    yield server
    await server.close()


@pytest.fixture
async def api(fake, db, clock):
    client = WeChatApi("wxapp", "s", WeChatRepo(db), clock, base_url=fake.base_url, timeout_s=0.5)
    yield client
    await client.aclose()


async def _seeker(services, openid="o-seeker"):
    user = await services.users.get_or_create(DialogKey(Channel.WECHAT, openid), services.clock())
    await services.users.touch_inbound(user.id, services.clock())
    return await services.users.by_id(user.id)


async def test_inside_the_window_a_card_goes_out_with_numbered_choices(services, api, fake):
    user = await _seeker(services)
    await WeChatSender(services, api).send("o-seeker", CARD)
    content = fake.sent(CUSTOM)[0].body["text"]["content"]
    assert content.startswith("西青区 保洁员（日结）")
    assert "1 感兴趣" in content
    assert "2 不感兴趣" in content
    stored = await WeChatRepo(services.db).choices(user.id)
    assert stored.choices == CARD.choices  # a bare "1" from the seeker now means 感兴趣


async def test_five_messages_per_window_and_the_count_survives_a_restart(
    services, api, fake, clock
):
    user = await _seeker(services)
    for _ in range(4):
        await WeChatSender(services, api).send("o-seeker", CARD)
    restarted = WeChatSender(services, api)  # a new process: the count comes from the database
    await restarted.send("o-seeker", CARD)
    with pytest.raises(WindowClosed):
        await restarted.send("o-seeker", CARD)
    assert len(fake.sent(CUSTOM)) == 5
    assert await restarted.window_left(user, clock()) == 0
    clock.advance(hours=3)
    await services.users.touch_inbound(user.id, clock())  # the seeker writes again: a new window
    await restarted.send("o-seeker", CARD)
    assert len(fake.sent(CUSTOM)) == 6


async def test_our_count_of_the_window_is_the_platforms(services, api, fake):
    """With the fake keeping WeChat's own window (what the chaos test checks against), we
    spend its 5 messages and never ask for a sixth; asked anyway, WeChat refuses it."""
    fake.windows = True
    await _seeker(services)
    fake.user_wrote("o-seeker")
    sender = WeChatSender(services, api)
    for _ in range(5):
        await sender.send("o-seeker", CARD)
    with pytest.raises(WindowClosed):
        await sender.send("o-seeker", CARD)
    assert [c.ok for c in fake.calls if c.path == CUSTOM] == [True] * 5
    with pytest.raises(WindowClosed):  # past our count, straight to the API: 45047
        await api.send_text("o-seeker", "第六条")
    with pytest.raises(WindowClosed):  # a user who never wrote to the account: 45015
        await api.send_text("o-stranger", "你好")
    assert [c.ok for c in fake.calls if c.path == CUSTOM][5:] == [False, False]


async def test_after_48_hours_it_waits_without_calling_wechat(services, api, fake, clock):
    await _seeker(services)
    clock.advance(hours=48, seconds=1)
    with pytest.raises(WindowClosed):
        await WeChatSender(services, api, template_id="TPL-JOB").send("o-seeker", CARD)
    assert fake.calls == []  # no consent recorded: neither route is tried


async def test_outside_the_window_an_accepted_template_sends_a_subscription_message(
    services, api, fake, clock
):
    user = await _seeker(services)
    await WeChatRepo(services.db).set_subscription(user.id, "TPL-JOB", True, clock())
    clock.advance(hours=50)
    sender = WeChatSender(services, api, template_id="TPL-JOB")
    await sender.send("o-seeker", CARD)
    assert not fake.sent(CUSTOM)
    body = fake.sent(BIZSEND)[0].body
    assert body["template_id"] == "TPL-JOB"
    assert body["data"]["thing1"]["value"] == "西青区 保洁员（日结）"
    assert body["data"]["thing2"]["value"] == "日结 200 元 · 距您约 3 公里"
    assert body["data"]["time3"]["value"] == "2026年11月25日 12:00"  # local time, 50 h later
    assert all(len(v["value"]) <= 20 for v in body["data"].values())


async def test_a_used_up_consent_is_remembered(services, api, fake, clock):
    user = await _seeker(services)
    repo = WeChatRepo(services.db)
    await repo.set_subscription(user.id, "TPL-JOB", True, clock())
    clock.advance(hours=50)
    fake.answer(BIZSEND, 43101)  # the one-time consent was used, or switched off
    sender = WeChatSender(services, api, template_id="TPL-JOB")
    with pytest.raises(WindowClosed):
        await sender.send("o-seeker", CARD)
    assert not await repo.subscribed(user.id, "TPL-JOB")
    with pytest.raises(WindowClosed):
        await sender.send("o-seeker", CARD)
    assert len([c for c in fake.calls if c.path == BIZSEND]) == 1


async def test_wechat_saying_the_window_is_closed_wins_over_our_count(services, api, fake, clock):
    user = await _seeker(services)
    await WeChatRepo(services.db).set_subscription(user.id, "TPL-JOB", True, clock())
    fake.answer(CUSTOM, 45015)  # e.g. the user only clicked the menu (3 messages in 1 minute)
    sender = WeChatSender(services, api, template_id="TPL-JOB")
    await sender.send("o-seeker", CARD)
    assert len(fake.sent(BIZSEND)) == 1  # fell back to the subscription message
    assert await sender.window_left(user, clock()) == 0
    await sender.send("o-seeker", CARD)
    assert len([c for c in fake.calls if c.path == CUSTOM]) == 1  # not tried again


async def test_quota_errors_give_the_slot_back(services, api, fake, clock):
    user = await _seeker(services)
    sender = WeChatSender(services, api)
    fake.answer(CUSTOM, 45009)
    with pytest.raises(RateLimited):
        await sender.send("o-seeker", CARD)
    assert await sender.window_left(user, clock()) == 5


async def test_an_unfollowed_user_is_unsubscribed_once_by_the_dispatcher(services, api, fake):
    # The sender only reports RecipientGone; handlers.services.subscription unsubscribes (issue
    # 19).
    seeker = await make_seeker(services, "o-seeker", Channel.WECHAT)
    await services.users.touch_inbound(seeker, services.clock())
    for title in ("保洁员", "保洁员（夜班）"):
        posting = await make_posting(services, title=title)
        await publish_now(services, posting, services.clock() + timedelta(days=3))
        await enqueue(services, posting, [seeker])
    fake.answer(CUSTOM, 43004)
    sender = WeChatSender(services, api)
    await Dispatcher(services, {Channel.WECHAT: sender}, batch=1).run_until_idle()
    assert not (await services.users.by_id(seeker)).subscribed
    outcomes = sorted(d.outcome for d in await DeliveryRepo(services.db).for_seeker(seeker))
    assert outcomes == ["recipient_gone", "unsubscribed"]
    assert len([c for c in fake.calls if c.path == CUSTOM]) == 1  # the second was never tried
    calls = len(fake.calls)
    with pytest.raises(RecipientGone):
        await sender.send("o-seeker", CARD)
    assert len(fake.calls) == calls  # not even tried
    with pytest.raises(RecipientGone):
        await sender.send("o-stranger", CARD)


async def test_long_text_is_cut_to_2048_bytes(services, api, fake):
    await _seeker(services)
    await WeChatSender(services, api).send("o-seeker", Reply("岗位" * 2000))
    content = fake.sent(CUSTOM)[0].body["text"]["content"]
    assert len(content.encode()) <= 2048
    assert content.endswith("…")
