"""Customer groups kept current by WeCom's change_external_chat events (#21): the callback with
real crypto, groupchat/get on the fake WeCom, the stored group changed without a full sync."""

import aiohttp
import pytest
from aiohttp import web

from bot.channels.wecom.api import WeComApi
from bot.channels.wecom.callback import WeComCallback, WeComConfig
from bot.channels.wecom.groups import GroupsApi
from bot.channels.wecom_kf.app import CALLBACK_PATH
from bot.groups.digests import DigestConfig, GroupDigests
from bot.groups.events import GroupEvents
from bot.runner import open_runtime
from bot.settings import Settings
from models.repos.customer_groups import CustomerGroupRepo
from models.repos.wechat import WeChatRepo
from tests.fakes.wecom_groups import YANGLIUQING, ZHANGJIAWO, fake_with_groups
from tests.fakes.wecom_kf import KfSide

pytestmark = pytest.mark.backends

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CORP = "wwcorp"
GET = "/cgi-bin/externalcontact/groupchat/get"


@pytest.fixture
async def wecom():
    fake, groups = fake_with_groups(ZHANGJIAWO, YANGLIUQING, corp_id=CORP)
    await fake.start()
    yield fake, groups
    await fake.close()


@pytest.fixture
async def served(aiohttp_client, wecom, services, clock):
    """The callback with both hooks, over groups synced once and one of them tagged."""
    fake, _ = wecom
    api = WeComApi(CORP, "app-secret", WeChatRepo(services.db), clock, base_url=fake.base_url)
    async with api:
        groups_api = GroupsApi(api)
        await GroupDigests(services, groups_api, DigestConfig()).sync()
        await CustomerGroupRepo(services.db).tag("wrAAA1", "西青区", ["A"], "staff")
        events = GroupEvents(services, groups_api)
        woken: list[str] = []
        callback = WeComCallback(
            WeComConfig("tok", AES_KEY, CORP), clock, lambda kfid, _t: woken.append(kfid),
            events.wake,
        )  # fmt: skip
        app = web.Application()
        callback.add_routes(app)
        client = await aiohttp_client(app)
        yield client, events, woken
        await events.close()


async def _post(client, side, clock, chat_id, change, detail=""):
    query, body = side.group_event(chat_id, change, int(clock().timestamp()), detail)
    response = await client.post(CALLBACK_PATH, params=query, data=body.encode())
    assert response.status == 200
    assert await response.text() == "success"


async def test_group_changes_reach_the_stored_group_without_a_sync(served, wecom, services, clock):
    client, events, woken = served
    fake, groups = wecom
    side = KfSide("tok", AES_KEY, CORP)
    repo = CustomerGroupRepo(services.db)

    groups.groups["wrAAA1"].name = "张家窝保洁2群"
    await _post(client, side, clock, "wrAAA1", "update", "change_name")
    groups.groups["wrAAA1"].members = 121
    await _post(client, side, clock, "wrAAA1", "update", "add_member")
    groups.groups["wrAAA1"].owner = "wangwu"
    await _post(client, side, clock, "wrAAA1", "update", "change_owner")
    await events.close()
    group = await repo.get("wrAAA1")
    assert (group.name, group.owner, group.member_count) == ("张家窝保洁2群", "wangwu", 121)
    assert (group.district, group.trades, group.dissolved) == ("西青区", ("A",), False)
    assert [c.body["chat_id"] for c in fake.sent(GET)][-3:] == ["wrAAA1"] * 3
    assert woken == []  # a group event is no 微信客服 news


async def test_create_and_dismiss(served, wecom, services, clock):
    client, events, _ = served
    fake, groups = wecom
    side = KfSide("tok", AES_KEY, CORP)
    repo = CustomerGroupRepo(services.db)
    reads = len([c for c in fake.calls if c.path == GET])

    groups.add("wrNEW9", "辛口镇零工群", "zhangsan", members=2)
    await _post(client, side, clock, "wrNEW9", "create")
    await _post(client, side, clock, "wrBBB2", "dismiss")  # marked at once, nothing read
    # An update that arrives after WeCom dissolved the group: groupchat/get answers 40050.
    groups.groups["wrAAA1"].dissolved = True
    await _post(client, side, clock, "wrAAA1", "update", "del_member")
    await events.close()

    new = await repo.get("wrNEW9")
    assert (new.name, new.owner, new.member_count, new.dissolved) == (
        "辛口镇零工群",
        "zhangsan",
        2,
        False,
    )
    assert (await repo.get("wrBBB2")).dissolved
    assert (await repo.get("wrAAA1")).dissolved
    read = [c.body["chat_id"] for c in fake.calls if c.path == GET][reads:]
    assert sorted(read) == ["wrAAA1", "wrNEW9"]  # a dismissed group is not read again


async def test_without_a_group_hook_the_event_is_only_acknowledged(
    aiohttp_client, services, clock
):
    seen: list[str] = []
    callback = WeComCallback(
        WeComConfig("tok", AES_KEY, CORP), clock, lambda k, _t: seen.append(k)
    )
    app = web.Application()
    callback.add_routes(app)
    client = await aiohttp_client(app)
    await _post(client, KfSide("tok", AES_KEY, CORP), clock, "wrAAA1", "dismiss")
    assert seen == []


async def test_run_keeps_groups_current_through_its_callback(wecom, tmp_path, services, clock):
    fake, _ = wecom
    fake.secrets["kf-secret"] = "kf"
    settings = Settings(
        db=tmp_path / "y.db",
        http_host="127.0.0.1",
        http_port=0,
        wecom_corp_id=CORP,
        wecom_secret="app-secret",
        wecom_kf_secret="kf-secret",
        wecom_token="tok",
        wecom_aes_key=AES_KEY,
        wecom_api_base=fake.base_url,
    )
    side = KfSide("tok", AES_KEY, CORP)
    async with open_runtime(settings, services) as runtime:
        url = f"http://127.0.0.1:{runtime.http.port}{CALLBACK_PATH}"
        query, body = side.group_event("wrAAA1", "create", int(clock().timestamp()))
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, params=query, data=body.encode()) as got,
        ):
            assert await got.text() == "success"
    group = await CustomerGroupRepo(services.db).get("wrAAA1")  # the stop waited for the read
    assert (group.name, group.owner, group.member_count) == ("张家窝保洁群", "zhangsan", 120)
