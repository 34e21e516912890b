"""微信客服 end to end: the WeCom callback (real crypto), kf/sync_msg from a stored cursor, the
router, kf/send_msg inside the customer-service window, and the link with a scene.

WeCom is the local fake (tests/fakes/wecom_kf.py), which applies the platform's own window rule
and refuses a send outside it, so a push that should have waited would show as a refused call.
"""

import asyncio
import os
import random
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web
from typer.testing import CliRunner

from bot.channels.wecom.api import GroupGone, WeComApi, classify_wecom
from bot.channels.wecom.callback import WeComCallback, WeComConfig
from bot.channels.wecom_kf.app import CALLBACK_PATH
from bot.channels.wecom_kf.link import kf_link
from bot.channels.wecom_kf.sender import WeComKfSender
from bot.channels.wecom_kf.sync import KfSync
from bot.channels.window import ServiceWindow
from bot.cli import app as cli_app
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.errors import Permanent, Transient, WindowClosed
from bot.runner import open_runtime
from bot.settings import Settings
from handlers.router import handle as route
from handlers.services.publishing import publish
from handlers.texts import t
from matching.engine import Matcher
from models.messages import Channel, DialogKey, Reply
from models.repos.origins import OriginRepo
from models.repos.outbox import OutboxRepo
from models.repos.wechat import WeChatRepo
from models.values import Role
from tests.delivery_builders import FakeTime, make_posting
from tests.fakes.wechat_api import Scripted
from tests.fakes.wecom_api import FakeWeCom
from tests.fakes.wecom_kf import SEND, STATE_TRANS, SYNC, WELCOME, FakeKf, KfSide

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CORP = "wwcorp"
KF_SECRET = "kf-secret"
SCENE = "西青区-张家窝驿站"


@pytest.fixture
async def kf(clock):
    server = FakeWeCom(corp_id=CORP, secrets={KF_SECRET: "kf"})
    fake = FakeKf(server, clock).install()
    await server.start()
    yield fake
    await server.close()


def _api(kf, db, clock):
    base = kf.wecom.base_url
    return WeComApi(CORP, KF_SECRET, WeChatRepo(db), clock, kind="kf", base_url=base)


@pytest.fixture
async def api(kf, db, clock):
    client = _api(kf, db, clock)
    yield client
    await client.aclose()


def _sync(services, api, **extra):
    return KfSync(services, api, WeComKfSender(services, api), **extra)


@pytest.fixture
async def served(aiohttp_client, services, api, clock):
    """The callback on a local server, and the sync it wakes."""
    sync = _sync(services, api)
    app = web.Application()
    WeComCallback(WeComConfig("tok", AES_KEY, CORP), clock, sync.wake).add_routes(app)
    client = await aiohttp_client(app)
    yield client, sync
    await sync.close()


def _now(clock) -> int:
    return int(clock().timestamp())


async def _inbox_states(db):
    rows = await db.fetchall("SELECT state, COUNT(*) AS n FROM wecom_kf_inbox GROUP BY state")
    return {row["state"]: row["n"] for row in rows}


async def test_url_verification_answers_the_decrypted_echostr(served, clock):
    client, _ = served
    side = KfSide("tok", AES_KEY, CORP)
    now = _now(clock)
    response = await client.get(CALLBACK_PATH, params=side.verification("8736459821", now))
    assert response.status == 200
    assert await response.text() == "8736459821"
    forged = side.verification("8736459821", now) | {"msg_signature": "0" * 40}
    assert (await client.get(CALLBACK_PATH, params=forged)).status == 403
    other_corp = KfSide("tok", AES_KEY, "wwother").verification("x", now)
    assert (await client.get(CALLBACK_PATH, params=other_corp)).status == 403
    stale = side.verification("x", now - 3600)
    assert (await client.get(CALLBACK_PATH, params=stale)).status == 403


