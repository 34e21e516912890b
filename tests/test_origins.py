"""Where people came from: the first QR code or 微信客服 link is kept, and goes with the user."""

import pytest

from models.messages import Channel, DialogKey
from models.repos.origins import OriginRepo
from models.repos.users import UserRepo

pytestmark = pytest.mark.backends


async def test_first_touch_wins_and_is_counted_by_scene(db, clock):
    users = UserRepo(db)
    first = await users.get_or_create(DialogKey(Channel.WECOM, "wm-1"), clock())
    second = await users.get_or_create(DialogKey(Channel.WECHAT, "o-2"), clock())
    origins = OriginRepo(db)
    assert await origins.record(first.id, "kf_link", "group:wrOgQh", clock())
    assert not await origins.record(first.id, "wechat_qr", "西青区-张家窝驿站", clock())
    assert not await origins.record(second.id, "wechat_qr", "  ", clock())
    assert await origins.of(second.id) is None
    assert await origins.record(second.id, "wechat_qr", "西青区-张家窝驿站", clock())
    kept = await origins.of(first.id)
    assert kept is not None
    assert (kept.source, kept.scene) == ("kf_link", "group:wrOgQh")
    assert await origins.counts_by_scene() == {"group:wrOgQh": 1, "西青区-张家窝驿站": 1}
    await db.execute("DELETE FROM users WHERE id = ?", (first.id,))
    assert await origins.counts_by_scene() == {"西青区-张家窝驿站": 1}
