"""The /wechat callback, played from WeChat's side: signatures, safe mode, replies, bad input."""

import asyncio

import pytest
from aiohttp import web

from bot.channels.wechat import WeChatCallback, WeChatConfig
from bot.channels.wechat_sender import WeChatSender
from bot.wechat_api import WeChatApi
from handlers.context import Services
from handlers.router import handle as route
from models.db import Database
from models.messages import Channel, Choice, DialogKey, Event, EventKind, Location, Reply
from models.repos.origins import OriginRepo
from models.repos.wechat import WeChatRepo
from tests.fakes.wechat_api import FakeWeChat, WeChatSide

TOKEN = "yizhanToken2026"
APP_ID = "wx1234567890abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters
CUSTOM = "/cgi-bin/message/custom/send"
WORK_FORMS = (
    Choice("稳定就业", "wf:stable"),
    Choice("灵活就业", "wf:flexible"),
    Choice("自主创业", "wf:self"),
)
CATEGORIES = (
    Choice("家政/保洁", "cat:A"),
    Choice("物流/仓储", "cat:B"),
    Choice("完成", "cat:done"),
)


class Dialog:
    """A stand-in dialog that records what reached it and answers with choices."""

    def __init__(self, delay: float = 0.0) -> None:
        self.seen = []
        self.delay = delay

    async def __call__(self, incoming, services):
        self.seen.append(incoming)
        if self.delay:
            await asyncio.sleep(self.delay)
        user = await services.users.get_or_create(incoming.key, services.clock())
        await services.users.touch_inbound(user.id, services.clock())
        if incoming.payload == "wf:flexible":
            return [Reply("请选择岗位意愿", choices=CATEGORIES, multi=True)]
        if incoming.payload:
            return [Reply(f"已选 {incoming.payload}")]
        return [Reply(f"收到：{incoming.text}", choices=WORK_FORMS)]


@pytest.fixture
async def fake():
    server = await FakeWeChat().start()
    yield server
    await server.close()


@pytest.fixture
async def api(fake, db, clock):
    client = WeChatApi(APP_ID, "s", WeChatRepo(db), clock, base_url=fake.base_url, timeout_s=1.0)
    yield client
    await client.aclose()


@pytest.fixture(params=["plain", "safe"])
def mode(request):
    return request.param


@pytest.fixture
def side(mode):
    return WeChatSide(TOKEN, APP_ID, AES_KEY if mode == "safe" else None)


@pytest.fixture
def dialog():
    return Dialog()


async def _serve(aiohttp_client, services, api, side, handle, budget=0.3):
    config = WeChatConfig(TOKEN, APP_ID, side.aes_key, reply_budget_s=budget)
    callback = WeChatCallback(services, config, WeChatSender(services, api), handle=handle)
    app = web.Application()
    callback.add_routes(app)
    client = await aiohttp_client(app)
    client.callback = callback
    return client


@pytest.fixture
async def served(aiohttp_client, services, api, side, dialog):
    return await _serve(aiohttp_client, services, api, side, dialog)


def _now(clock):
    return int(clock().timestamp())


async def _post(client, side, xml, clock, **seal):
    query, body = side.seal(xml, seal.pop("at", _now(clock)), **seal)
    response = await client.post("/wechat", params=query, data=body.encode())
    return response.status, await response.text()


async def test_url_verification_echoes_only_for_our_signature(served, side, clock):
    query = side.query(_now(clock)) | {"echostr": "7352148630"}
    response = await served.get("/wechat", params=query)
    assert response.status == 200
    assert await response.text() == "7352148630"
    response = await served.get("/wechat", params=query | {"signature": "0" * 40})
    assert response.status == 403
    stale = side.query(_now(clock) - 301) | {"echostr": "1"}
    assert (await served.get("/wechat", params=stale)).status == 403


async def test_text_gets_a_passive_reply_with_numbered_choices(served, side, clock, dialog):
    status, text = await _post(served, side, side.text("o-1", "你好", 1001, _now(clock)), clock)
    assert status == 200
    fields = side.open_reply(text)
    assert fields["ToUserName"] == "o-1"
    assert fields["MsgType"] == "text"
    assert fields["Content"] == "收到：你好\n回复数字：\n1 稳定就业\n2 灵活就业\n3 自主创业"
    assert dialog.seen[0].key == DialogKey(Channel.WECHAT, "o-1")
    assert dialog.seen[0].message_id == "1001"


