"""Whether pushes may still reach a user: the one place that unsubscribes them.

A sender only reports `RecipientGone` (Telegram 403 blocked, WeChat 43004 unfollowed); the WeChat
unfollow event says the same. Whoever learns it calls `recipient_gone`, so every path has the same
consequences: no more pushes, and the matcher stops counting the seeker in a posting's reach.
The dispatcher also suppresses what is still queued for them, in the transaction of the outcome.
"""

from __future__ import annotations

from handlers.context import Services


async def recipient_gone(services: Services, user_id: int) -> None:
    """The user blocked the bot or unfollowed: stop pushing to them until they write again."""
    await services.users.set_subscribed(user_id, False)
    if services.matcher is not None:  # out of the reach index too
        await services.matcher.seeker_changed(user_id)