@pytest.mark.backends
async def test_an_encrypted_event_syncs_and_the_answer_goes_by_send_msg(
    served, kf, services, clock
):
    client, sync = served
    kf.user_text("wmUSER1", "你好")
    query, body = KfSide("tok", AES_KEY, CORP).kf_event(kf.open_kfid, _now(clock))
    response = await client.post(CALLBACK_PATH, params=query, data=body.encode())
    assert response.status == 200
    assert await response.text() == "success"
    await sync.sync(kf.open_kfid)  # after the sync the event started, or doing it
    assert kf.wecom.sent(SYNC)[0].body["token"] == "SYNCTOKEN"
    [answer] = kf.texts_to("wmUSER1")
    assert "您想要哪种就业形式？" in answer
    assert "1 稳定就业" in answer

    kf.user_text("wmUSER1", "1")  # a bare number picks the option it stands for
    await sync.sync(kf.open_kfid)
    user = await services.users.get(DialogKey(Channel.WECOM_KF, "wmUSER1"))
    state = await services.dialogs.load(user.id)
    assert state.step not in (None, "ask_work_form")
    assert len(kf.texts_to("wmUSER1")) == 2
    assert await _inbox_states(services.db) == {"done": 2}

    # A forged event (another corp's key material) starts nothing.
    query, body = KfSide("tok", AES_KEY, CORP).kf_event(kf.open_kfid, _now(clock), corp_id="ww2")
    response = await client.post(CALLBACK_PATH, params=query, data=body.encode())
    assert response.status == 403


@pytest.mark.backends
async def test_the_cursor_survives_a_restart_mid_sync(kf, services, db, clock):
    kf.page_size = 2
    users = [f"wmU{i}" for i in range(5)]
    for user in users:
        kf.user_text(user, "你好")
    kf.wecom.answer(SYNC, Scripted(), Scripted(status=502))  # page 1, then the process stops
    first = _api(kf, db, clock)
    with pytest.raises(Transient):
        await _sync(services, first).sync(kf.open_kfid)
    await first.aclose()
    assert [u for u in users if kf.texts_to(u)] == users[:2]

    async with _api(kf, db, clock) as again:
        await _sync(services, again).catch_up()  # a new process starts
    assert kf.cursors() == ["", "c2", "c2", "c4"]  # page 2 asked again, page 1 never
    assert [len(kf.texts_to(u)) for u in users] == [1, 1, 1, 1, 1]
    assert await _inbox_states(db) == {"done": 5}


@pytest.mark.backends
async def test_a_crash_between_two_messages_of_a_stored_page_loses_and_repeats_nothing(
    kf, services, db, clock, api
):
    users = [f"wmC{i}" for i in range(3)]
    for user in users:
        kf.user_text(user, "你好")
    turns = []

    async def dying(incoming, services):
        if len(turns) == 1:
            raise asyncio.CancelledError  # the process is killed during the second turn
        turns.append(incoming.key.user_id)
        return await route(incoming, services)

    with pytest.raises(asyncio.CancelledError):
        await _sync(services, api, handle=dying).sync(kf.open_kfid)
    assert await _inbox_states(db) == {"done": 1, "new": 2}  # the page (and cursor) were stored
    await _sync(services, api).catch_up()
    assert kf.cursors() == ["", "c3"]  # nothing fetched twice
    assert [len(kf.texts_to(u)) for u in users] == [1, 1, 1]


async def test_a_token_expiring_mid_sync_is_renewed_and_the_page_fetched_once(kf, services, api):
    kf.page_size = 2
    for i in range(4):
        kf.user_text(f"wmT{i}", "你好")
    kf.wecom.answer(SYNC, Scripted(), Scripted(errcode=42001))
    await _sync(services, api).sync(kf.open_kfid)
    assert kf.wecom.tokens_issued == 2
    assert kf.cursors() == ["", "c2", "c2"]  # the refused call, then its retry
    assert [len(kf.texts_to(f"wmT{i}")) for i in range(4)] == [1, 1, 1, 1]


async def test_a_sync_wecom_refused_is_tried_again(kf, services, api):
    kf.user_text("wmRETRY", "你好")
    kf.wecom.answer(SYNC, Scripted(status=503))
    sync = _sync(services, api, retry_delays=(0.01,))
    sync.wake(kf.open_kfid, "SYNCTOKEN")
    for _ in range(200):
        if kf.texts_to("wmRETRY"):
            break
        await asyncio.sleep(0.02)
    await sync.close()
    assert kf.cursors() == ["", ""]
    assert len(kf.texts_to("wmRETRY")) == 1