async def test_a_number_answers_the_last_choices(served, side, clock, dialog):
    await _post(served, side, side.text("o-1", "你好", 1, _now(clock)), clock)
    _status, text = await _post(served, side, side.text("o-1", "２", 2, _now(clock)), clock)
    assert dialog.seen[-1].payload == "wf:flexible"
    assert "1 家政/保洁\n2 物流/仓储\n3 完成" in side.open_reply(text)["Content"]
    await _post(served, side, side.text("o-1", "1 2", 3, _now(clock)), clock)  # multiple choice
    assert [m.payload for m in dialog.seen[-2:]] == ["cat:A", "cat:B"]
    assert [m.message_id for m in dialog.seen[-2:]] == ["3", "3#1"]
    await _post(served, side, side.text("o-1", "9", 4, _now(clock)), clock)  # out of range
    assert dialog.seen[-1].payload is None
    assert dialog.seen[-1].text == "9"


async def test_choices_survive_a_restart(
    aiohttp_client, served, side, clock, dialog, db_path, fake
):
    await _post(served, side, side.text("o-1", "你好", 1, _now(clock)), clock)
    async with Database.open(db_path) as reopened:  # another process on the same database
        services = Services(db=reopened, clock=clock)
        async with WeChatApi(
            APP_ID, "s", WeChatRepo(reopened), clock, base_url=fake.base_url
        ) as api:
            client = await _serve(aiohttp_client, services, api, side, dialog)
            await _post(client, side, side.text("o-1", "3", 2, _now(clock)), clock)
            await client.callback.close()  # its work after the response ends before the db
    assert dialog.seen[-1].payload == "wf:self"


async def test_location_message(served, side, clock, dialog):
    xml = side.location("o-2", 39.1422, 117.3013, 2001, _now(clock))
    status, _ = await _post(served, side, xml, clock)
    assert status == 200
    assert dialog.seen[0].location == Location(39.1422, 117.3013)
    assert dialog.seen[0].text == ""


async def test_retries_of_one_msgid_are_answered_once(aiohttp_client, services, api, side, clock):
    client = await _serve(aiohttp_client, services, api, side, route, budget=4.0)
    xml = side.text("o-3", "你好", 3001, _now(clock))
    first = await _post(client, side, xml, clock)
    again = await _post(client, side, xml, clock)  # WeChat's retry: new nonce, same MsgId
    assert first[0] == 200
    assert side.open_reply(first[1])["Content"]
    assert again == (200, "success")


async def test_slow_answers_go_out_as_customer_service_once(
    aiohttp_client, services, api, fake, side, clock
):
    slow = Dialog(delay=0.6)

    async def once(incoming, services):  # the real router's MsgId check, then a slow dialog
        if await services.dialogs.seen_message("wechat", incoming.message_id, services.clock()):
            return []
        return await slow(incoming, services)

    client = await _serve(aiohttp_client, services, api, side, once, budget=0.2)
    xml = side.text("o-4", "慢一点", 4001, _now(clock))
    assert await _post(client, side, xml, clock) == (200, "success")
    assert await _post(client, side, xml, clock) == (200, "success")  # retry while still busy
    await client.callback.close()
    sent = fake.sent(CUSTOM)
    assert len(sent) == 1
    assert sent[0].body["touser"] == "o-4"
    assert sent[0].body["text"]["content"].startswith("收到：慢一点\n回复数字：\n1 稳定就业")
    user = await services.users.get(DialogKey(Channel.WECHAT, "o-4"))
    stored = await WeChatRepo(services.db).choices(user.id)
    assert stored.choices == WORK_FORMS


async def test_a_long_answer_is_split_and_the_rest_follows(
    aiohttp_client, services, api, fake, side, clock
):
    async def long_answer(incoming, services):
        user = await services.users.get_or_create(incoming.key, services.clock())
        await services.users.touch_inbound(user.id, services.clock())
        return [Reply("\n".join(f"第{i}条：西青区保洁员，日结200元" for i in range(120)))]

    client = await _serve(aiohttp_client, services, api, side, long_answer)
    status, text = await _post(client, side, side.text("o-long", "岗位", 1, _now(clock)), clock)
    first = side.open_reply(text)["Content"]
    await client.callback.close()
    rest = [c.body["text"]["content"] for c in fake.sent(CUSTOM)]
    assert status == 200
    assert len(first.encode()) <= 2048
    assert all(len(piece.encode()) <= 2048 for piece in rest)
    assert "\n".join([first, *rest]).splitlines()[-1] == "第119条：西青区保洁员，日结200元"
    assert len("\n".join([first, *rest]).splitlines()) == 120


