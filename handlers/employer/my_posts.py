"""An employer's own postings: 我的招聘 (list, reach), 已招满 N (close), 重新发布 N (repost)."""

from __future__ import annotations

import re

from handlers.context import Services, Turn
from handlers.routing import Command, Router
from handlers.services.intake import release
from handlers.services.publishing import close_posting
from handlers.texts import t
from matching.push_rules import is_held
from models.messages import Reply
from models.posting import Posting, PostingStatus
from models.timeutil import local

LIST_LIMIT = 10  # a chat message stays readable with ten postings
_NUMBER = re.compile(r"\d+")
LIVE = (PostingStatus.DRAFT, PostingStatus.PENDING, PostingStatus.PUBLISHED)


def posting_number(text: str) -> int | None:
    """The posting number in "已招满 12", "/close #12"."""
    m = _NUMBER.search(text)
    return int(m.group()) if m else None


async def own_posting(turn: Turn, services: Services, text: str) -> Posting | str:
    """The posting a command names, if this user may act on it; else the reply key to send.

    Without a number, the poster's only live posting is meant.
    """
    number = posting_number(text)
    if number is None:
        live = [p for p in await services.postings.by_poster(turn.user.id) if p.status in LIVE]
        if len(live) != 1:
            return "intake.mine.which"
        return live[0]
    posting = await services.postings.get(number)
    if posting is None or (posting.poster_user_id != turn.user.id and not turn.user.is_staff):
        return "intake.mine.not_found"
    return posting


async def myposts_command(turn: Turn, services: Services) -> list[Reply]:
    """我的招聘: each posting with its state, how many it reached and who is interested."""
    postings = await services.postings.by_poster(turn.user.id)
    if not postings:
        return [Reply(t("intake.mine.empty"))]
    deliveries = services.repos.deliveries
    intake = services.repos.intake
    lines = [t("intake.mine.header", n=len(postings))]
    for posting in postings[:LIST_LIMIT]:
        assert posting.id is not None
        stats = await deliveries.reach_stats(posting.id)
        line = t(
            "intake.mine.item",
            id=posting.id,
            title=posting.title,
            status=t(f"intake.status.{posting.status.value}"),
            sent=stats.sent,
            interested=stats.interested,
        )
        if posting.status == PostingStatus.PUBLISHED and posting.expires_at is not None:
            ends = local(posting.expires_at)
            line += t("intake.mine.expires", date=f"{ends.month}月{ends.day}日")
        if posting.status == PostingStatus.REJECTED:
            reason = await intake.rejection_reason(posting.id)
            if reason:
                line += "\n   " + t("intake.mine.rejected", reason=reason)
        if posting.seen_count > 1:
            line += t("intake.mine.seen", n=posting.seen_count)
        lines.append(line)
    lines.append(t("intake.mine.footer"))
    return [Reply("\n".join(lines))]


async def close_command(turn: Turn, services: Services) -> list[Reply]:
    """已招满 N: close the posting; queued pushes end and nobody else is pushed it."""
    found = await own_posting(turn, services, turn.args)
    if isinstance(found, str):
        return [Reply(t(found))]
    assert found.id is not None
    if found.status not in LIVE:
        return [Reply(t("intake.mine.not_open", id=found.id))]
    await close_posting(services, found.id, "filled")
    if found.poster_user_id != turn.user.id:
        await services.audit.record(
            str(turn.msg.key), "posting:close", allowed=True, now=turn.now, target=str(found.id)
        )
    return [Reply(t("intake.mine.closed", id=found.id, title=found.title))]


async def repost_command(turn: Turn, services: Services) -> list[Reply]:
    """重新发布 N: a closed or expired posting goes live again (seekers reached before are not
    pushed it twice); under moderation it waits for a caseworker."""
    found = await own_posting(turn, services, turn.args)
    if isinstance(found, str):
        return [Reply(t(found))]
    assert found.id is not None
    if found.status == PostingStatus.PUBLISHED:
        return [Reply(t("intake.mine.still_live", id=found.id))]
    if found.status == PostingStatus.PENDING:
        return [Reply(t("intake.mine.still_pending", id=found.id))]
    if found.status == PostingStatus.REJECTED:
        return [Reply(t("intake.mine.was_rejected", id=found.id))]
    held = services.policy.moderation and not turn.user.is_staff
    held = held or is_held(found, services.policy)
    status = PostingStatus.PENDING if held else PostingStatus.DRAFT
    async with services.db.transaction() as tx:
        await services.postings.set_status_in(tx, found.id, status, turn.now)
        await services.postings.set_expiry_in(tx, found.id, None, turn.now)
    if held:
        return [Reply(t("intake.done.held", id=found.id, title=found.title))]
    result = await release(services, found.id)
    return [Reply(t("intake.done.published", id=found.id, title=found.title, n=result.matched))]


router = Router("my posts")
router.command(
    Command("myposts", ("myposts", "我的招聘", "我的发布"), myposts_command,
            help_key="intake.help.myposts"),
    Command("close", ("close", "已招满", "招满了", "关闭招聘"), close_command,
            help_key="intake.help.close"),
    Command("repost", ("repost", "重新发布", "再次发布"), repost_command,
            help_key="intake.help.repost"),
)  # fmt: skip