def test_kf_window_errcodes_are_window_closed():
    for errcode in (95001, 95002, 95018, 95024):
        assert isinstance(classify_wecom(200, {"errcode": errcode}), WindowClosed)
    # 95013 is in no source: an unknown code is a configuration error, never a held push.
    assert isinstance(classify_wecom(200, {"errcode": 95013}), Permanent)
    for errcode in (40050, 90501):
        assert isinstance(classify_wecom(200, {"errcode": errcode}), GroupGone)


# What the seeker picks at each step, by the label shown.
PICKS = {
    "ask_work_form": ["灵活就业"],
    "ask_categories": ["家政/保洁", "完成"],
    "ask_keep_location": ["保存位置"],
    "ask_education": ["高中"],
    "ask_skills": ["跳过"],
    "ask_needs": ["完成"],
    "ask_consent": ["可以推送"],
    "confirm": ["确认"],
}


class KfUser:
    """One WeChat user talking to the 微信客服 account, as WeCom hands their messages to us."""

    def __init__(self, kf, sync, clock, user):
        self.kf, self.sync, self.clock, self.user = kf, sync, clock, user
        self.shown = ""

    async def synced(self) -> str:
        await self.sync.sync(self.kf.open_kfid)
        self.shown = self.kf.texts_to(self.user)[-1]
        return self.shown

    async def say(self, text: str) -> str:
        self.clock.advance(seconds=7)
        self.kf.user_text(self.user, text)
        return await self.synced()

    async def share_location(self, lat: float, lon: float) -> str:
        self.clock.advance(seconds=7)
        self.kf.user_location(self.user, lat, lon)
        return await self.synced()

    def number_of(self, label: str) -> int:
        for line in self.shown.splitlines():
            found = re.fullmatch(r"(\d+) (?:✓ )?(?:[A-Q] )?(.+)", line)
            if found and label in found[2]:
                return int(found[1])
        raise AssertionError(f"{label!r} not offered in:\n{self.shown}")


async def _onboard(seeker: KfUser, services) -> None:
    key = DialogKey(Channel.WECOM_KF, seeker.user)
    for _ in range(25):
        user = await services.users.get(key)
        state = await services.dialogs.load(user.id)
        if state is None:
            return
        if state.step == "ask_pay":
            await seeker.say("日结200")
        elif state.step == "ask_distance":
            await seeker.say("10")
        elif state.step == "ask_districts":
            await seeker.share_location(39.1350, 117.0140)  # 西青区, by the map
        else:
            for label in PICKS[state.step]:
                await seeker.say(str(seeker.number_of(label)))
    raise AssertionError("onboarding did not end")


async def test_a_seeker_taps_the_link_onboards_and_gets_pushes_by_the_window(
    aiohttp_client, kf, services, encoder, tmp_path, api, clock
):
    sender = WeComKfSender(services, api)
    ticks = FakeTime(clock)
    dispatcher = Dispatcher(
        services,
        {Channel.WECOM_KF: sender},
        monotonic=ticks.monotonic,
        sleep=ticks.sleep,
        rng=random.Random(7),
    )
    sync = KfSync(services, api, sender, on_inbound=dispatcher.on_user_message)
    app = web.Application()
    WeComCallback(WeComConfig("tok", AES_KEY, CORP), clock, sync.wake).add_routes(app)
    client = await aiohttp_client(app)

    kf.enter_session("wmSEEKER", SCENE)  # the link's scene_param, as WeCom passes it on
    query, body = KfSide("tok", AES_KEY, CORP).kf_event(kf.open_kfid, _now(clock))
    assert (await client.post(CALLBACK_PATH, params=query, data=body.encode())).status == 200
    seeker = KfUser(kf, sync, clock, "wmSEEKER")
    greeting = await seeker.synced()
    [welcome] = kf.wecom.sent(WELCOME)  # by the event's welcome code: the window is not open
    assert welcome.body["text"]["content"] == greeting
    assert greeting.startswith(t("wecom_kf.welcome", "zh"))
    assert "回复数字：" in greeting
    user = await services.users.get(DialogKey(Channel.WECOM_KF, "wmSEEKER"))
    origin = await OriginRepo(services.db).of(user.id)
    assert (origin.source, origin.scene) == ("kf_link", SCENE)

    await _onboard(seeker, services)
    profile = await services.seekers.get(user.id)
    assert profile.completed_at is not None
    assert profile.consent is True
    assert "西青区" in profile.districts

    services.matcher = await Matcher.open(services.db, encoder, tmp_path / "index", phrases=t)
    answers = len(kf.sent)
    assert (await publish(services, await make_posting(services))).queued == 1
    await dispatcher.run_until_idle()
    [card] = kf.texts_to("wmSEEKER")[answers:]  # inside the window: it goes out at once
    assert card.startswith("保洁员")
    assert "13812345678" not in card
    assert "1 感兴趣" in card

    clock.advance(hours=49)  # the window has closed
    refused = len([c for c in kf.wecom.calls if c.path == SEND and not c.ok])
    answers = len(kf.sent)
    second = await make_posting(
        services,
        title="保洁工",
        description="西青区写字楼保洁，早7晚4，联系电话13912345678",
        phones=("13912345678",),
    )
    assert (await publish(services, second)).queued == 1
    await dispatcher.run_until_idle()
    assert len(kf.sent) == answers  # held, not sent ...
    assert len([c for c in kf.wecom.calls if c.path == SEND and not c.ok]) == refused  # nor tried

    await seeker.say("还有别的吗")  # ... until the seeker writes again
    await dispatcher.run_until_idle()
    assert any("保洁工" in text for text in kf.texts_to("wmSEEKER")[answers:])
    await sync.close()