async def test_the_inbound_hook_hears_every_user_message(
    aiohttp_client, services, api, side, clock, dialog
):
    heard = []

    async def hook(user_id):
        heard.append(user_id)

    config = WeChatConfig(TOKEN, APP_ID, side.aes_key)
    callback = WeChatCallback(services, config, None, handle=dialog, on_inbound=hook)
    app = web.Application()
    callback.add_routes(app)
    client = await aiohttp_client(app)
    await _post(client, side, side.text("o-hook", "你好", 1, _now(clock)), clock)
    await _post(client, side, side.event("o-hook", "unsubscribe", _now(clock)), clock)
    await callback.close()
    user = await services.users.get(DialogKey(Channel.WECHAT, "o-hook"))
    assert heard == [user.id]


async def test_subscribe_greets_and_starts_the_dialog(served, side, clock, dialog):
    _status, text = await _post(served, side, side.event("o-5", "subscribe", _now(clock)), clock)
    content = side.open_reply(text)["Content"]
    assert content.startswith("感谢关注驿站就业服务！")
    assert "收到：" in content
    assert dialog.seen[0].event == Event(EventKind.SUBSCRIBE)
    assert dialog.seen[0].message_id == f"o-5:{_now(clock)}:subscribe"


async def test_unsubscribe_stops_pushes_without_the_dialog(served, side, clock, dialog, services):
    await _post(served, side, side.text("o-6", "你好", 6001, _now(clock)), clock)
    status, text = await _post(served, side, side.event("o-6", "unsubscribe", _now(clock)), clock)
    assert (status, text) == (200, "success")
    assert len(dialog.seen) == 1
    assert not (await services.users.get(DialogKey(Channel.WECHAT, "o-6"))).subscribed


async def test_menu_click_becomes_its_command(served, side, clock, dialog):
    xml = side.event("o-7", "CLICK", _now(clock), "<EventKey><![CDATA[help]]></EventKey>")
    await _post(served, side, xml, clock)
    assert dialog.seen[0].event == Event(EventKind.MENU, "help")
    assert dialog.seen[0].text in ("help", "帮助")


async def test_following_by_a_stations_qr_code_carries_its_scene(served, side, clock, dialog):
    key = "<EventKey><![CDATA[qrscene_xiqing]]></EventKey><Ticket>T</Ticket>"
    _status, text = await _post(
        served, side, side.event("o-7", "subscribe", _now(clock), key), clock
    )
    assert side.open_reply(text)["Content"].startswith("感谢关注")
    assert dialog.seen[0].event == Event(EventKind.START, "xiqing")


async def test_qr_scenes_record_the_first_origin(served, side, clock, dialog, services):
    scene = "西青区-张家窝驿站"
    follow = f"<EventKey><![CDATA[qrscene_{scene}]]></EventKey><Ticket>T</Ticket>"
    await _post(served, side, side.event("o-9", "subscribe", _now(clock), follow), clock)
    user = await services.users.get(DialogKey(Channel.WECHAT, "o-9"))
    origin = await OriginRepo(services.db).of(user.id)
    assert (origin.source, origin.scene) == ("wechat_qr", scene)
    # A later scan of another code (SCAN, no qrscene_ prefix) starts the dialog but the first
    # origin stays; a follower who never came by a code gets their first one from a scan.
    clock.advance(seconds=5)
    scan = "<EventKey><![CDATA[group-poster-2]]></EventKey><Ticket>T2</Ticket>"
    await _post(served, side, side.event("o-9", "SCAN", _now(clock), scan), clock)
    await _post(served, side, side.event("o-10", "SCAN", _now(clock), scan), clock)
    later = Event(EventKind.START, "group-poster-2")
    assert [i.event for i in dialog.seen] == [Event(EventKind.START, scene), later, later]
    assert (await OriginRepo(services.db).of(user.id)).scene == scene
    assert await OriginRepo(services.db).counts_by_scene() == {scene: 1, "group-poster-2": 1}


async def test_subscription_consent_is_recorded(served, side, clock, dialog, services):
    await _post(served, side, side.text("o-8", "你好", 8001, _now(clock)), clock)
    consent = (
        "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[TPL-JOB]]></TemplateId>"
        "<SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>"
        "<PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>"
    )
    xml = side.event("o-8", "subscribe_msg_popup_event", _now(clock), consent)
    assert await _post(served, side, xml, clock) == (200, "success")
    user = await services.users.get(DialogKey(Channel.WECHAT, "o-8"))
    assert await WeChatRepo(services.db).subscribed(user.id, "TPL-JOB")
    assert len(dialog.seen) == 1


