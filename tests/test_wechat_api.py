"""The async WeChat API client against the local fake: token ownership, refresh, error mapping."""

import asyncio

import pytest

from bot.channels.wechat.api import (
    QUOTA_RETRY_S,
    ConsentMissing,
    TokenExpired,
    WeChatApi,
    classify,
)
from bot.channels.wechat.events import menu_definition
from bot.delivery.errors import Permanent, RateLimited, RecipientGone, Transient, WindowClosed
from models.repos.wechat import WeChatRepo
from tests.fakes.wechat_api import FakeWeChat, Scripted

CUSTOM = "/cgi-bin/message/custom/send"
BIZSEND = "/cgi-bin/message/subscribe/bizsend"
TOKEN = "/cgi-bin/token"


@pytest.fixture
async def fake():
    server = await FakeWeChat().start()
    yield server
    await server.close()


@pytest.fixture
async def api(fake, db, clock):
    client = WeChatApi(
        "wxapp", "s3cret", WeChatRepo(db), clock, base_url=fake.base_url, timeout_s=0.3
    )
    yield client
    await client.aclose()


def _paths(fake):
    return [(c.path, c.query.get("access_token")) for c in fake.calls]


async def test_custom_text_goes_out_with_one_token(api, fake):
    await api.send_text("o-1", "你好，有新岗位")
    await api.send_text("o-2", "第二条")
    assert _paths(fake) == [(TOKEN, None), (CUSTOM, "TOKEN-1"), (CUSTOM, "TOKEN-1")]
    token_call = fake.calls[0]
    assert token_call.query == {
        "grant_type": "client_credential",
        "appid": "wxapp",
        "secret": "s3cret",
    }
    body = fake.sent(CUSTOM)[0].body
    assert body == {"touser": "o-1", "msgtype": "text", "text": {"content": "你好，有新岗位"}}
    # Sent as UTF-8 text, not \\u escapes (WeChat shows escapes literally in some APIs).
    assert "你好".encode() in fake.sent(CUSTOM)[0].raw


async def test_token_survives_a_restart_and_is_renewed_before_it_lapses(fake, db, clock):
    async with WeChatApi("wxapp", "s3cret", WeChatRepo(db), clock, base_url=fake.base_url) as a:
        await a.send_text("o-1", "一")
    async with WeChatApi("wxapp", "s3cret", WeChatRepo(db), clock, base_url=fake.base_url) as b:
        await b.send_text("o-1", "二")  # a new process reuses the stored token
        assert fake.tokens_issued == 1
        clock.advance(seconds=7200 - 200)  # inside the 5-minute margin
        await b.send_text("o-1", "三")
    assert fake.tokens_issued == 2
    assert [c.query["access_token"] for c in fake.sent(CUSTOM)] == [
        "TOKEN-1",
        "TOKEN-1",
        "TOKEN-2",
    ]


@pytest.mark.parametrize("expired", [42001, 40001])
async def test_rejected_token_is_renewed_and_the_call_retried_once(api, fake, expired):
    await api.send_text("o-1", "一")
    if expired == 42001:
        fake.expire_tokens()
    else:
        fake.valid_tokens.clear()  # e.g. another tool fetched a token and retired ours
    await api.send_text("o-1", "二")
    assert _paths(fake) == [
        (TOKEN, None),
        (CUSTOM, "TOKEN-1"),
        (CUSTOM, "TOKEN-1"),
        (TOKEN, None),
        (CUSTOM, "TOKEN-2"),
    ]
    assert [c.body["text"]["content"] for c in fake.sent(CUSTOM)] == ["一", "二"]


async def test_a_token_rejected_twice_gives_up_after_one_renewal(api, fake):
    fake.answer(CUSTOM, 40001, 42001)
    with pytest.raises(TokenExpired):
        await api.send_text("o-1", "一")
    assert [c.path for c in fake.calls] == [TOKEN, CUSTOM, TOKEN, CUSTOM]
    assert isinstance(TokenExpired("x"), Transient)  # the dispatcher retries it later


async def test_concurrent_calls_share_one_token_fetch(api, fake):
    await asyncio.gather(*(api.send_text(f"o-{i}", "并发") for i in range(12)))
    assert fake.tokens_issued == 1
    assert len(fake.sent(CUSTOM)) == 12


