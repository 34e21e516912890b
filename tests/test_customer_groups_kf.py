"""A digest's 微信客服 link brings a group member to Yizhan (#21): the member taps it, WeCom hands
the link's scene to the enter_session event, and `yizhan stats` counts them for that group, with
the "J12" they send as interest. Both fakes (customer groups and 微信客服) on one FakeWeCom."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.channels.wecom.api import WeComApi
from bot.channels.wecom.groups import GroupsApi
from bot.channels.wecom_kf.sender import WeComKfSender
from bot.channels.wecom_kf.sync import KfSync
from bot.groups.digests import DigestConfig, GroupDigests
from bot.groups.origin_report import origin_rows
from models.repos.wechat import WeChatRepo
from models.timeutil import local, month_bounds
from tests.delivery_builders import make_posting, publish_now
from tests.fakes.wecom_groups import ZHANGJIAWO, fake_with_groups
from tests.fakes.wecom_kf import FakeKf

KF = "https://work.weixin.qq.com/kfid/kfc0123456789"


@pytest.fixture
async def wecom(clock):
    server, groups = fake_with_groups(ZHANGJIAWO, secrets={"app-secret": "app", "kf-secret": "kf"})
    kf = FakeKf(server, clock).install()
    await server.start()
    yield groups, kf
    await server.close()


async def test_a_member_who_taps_the_digest_link_counts_for_the_group(wecom, services, clock):
    groups, kf = wecom
    repo = WeChatRepo(services.db)
    base = kf.wecom.base_url
    app_api = WeComApi("wwcorp", "app-secret", repo, clock, base_url=base)
    kf_api = WeComApi("wwcorp", "kf-secret", repo, clock, kind="kf", base_url=base)
    async with app_api, kf_api:
        digests = GroupDigests(services, GroupsApi(app_api), DigestConfig(kf_url=KF))
        pid = await make_posting(services, "商场保洁员")
        await publish_now(services, pid, clock() + timedelta(days=3))
        await digests.sync()
        await digests.repo.tag("wrAAA1", "西青区", ("A",), "王社工")
        await digests.send("wrAAA1", "王社工")
        groups.confirm("msg1")
        link = groups.tasks["msg1"].attachments[0]["link"]["url"]
        [scene] = parse_qs(urlsplit(link).query)["scene_param"]

        sync = KfSync(services, kf_api, WeComKfSender(services, kf_api))
        kf.enter_session("wmMEMBER", scene)  # WeCom passes the link's scene_param on
        await sync.sync(kf.open_kfid)
        clock.advance(seconds=30)
        kf.user_text("wmMEMBER", f"J{pid}")
        await sync.sync(kf.open_kfid)
        await sync.close()
    assert "13812345678" in kf.texts_to("wmMEMBER")[-1]  # the card with the full contact
    start, end = month_bounds(local(clock()).strftime("%Y-%m"))
    [row] = await origin_rows(services.repos, start, end, "zh")
    assert (row.kind, row.name, row.came, row.interested) == ("客户群", "张家窝保洁群", 1, 1)