async def test_an_image_gets_a_polite_text_without_the_dialog(served, side, clock, dialog):
    xml = side._xml("o-9", _now(clock), "image", "<PicUrl>http://x/1.jpg</PicUrl>") + (
        "<MediaId>m</MediaId><MsgId>9001</MsgId></xml>"
    )
    _status, text = await _post(served, side, xml, clock)
    assert side.open_reply(text)["Content"] == "暂时只能处理文字和位置消息，请用文字告诉我们。"
    assert dialog.seen == []


# --- bad input: refused with a 4xx, never a crash, never the dialog ---------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o-x</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&c;</Content><MsgId>1</MsgId></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>o-x</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&x;</Content><MsgId>2</MsgId></xml>"
)


@pytest.mark.parametrize(
    ("xml", "status"),
    [
        ("<xml><ToUserName>gh</ToUserName><FromUserName>o", 400),
        ("not xml at all", 400),
        ("<html><body/></html>", 400),
        ("<xml><MsgType>text</MsgType><Content>无发送者</Content></xml>", 400),
        (BILLION_LAUGHS, 400),
        (XXE, 400),
    ],
    ids=["truncated", "garbage", "not-wechat", "no-sender", "billion-laughs", "xxe"],
)
async def test_malformed_and_dangerous_xml_is_refused(served, side, clock, dialog, xml, status):
    code, reason = await _post(served, side, xml, clock)
    assert code == status, reason
    assert dialog.seen == []


async def test_oversized_bodies_are_refused(served, side, clock, dialog):
    big = side.text("o-x", "大" * 30_000, 1, _now(clock))  # 90 KB of UTF-8
    code, _ = await _post(served, side, big, clock)
    assert code == 413
    query, body = side.seal(big, _now(clock))

    async def chunks():  # no Content-Length: the limit holds while reading
        data = body.encode()
        for i in range(0, len(data), 4096):
            yield data[i : i + 4096]

    response = await served.post("/wechat", params=query, data=chunks())
    assert response.status == 413
    assert dialog.seen == []


async def test_bad_signatures_and_stale_or_replayed_requests(served, side, clock, dialog):
    xml = side.text("o-x", "你好", 5, _now(clock))
    query, body = side.seal(xml, _now(clock))
    forged = query | {"signature": "f" * 40}
    assert (await served.post("/wechat", params=forged, data=body.encode())).status == 403
    unsigned = {k: v for k, v in query.items() if k != "signature"}
    assert (await served.post("/wechat", params=unsigned, data=body.encode())).status == 403
    for skew in (-301, 301):  # too old and from the future
        code, reason = await _post(served, side, xml, clock, at=_now(clock) + skew)
        assert (code, reason) == (403, "stale timestamp")
    assert dialog.seen == []

    response = await served.post("/wechat", params=query, data=body.encode())
    assert response.status == 200
    assert len(dialog.seen) == 1
    replay = await served.post("/wechat", params=query, data=body.encode())
    assert (replay.status, await replay.text()) == (200, "success")  # the same request again
    other = side.seal(side.text("o-x", "转账给我", 6, _now(clock)), _now(clock))[1]
    tampered = await served.post("/wechat", params=query, data=other.encode())
    assert tampered.status == 403  # a captured signature with another body
    assert len(dialog.seen) == 1


async def test_safe_mode_refuses_wrong_appid_wrong_msg_signature_and_plaintext(
    aiohttp_client, services, api, clock
):
    side = WeChatSide(TOKEN, APP_ID, AES_KEY)
    dialog = Dialog()
    served = await _serve(aiohttp_client, services, api, side, dialog)
    xml = side.text("o-x", "你好", 7, _now(clock))
    code, reason = await _post(served, side, xml, clock, app_id="wxOTHERACCOUNT00")
    assert (code, reason) == (403, "wrong AppID")
    query, body = side.seal(xml, _now(clock))
    wrong = query | {"msg_signature": "0" * 40}
    assert (await served.post("/wechat", params=wrong, data=body.encode())).status == 403
    plain = side.query(_now(clock))  # a downgrade to plaintext
    assert (await served.post("/wechat", params=plain, data=xml.encode())).status == 403
    inner = WeChatSide(TOKEN, APP_ID, AES_KEY)  # entities hidden inside the ciphertext
    assert (await _post(served, inner, BILLION_LAUGHS, clock))[0] == 400
    assert dialog.seen == []


async def test_after_close_new_messages_are_deferred(served, side, clock, dialog):
    await served.callback.close()
    code, _ = await _post(served, side, side.text("o-x", "你好", 8, _now(clock)), clock)
    assert code == 503
    assert dialog.seen == []