async def test_concurrent_calls_after_expiry_renew_once(api, fake):
    await api.send_text("o-0", "先拿到令牌")
    fake.expire_tokens()
    await asyncio.gather(*(api.send_text(f"o-{i}", "并发") for i in range(8)))
    assert fake.tokens_issued == 2
    assert len(fake.sent(CUSTOM)) == 9


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (45015, WindowClosed),
        (45047, WindowClosed),
        (45009, RateLimited),
        (43004, RecipientGone),
        (-1, Transient),
        (40003, Permanent),
        (Scripted(status=502), Transient),
        (Scripted(status=404), Permanent),
        (Scripted(delay=0.6), Transient),  # slower than the 0.3 s timeout
    ],
)
async def test_answers_map_to_delivery_errors(api, fake, answer, error):
    fake.answer(CUSTOM, answer)
    with pytest.raises(error) as raised:
        await api.send_text("o-1", "一")
    if error is RateLimited:
        assert raised.value.retry_after == QUOTA_RETRY_S
    assert not fake.sent(CUSTOM)


async def test_unreachable_api_is_transient(db, clock):
    dead = WeChatApi("wxapp", "s", WeChatRepo(db), clock, base_url="http://127.0.0.1:9")
    async with dead:
        with pytest.raises(Transient):
            await dead.access_token()


async def test_token_fetch_refused_is_permanent(api, fake):
    fake.answer(TOKEN, 40164)  # the server's IP is not on the account's whitelist
    with pytest.raises(Permanent, match="40164"):
        await api.send_text("o-1", "一")
    assert not fake.sent(CUSTOM)


async def test_subscription_message_and_consent_missing(api, fake):
    await api.send_subscribe("o-1", "TPL-1", {"thing1": "西青区保洁", "time3": "2026年11月23日"})
    body = fake.sent(BIZSEND)[0].body
    assert body == {
        "touser": "o-1",
        "template_id": "TPL-1",
        "data": {"thing1": {"value": "西青区保洁"}, "time3": {"value": "2026年11月23日"}},
    }
    fake.answer(BIZSEND, 43101)
    with pytest.raises(ConsentMissing):
        await api.send_subscribe("o-1", "TPL-1", {"thing1": "x"})
    assert issubclass(ConsentMissing, WindowClosed)


async def test_menu_create_sends_our_menu(api, fake):
    await api.create_menu(menu_definition("zh"))
    body = fake.sent("/cgi-bin/menu/create")[0].body
    names = [b["name"] for b in body["button"]]
    assert names == ["找工作", "我的资料", "更多"]
    assert [s["key"] for s in body["button"][2]["sub_button"]] == ["post", "help"]
    assert all(len(n.encode()) <= 16 for n in names)  # WeChat: 4 Chinese characters at most


def test_classify_is_the_one_mapping():
    assert classify(200, {"errcode": 0, "errmsg": "ok"}) is None
    assert classify(200, {"access_token": "T", "expires_in": 7200}) is None
    assert isinstance(classify(200, None), Transient)
    assert isinstance(classify(200, {"errcode": 42001}), TokenExpired)
    assert isinstance(classify(200, {"errcode": 40014}), TokenExpired)
    assert isinstance(classify(503, None), Transient)
    assert isinstance(classify(200, {"errcode": 43101}), ConsentMissing)


async def test_qrcode_with_a_scene(api, fake):
    code = await api.create_qrcode("西青区-张家窝驿站")
    body = fake.sent("/cgi-bin/qrcode/create")[0].body
    assert body == {
        "action_name": "QR_LIMIT_STR_SCENE",
        "action_info": {"scene": {"scene_str": "西青区-张家窝驿站"}},
    }
    assert code.expire_seconds is None
    assert code.image_url.startswith("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQ")
    assert code.image_url.endswith("%3D%3D")  # the ticket is URL-encoded
    temporary = await api.create_qrcode("海报-3", expire_seconds=7 * 86_400)
    assert fake.sent("/cgi-bin/qrcode/create")[1].body["action_name"] == "QR_STR_SCENE"
    assert temporary.expire_seconds == 7 * 86_400
    with pytest.raises(Permanent):
        await api.create_qrcode("x" * 65)
