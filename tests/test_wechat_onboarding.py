"""A whole onboarding over the WeChat callback, answered the way a WeChat user does: by number."""

import re

import pytest
from aiohttp import web

from bot.channels.wechat.callback import WeChatCallback, WeChatConfig
from handlers.router import handle as route
from models.messages import Channel, DialogKey
from models.values import WorkForm
from tests.fakes.wechat_api import WeChatSide

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
# What this seeker picks at each step, by the label shown; None = type the text instead.
PICKS = {
    "ask_work_form": ["灵活就业"],
    "ask_categories": ["家政/保洁", "快递/外卖", "完成"],
    "ask_keep_location": ["保存位置"],
    "ask_education": ["高中"],
    "ask_skills": ["跳过"],
    "ask_needs": ["技能培训", "完成"],
    "ask_consent": ["可以推送"],
    "confirm": ["确认"],
}


class WeChatUser:
    """One follower of the official account, talking through our callback like WeChat does."""

    def __init__(self, client, side, clock, openid="o-onboard"):
        self.client, self.side, self.clock, self.openid = client, side, clock, openid
        self.msg_id = 5000
        self.shown = ""

    async def send(self, xml: str) -> str:
        self.clock.advance(seconds=7)
        query, body = self.side.seal(xml, self.now)
        response = await self.client.post("/wechat", params=query, data=body.encode())
        assert response.status == 200
        self.shown = self.side.open_reply(await response.text()).get("Content", "")
        return self.shown

    @property
    def now(self) -> int:
        return int(self.clock().timestamp())

    async def say(self, text: str) -> str:
        self.msg_id += 1
        return await self.send(self.side.text(self.openid, text, self.msg_id, self.now))

    async def share_location(self, lat: float, lon: float) -> str:
        self.msg_id += 1
        return await self.send(self.side.location(self.openid, lat, lon, self.msg_id, self.now))

    def number_of(self, label: str) -> int:
        """The number the last message shows in front of `label` ("9 西青区")."""
        for line in self.shown.splitlines():
            found = re.fullmatch(r"(\d+) (?:✓ )?(?:[A-Q] )?(.+)", line)
            if found and label in found[2]:
                return int(found[1])
        raise AssertionError(f"{label!r} not offered in:\n{self.shown}")


@pytest.fixture(params=["plain", "safe"])
def side(request):
    return WeChatSide("tok", "wxapp", AES_KEY if request.param == "safe" else None)


@pytest.fixture
async def user(aiohttp_client, services, side, clock):
    callback = WeChatCallback(services, WeChatConfig("tok", "wxapp", side.aes_key), handle=route)
    app = web.Application()
    callback.add_routes(app)
    return WeChatUser(await aiohttp_client(app), side, clock)


async def _step(services, openid):
    user = await services.users.get(DialogKey(Channel.WECHAT, openid))
    state = await services.dialogs.load(user.id)
    return state.step if state else None


async def test_a_follower_completes_the_profile_by_numbers(user, services):
    first = await user.send(user.side.event(user.openid, "subscribe", user.now))
    assert first.startswith("感谢关注驿站就业服务！")
    assert "回复数字：" in first
    asked = []
    for _ in range(25):
        step = await _step(services, user.openid)
        if step is None:
            break
        asked.append(step)
        if step == "ask_pay":
            await user.say("日结200")
        elif step == "ask_distance":
            # Issue 15: the question's example is a number ("比如 5"), so its options are words
            # to type, never numbers: a bare 5 is 5 km, not option 5 (不限).
            assert "· 不限" in user.shown
            assert not re.search(r"^\d+ ", user.shown, re.MULTILINE)
            await user.say("5")
        elif step == "ask_districts":
            await user.share_location(39.1350, 117.0140)  # 西青区, by the map
        else:
            picks = PICKS[step]
            several = [str(user.number_of(label)) for label in picks[:-1]]
            if several and picks[-1] == "完成":
                await user.say(" ".join(several))  # one message picks several options
            await user.say(str(user.number_of(picks[-1])))
    assert asked[0] == "ask_work_form"
    assert "confirm" in asked
    assert "ask_keep_location" in asked
    profile = await services.seekers.get(
        (await services.users.get(DialogKey(Channel.WECHAT, user.openid))).id
    )
    assert profile.completed_at is not None
    assert profile.work_form == WorkForm.FLEXIBLE
    assert set(profile.categories) == {"A", "C"}
    assert profile.pay.min == 200
    assert "西青区" in profile.districts
    assert profile.location.lat == pytest.approx(39.135)
    assert profile.max_km == 5
    assert profile.consent is True
