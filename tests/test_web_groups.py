"""Console pages for customer groups (#21): list, tag, preview, send, results, origins."""

from datetime import timedelta
from functools import partial

import pytest
from aiohttp import web

from bot.channels.wecom.groups import group_scene
from bot.groups.digests import open_group_digests
from bot.settings import Settings
from bot.web.app import mount
from models.messages import Channel, DialogKey
from models.repos.origins import OriginRepo
from tests.delivery_builders import make_posting, publish_now
from tests.fakes.wecom_groups import ZHANGJIAWO, fake_with_groups
from tests.test_web_routes import _csrf, _sign_in, _staff

KF = "https://work.weixin.qq.com/kfid/kfc0123456789"


@pytest.fixture
async def wecom():
    fake, groups = fake_with_groups(ZHANGJIAWO, ("wrBBB2", "南开普工群", "lisi", 80))
    await fake.start()
    yield fake, groups
    await fake.close()


@pytest.fixture
async def client(aiohttp_client, services, wecom, tmp_path):
    fake, _ = wecom
    settings = Settings(db=tmp_path / "unused.db", wecom_corp_id="wwcorp",
                        wecom_secret="app-secret", wecom_api_base=fake.base_url,
                        wecom_kf_url=KF)  # fmt: skip
    root = web.Application()
    mount(root, services, partial(open_group_digests, settings))
    return await aiohttp_client(root)


async def _post(client, path, **fields):
    html = await (await client.get("/console/groups")).text()
    return await client.post(path, data={"csrf": _csrf(html), **fields})


async def test_a_caseworker_tags_previews_sends_and_reads_results(client, services, wecom):
    _, groups = wecom
    pid = await make_posting(services, "商场保洁员")
    await publish_now(services, pid, services.clock() + timedelta(days=3))
    await _sign_in(client, services, await _staff(services))  # caseworker of 西青区
    assert (await _post(client, "/console/groups/sync")).status == 200
    page = await (await client.get("/console/groups")).text()
    assert "张家窝保洁群" in page
    assert "南开普工群" in page  # untagged: visible, to be tagged
    # A caseworker tags only with their own district; a bad tag is explained.
    await _post(client, "/console/groups/wrBBB2/tag", tags="南开区 · 普工")
    untouched = await services.db.fetchone(
        "SELECT district FROM customer_groups WHERE chat_id = 'wrBBB2'"
    )
    assert untouched["district"] is None
    bad = await (await _post(client, "/console/groups/wrAAA1/tag", tags="西青区 · 扫大街")).text()
    assert "群标签无法识别" in bad
    await _post(client, "/console/groups/wrAAA1/tag", tags="西青区 · 保洁")
    detail = await (await client.get("/console/groups/wrAAA1")).text()
    assert f"J{pid}" in detail
    assert "138****5678" in detail
    assert "13812345678" not in detail
    sent = await (await _post(client, "/console/groups/wrAAA1/send")).text()
    assert "请群主 zhangsan 在企业微信里确认发送" in sent
    assert groups.tasks["msg1"].chat_ids == ["wrAAA1"]
    groups.confirm("msg1")
    await _post(client, "/console/groups/results")
    detail = await (await client.get("/console/groups/wrAAA1")).text()
    assert "已发送" in detail
    assert "今天已经有一条群发" in detail
    audit = [e.action for e in await services.audit.recent(50)]
    assert {"groups:sync", "groups:tag", "groups:send"} <= set(audit)


async def test_other_districts_groups_are_hidden_and_origins_are_shown(client, services, wecom):
    await _sign_in(client, services, await _staff(services))
    await _post(client, "/console/groups/sync")
    await services.db.execute(
        "UPDATE customer_groups SET district = '南开区' WHERE chat_id = 'wrBBB2'"
    )
    assert (await client.get("/console/groups/wrBBB2")).status == 404
    user = await services.users.get_or_create(DialogKey(Channel.WECOM, "wm1"), services.clock())
    now = services.clock()
    await OriginRepo(services.db).record(user.id, "kf_link", group_scene("wrAAA1"), now)
    page = await (await client.get("/console/groups")).text()
    assert "南开普工群" not in page
    assert "来源统计" in page
    assert '<td>张家窝保洁群</td><td class="num">1</td>' in page
