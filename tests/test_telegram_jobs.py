"""Jobs through Telegram end to end: a published posting is pushed and answered; an employer posts.

Real parts: the model and matcher, publish(), the employer dialog, `yizhan run`'s runtime (the
Application, the dispatcher with the TelegramSender); Telegram is the local fake Bot API.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")

import pytest

from bot.runner import Runtime, open_runtime
from bot.settings import Settings
from handlers.context import Services
from handlers.publishing import publish
from handlers.texts import t
from matching.engine import Matcher
from models.messages import Channel, DialogKey
from models.posting import PostingStatus
from tests.delivery_builders import make_posting, make_seeker
from tests.fakes.telegram_api import (
    TOKEN,
    FakeTelegram,
    telegram_api_fixture,  # noqa: F401
)

SEEKER = 6101
EMPLOYER = 6201


@pytest.fixture
async def running(
    telegram_api: FakeTelegram, services: Services, encoder: Any, tmp_path: Path, db_path: Path
) -> AsyncIterator[Runtime]:
    telegram_api.user(SEEKER, "小张")
    telegram_api.user(EMPLOYER, "王老板")
    await make_seeker(services, str(SEEKER), Channel.TELEGRAM)  # 保洁 in 西青区, consenting
    services.matcher = await Matcher.open(services.db, encoder, tmp_path / "index", phrases=t)
    settings = Settings(
        db=db_path, telegram_token=TOKEN, telegram_api_base=telegram_api.base_url, http_port=0
    )
    async with open_runtime(settings, services) as runtime:
        yield runtime


def _buttons(message: dict) -> dict[str, str]:
    markup = message.get("reply_markup", {})
    return {
        b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
    }


async def _tap(fake: FakeTelegram, chat: int, label: str) -> None:
    update = fake.tap_label(chat, label)
    await fake.settle(chat)
    assert fake.answered(update)


@pytest.mark.slow
async def test_a_published_posting_is_pushed_and_the_seeker_says_why_not(
    telegram_api: FakeTelegram, running: Runtime, services: Services
) -> None:
    fake = telegram_api
    posting = await make_posting(services)  # 保洁员 in 西青区, 日结200, phone on the card
    result = await publish(services, posting)
    assert result.published
    assert result.queued == 1
    assert running.dispatcher is not None
    running.dispatcher.wake()
    await fake.wait_for(lambda: bool(fake.sent(SEEKER)))
    [card] = fake.sent(SEEKER)
    assert card["text"].startswith("保洁员")
    assert "13812345678" not in card["text"]  # the poster's phone is masked on a push
    buttons = _buttons(card)
    assert buttons["不感兴趣"] == f"fb:{posting}:not"
    assert set(buttons) == {"感兴趣", "不感兴趣", "已找到工作"}

    await _tap(fake, SEEKER, "不感兴趣")
    answered = fake.current(SEEKER, card["message_id"])
    assert answered["text"].endswith(t("telegram.picked", label="不感兴趣"))
    assert "reply_markup" not in answered  # the card's buttons are used up
    question = fake.sent(SEEKER)[-1]
    assert question["text"] == t("delivery.fb.ask_reason")
    assert _buttons(question)["太远"] == f"fb:{posting}:not:far"

    await _tap(fake, SEEKER, "太远")
    assert fake.sent(SEEKER)[-1]["text"] == t("delivery.fb.thanks.far")
    user = await services.users.get(DialogKey(Channel.TELEGRAM, str(SEEKER)))
    assert user is not None
    rows = await services.db.fetchall(
        "SELECT kind, reason FROM feedback WHERE user_id = ? AND posting_id = ?",
        (user.id, posting),
    )
    assert [(r["kind"], r["reason"]) for r in rows] == [("not", "far")]
    delivery = await services.db.fetchone(
        "SELECT state FROM deliveries WHERE seeker_user_id = ? AND posting_id = ?",
        (user.id, posting),
    )
    assert delivery is not None
    assert delivery["state"] == "sent"


@pytest.mark.slow
async def test_an_employers_gig_post_becomes_a_draft_card_then_a_published_push(
    telegram_api: FakeTelegram, running: Runtime, services: Services
) -> None:
    fake = telegram_api
    fake.text(EMPLOYER, "明天西青区商场招保洁4人，日结200元，早8点到下午5点，电话13812345678")
    await fake.settle(EMPLOYER)
    for _ in range(4):  # answer what the draft still lacks, the first offer each time
        draft = fake.sent(EMPLOYER)[-1]
        if t("intake.choice.confirm") in _buttons(draft):
            break
        await _tap(fake, EMPLOYER, next(iter(_buttons(draft))))
    assert t("intake.choice.confirm") in _buttons(draft)
    assert "保洁" in draft["text"]
    assert "西青" in draft["text"]

    await _tap(fake, EMPLOYER, t("intake.choice.confirm"))
    confirmed = fake.current(EMPLOYER, draft["message_id"])
    assert "reply_markup" not in confirmed
    postings = await services.postings.with_status(PostingStatus.PUBLISHED)
    assert len(postings) == 1
    done = fake.sent(EMPLOYER)[-1]["text"]
    assert f"#{postings[0].id}" in done

    # The matching seeker gets the push through the running dispatcher.
    await fake.wait_for(lambda: bool(fake.sent(SEEKER)))
    [card] = fake.sent(SEEKER)
    assert "保洁" in card["text"]
    assert _buttons(card)["感兴趣"] == f"fb:{postings[0].id}:interested"
    assert "13812345678" not in card["text"]