async def test_wecoms_own_window_refusal_closes_ours(kf, services, api):
    # Entering a session (no welcome code) opens our count, since the router saw the user, but
    # not WeCom's window: the answer is refused (95002), and the window counts as spent.
    kf.enter_session("wmENTERED", welcome=False)
    sender = WeComKfSender(services, api)
    await KfSync(services, api, sender).sync(kf.open_kfid)
    assert [c.ok for c in kf.wecom.calls if c.path == SEND] == [False]
    user = await services.users.get(DialogKey(Channel.WECOM_KF, "wmENTERED"))
    assert user.last_inbound_at == services.clock()
    assert await ServiceWindow(services).left(user, services.clock()) == 0
    with pytest.raises(WindowClosed):
        await sender.send("wmENTERED", Reply("保洁员 日结200"))
    assert len([c for c in kf.wecom.calls if c.path == SEND]) == 1  # not asked again


def test_the_link_carries_the_scene_url_encoded():
    base = "https://work.weixin.qq.com/kfid/kfc0123?enc_scene=ENCyizhan"
    link = kf_link(base, f" {SCENE} ")
    parts = urlsplit(link)
    assert link.startswith(base + "&scene_param=%E8%A5%BF")
    assert parse_qs(parts.query) == {"enc_scene": ["ENCyizhan"], "scene_param": [SCENE]}
    assert kf_link(link, "南开区") == base + "&scene_param=%E5%8D%97%E5%BC%80%E5%8C%BA"
    with pytest.raises(ValueError, match="too long"):
        kf_link(base, "驿" * 15)  # 135 bytes URL-encoded; WeCom takes 128
    with pytest.raises(ValueError, match="a scene is needed"):
        kf_link(base, "  ")


def _yizhan(*args, **env):
    clean = {k: None for k in os.environ if k.startswith("YIZHAN_")}
    return CliRunner().invoke(cli_app, list(args), env=clean | env)


async def test_kf_link_command_asks_wecom_for_the_accounts_link(kf, tmp_path):
    env = {
        "YIZHAN_DB": str(tmp_path / "y.db"),
        "YIZHAN_WECOM_CORP_ID": CORP,
        "YIZHAN_WECOM_KF_SECRET": KF_SECRET,
        "YIZHAN_WECOM_API_BASE": kf.wecom.base_url,
    }
    result = await asyncio.to_thread(
        _yizhan, "wechat", "kf-link", "--scene", SCENE, "--open-kfid", kf.open_kfid, **env
    )
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("https://work.weixin.qq.com/kfid/kfc0123456789?enc_scene=ENCyizhan&")
    assert parse_qs(urlsplit(link).query)["scene_param"] == [SCENE]
    result = await asyncio.to_thread(_yizhan, "wechat", "kf-link", "--scene", SCENE, **env)
    assert result.exit_code == 2


