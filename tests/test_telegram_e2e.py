"""End to end through python-telegram-bot's real Application and the fake Bot API server."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")

import pytest

from bot.runner import Runtime, open_runtime
from bot.settings import Settings
from handlers.context import Services
from handlers.texts import t
from matching.districts import centre
from models.messages import Channel, DialogKey, Location
from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    telegram_api_fixture,  # noqa: F401
)

SEEKER = 4201


@pytest.fixture
async def running(
    telegram_api: FakeTelegram, services: Services, db_path: Path
) -> AsyncIterator[Runtime]:
    settings = Settings(
        db=db_path, telegram_token=TOKEN, telegram_api_base=telegram_api.base_url, http_port=0
    )
    async with open_runtime(settings, services) as runtime:
        yield runtime


async def _tap(fake: FakeTelegram, chat: int, label: str) -> dict:
    update = fake.tap_label(chat, label)
    await fake.settle(chat)
    assert fake.answered(update), f"the tap on {label!r} was answered (no spinning button)"
    return update


def _labels(fake: FakeTelegram, chat: int, message_id: int) -> list[str]:
    markup = fake.current(chat, message_id).get("reply_markup", {})
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.mark.slow
async def test_seeker_onboarding_with_buttons_and_a_shared_location(
    telegram_api: FakeTelegram, running: Runtime, services: Services
) -> None:
    fake = telegram_api
    menu = [c["command"] for c in fake.commands[None]]
    assert menu[0] == "start"
    assert {"help", "profile", "pause", "delete"} <= set(menu)
    assert fake.commands["en"][0]["description"] == t("telegram.cmd.start", "en")

    fake.user(SEEKER, "小李")
    fake.text(SEEKER, "/start")
    await fake.settle(SEEKER)
    [welcome] = fake.sent(SEEKER)
    assert t("onboarding.welcome") in welcome["text"]
    assert "灵活就业" in _labels(fake, SEEKER, welcome["message_id"])

    # A single choice: the tapped message shows the pick and loses its keyboard.
    await _tap(fake, SEEKER, "灵活就业")
    picked = fake.current(SEEKER, welcome["message_id"])
    assert picked["text"].endswith(t("telegram.picked", label="灵活就业"))
    assert "reply_markup" not in picked
    categories = fake.sent(SEEKER)[-1]

    # A multi choice is redrawn in place: ticks, no new message per tap.
    await _tap(fake, SEEKER, "A 家政")
    await _tap(fake, SEEKER, "C 快递")
    assert fake.sent(SEEKER)[-1] == categories
    ticked = [label for label in _labels(fake, SEEKER, categories["message_id"]) if "✓" in label]
    assert ticked == ["✓ A 家政/保洁", "✓ C 快递/外卖/代跑代办"]
    await _tap(fake, SEEKER, "完成")
    await _tap(fake, SEEKER, "面议")

    # The district question offers the location button (a reply keyboard on its own message).
    location_offer = fake.calls_of("sendMessage")[-1].params["reply_markup"]
    assert location_offer["keyboard"][0][0]["request_location"] is True
    assert location_offer["one_time_keyboard"] is True
    lat, lon = centre("西青区")
    fake.location(SEEKER, lat + 0.01, lon)
    await fake.settle(SEEKER)
    assert "西青区" in fake.sent(SEEKER)[-1]["text"]
    await _tap(fake, SEEKER, "保存位置")

    for label in ("10 公里", "初中", "跳过", "职业指导", "完成", "可以推送"):
        await _tap(fake, SEEKER, label)
    summary = fake.sent(SEEKER)[-1]["text"]
    assert "西青区" in summary
    assert "A 家政/保洁" in summary
    await _tap(fake, SEEKER, "确认")
    assert fake.sent(SEEKER)[-1]["text"] == t("onboarding.done")

    user = await services.users.get(DialogKey(Channel.TELEGRAM, str(SEEKER)))
    assert user is not None
    assert user.display_name == "小李"
    profile = await services.seekers.get(user.id)
    assert profile is not None
    assert profile.categories == ("A", "C")
    assert profile.districts == ("西青区",)
    assert profile.location == Location(lat + 0.01, lon)
    assert profile.max_km == 10
    assert profile.consent is True
    assert profile.completed_at is not None
    assert await services.dialogs.load(user.id) is None
    statuses = {c.status for c in fake.calls}
    assert statuses == {200}, "no call was refused by the Bot API"
