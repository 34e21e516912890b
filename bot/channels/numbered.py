"""A bare number answers the options last sent, on the text-only channels (WeChat, 微信客服)."""

from __future__ import annotations

from bot.channels.wechat.render import numbers_in, pick
from models.messages import Incoming
from models.repos.wechat import WeChatRepo


async def with_choices(
    repo: WeChatRepo, incoming: Incoming, user_id: int | None
) -> list[Incoming]:
    """The incoming as the options its numbers pick (several for a multiple choice), else as is."""
    numbers = numbers_in(incoming.text) if incoming.text and user_id is not None else None
    if numbers is None or user_id is None:
        return [incoming]
    stored = await repo.choices(user_id)
    picked = pick(stored.choices, stored.multi, numbers) if stored else None
    if not picked:
        return [incoming]
    base = incoming.message_id
    return [
        Incoming(
            key=incoming.key,
            payload=choice.payload,
            message_id=base if i == 0 or base is None else f"{base}#{i}",
        )
        for i, choice in enumerate(picked)
    ]