async def test_run_serves_the_wecom_callback(kf, tmp_path, services, clock):
    settings = Settings(
        db=tmp_path / "y.db",
        http_host="127.0.0.1",
        http_port=0,
        wecom_corp_id=CORP,
        wecom_kf_secret=KF_SECRET,
        wecom_token="tok",
        wecom_aes_key=AES_KEY,
        wecom_api_base=kf.wecom.base_url,
    )
    side = KfSide("tok", AES_KEY, CORP)
    async with open_runtime(settings, services) as runtime:
        assert isinstance(runtime.senders[Channel.WECOM_KF], WeComKfSender)
        url = f"http://127.0.0.1:{runtime.http.port}{CALLBACK_PATH}"
        async with aiohttp.ClientSession() as session:
            query = side.verification("echo-1", _now(clock))
            async with session.get(url, params=query) as got:
                assert await got.text() == "echo-1"
            kf.user_text("wmRUN", "你好")
            query, body = side.kf_event(kf.open_kfid, _now(clock))
            async with session.post(url, params=query, data=body.encode()) as got:
                assert await got.text() == "success"
            # The event's sync answers in the background. A stop that comes before it reached
            # the message leaves it stored for the next start's catch-up, so wait for the answer.
            for _ in range(200):
                if kf.texts_to("wmRUN"):
                    break
                await asyncio.sleep(0.05)
    assert Channel.WECOM_KF not in runtime.senders
    assert len(kf.texts_to("wmRUN")) == 1  # answered once, and the stop did not repeat it


# --- 微信客服 session state: a caseworker serving, and the seeker asking for one ---------------


def _calls(kf, path):
    return [call for call in kf.wecom.calls if call.path == path]


@pytest.mark.backends
async def test_the_bot_is_quiet_while_a_caseworker_serves(kf, services, api, clock):
    sync = _sync(services, api)
    kf.user_text("wmH", "你好")
    await sync.sync(kf.open_kfid)
    assert len(kf.texts_to("wmH")) == 1

    kf.take_over("wmH")  # picked up in the WeCom client (service_state 3)
    kf.servicer_text("wmH", "您好，我是驿站小王")
    clock.advance(minutes=5)
    kf.user_text("wmH", "工资怎么算")
    await sync.sync(kf.open_kfid)
    assert len(kf.texts_to("wmH")) == 1  # nothing from the bot, and nothing refused either
    assert [c for c in _calls(kf, SEND) if not c.ok] == []
    user = await services.users.get(DialogKey(Channel.WECOM_KF, "wmH"))
    assert user.last_inbound_at == clock()  # the seeker did write: the window is real
    # A push meanwhile: WeCom refuses it (95018) and it waits like one outside the window.
    with pytest.raises(WindowClosed):
        await WeComKfSender(services, api).send("wmH", Reply("新岗位"))
    assert len([c for c in _calls(kf, SEND) if not c.ok]) == 1  # the fake's 95018

    kf.end_session("wmH")
    clock.advance(minutes=30)
    kf.user_text("wmH", "你好")  # a new session (0): the bot answers again
    await sync.sync(kf.open_kfid)
    assert len(kf.texts_to("wmH")) == 2
    assert await _inbox_states(services.db) == {"done": 5}


@pytest.mark.backends
async def test_asking_for_a_person_queues_the_session_for_the_caseworkers(
    kf, services, api, clock
):
    staff = await services.users.get_or_create(DialogKey(Channel.CONSOLE, "cw1"), clock())
    await services.users.set_role(staff.id, Role.CASEWORKER, district="西青区")
    sync = _sync(services, api)
    kf.user_text("wmP", "你好")
    await sync.sync(kf.open_kfid)
    kf.user_text("wmP", "我要找人工")
    await sync.sync(kf.open_kfid)
    answer = kf.texts_to("wmP")[-1]
    assert t("faq.human", "zh").splitlines()[0] in answer  # answered before the move
    assert [c.body["service_state"] for c in _calls(kf, STATE_TRANS)] == [2]
    assert kf.states["wmP"] == 2
    assert len(await OutboxRepo(services.db).for_user(staff.id)) == 1  # staff told as before

    kf.user_text("wmP", "在吗")  # waiting in the queue: the caseworker answers, not the bot
    await sync.sync(kf.open_kfid)
    assert len(kf.texts_to("wmP")) == 2
