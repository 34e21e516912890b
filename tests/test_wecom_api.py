"""The WeCom API client against the local fake: one token per secret, renewal, errcode mapping."""

import pytest

from bot.channels.wechat.api import TokenExpired
from bot.channels.wecom.api import FREQUENCY_RETRY_S, WeComApi, classify_wecom
from bot.delivery.errors import Permanent, RateLimited, Transient
from models.repos.wechat import WeChatRepo
from tests.fakes.wechat_api import Scripted
from tests.fakes.wecom_api import FakeWeCom

LIST = "/cgi-bin/externalcontact/groupchat/list"
SYNC = "/cgi-bin/kf/sync_msg"
GETTOKEN = "/cgi-bin/gettoken"


@pytest.fixture
async def fake():
    server = FakeWeCom(secrets={"contact-secret": "contact", "kf-secret": "kf"})
    server.route("POST", LIST, lambda body, query: {"group_chat_list": [], "next_cursor": ""})
    server.route("POST", SYNC, lambda body, query: {"msg_list": [], "has_more": 0})
    server.route("GET", "/cgi-bin/kf/account/list", lambda body, query: {"account_list": []})
    await server.start()
    yield server
    await server.close()


def _client(fake, db, clock, secret="contact-secret", kind="contact"):
    return WeComApi(
        "wwcorp", secret, WeChatRepo(db), clock, kind=kind, base_url=fake.base_url, timeout_s=0.5
    )


async def test_each_secret_has_its_own_stored_token(fake, db, clock):
    kf_client = _client(fake, db, clock, "kf-secret", "kf")
    async with _client(fake, db, clock) as contact, kf_client as kf:
        assert await contact.post(LIST, {"limit": 100}) == {
            "errcode": 0,
            "errmsg": "ok",
            "group_chat_list": [],
            "next_cursor": "",
        }
        await kf.post(SYNC, {"cursor": ""})
        await contact.post(LIST, {"limit": 100})
        await kf.get("/cgi-bin/kf/account/list")
    assert fake.tokens_issued == 2
    token_calls = [c.query for c in fake.calls if c.path == GETTOKEN]
    assert token_calls == [
        {"corpid": "wwcorp", "corpsecret": "contact-secret"},
        {"corpid": "wwcorp", "corpsecret": "kf-secret"},
    ]
    by_kind = {c.path: fake.valid_tokens[c.query["access_token"]] for c in fake.sent(LIST)}
    assert by_kind == {LIST: "contact"}
    # A new process reuses the stored token instead of fetching a third.
    async with _client(fake, db, clock) as again:
        await again.post(LIST, {"limit": 100})
    assert fake.tokens_issued == 2


async def test_an_expired_token_is_renewed_and_the_call_retried_once(fake, db, clock):
    async with _client(fake, db, clock) as api:
        await api.post(LIST, {"limit": 100})
        fake.expire_tokens()
        await api.post(LIST, {"limit": 100})
        assert fake.tokens_issued == 2
        fake.answer(LIST, 42001, 42001)
        with pytest.raises(TokenExpired):
            await api.post(LIST, {"limit": 100})


async def test_a_wrong_secret_is_a_permanent_configuration_error(fake, db, clock):
    async with _client(fake, db, clock, secret="not-ours") as api:
        with pytest.raises(Permanent, match="40001"):
            await api.post(LIST, {"limit": 100})
    assert fake.sent(LIST) == []


async def test_frequency_limit_and_busy_answers(fake, db, clock):
    async with _client(fake, db, clock) as api:
        fake.answer(LIST, 45009)
        with pytest.raises(RateLimited) as limited:
            await api.post(LIST, {"limit": 100})
        assert limited.value.retry_after == FREQUENCY_RETRY_S
        fake.answer(LIST, Scripted(status=502))
        with pytest.raises(Transient):
            await api.post(LIST, {"limit": 100})
        fake.answer(LIST, -1)
        with pytest.raises(Transient):
            await api.post(LIST, {"limit": 100})


@pytest.mark.parametrize(
    ("errcode", "kind"),
    [
        (40014, TokenExpired),
        (41001, TokenExpired),
        (42001, TokenExpired),
        (45033, Transient),
        (40001, Permanent),
        (48002, Permanent),
        (60020, Permanent),
    ],
)
def test_classify_wecom(errcode, kind):
    assert isinstance(classify_wecom(200, {"errcode": errcode, "errmsg": "x"}), kind)
    assert classify_wecom(200, {"errcode": 0, "errmsg": "ok"}) is None
