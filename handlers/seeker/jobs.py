"""Asking for jobs (找工作 / 推荐工作 / 有啥活 / /jobs), and the order a seeker's matches show in.

Ranking finds candidates; the push bars (matching/push_rules.py) then sort them into tiers,
so a job that clears every bar comes before one in another district, another trade, or another
city. `ordered_matches` is that order, shared by the jobs command and `yizhan match`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.context import Services, Turn
from handlers.payloads import JobsPage
from handlers.services.cards import job_card
from handlers.services.publishing import push_rules
from handlers.texts import t
from matching.engine import Matcher
from matching.matches import Match
from matching.push_rules import Bar, PairFeatures, Verdict, decide, failed_bar, tier
from models.messages import Choice, Reply
from models.posting import Posting
from models.seeker import SeekerProfile

PAGE = 5  # jobs per answer; 换一批 shows the next five
PREFIX = JobsPage.prefix  # button payload "jobs:<page>"
# Candidates fetched per profile before the tiers reorder them: enough that the tiers, not
# the score's top 10, decide what comes first (searches cost ~5 ms whatever k is).
FETCH = 60
SHOWN_TIERS = 1  # the jobs command shows tiers 0 and 1 (trade fits); others only explain
# A typed 换一批 continues from the last page shown within this time; later, the list has
# changed under the page number (gigs fill within 3 days), so it starts again from the first.
PAGE_MEMORY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A match with its push verdict and tier (lower is shown first)."""

    match: Match
    verdict: Verdict
    tier: int


async def ordered_matches(
    matcher: Matcher,
    services: Services,
    profiles: Sequence[SeekerProfile],
    k: int,
    now: datetime,
    exclude: Collection[int] = (),
) -> list[list[Ranked]]:
    """The k best postings per profile, tiered by the push bars, then by score."""
    found = await matcher.search_many(profiles, max(k, FETCH), now, exclude)
    postings = await services.postings.many(sorted({m.posting_id for ms in found for m in ms}))
    read = {pid: await matcher.categorised(p) for pid, p in postings.items()}
    rules = push_rules(services.policy)
    pairs = [(p, m) for p, ms in zip(profiles, found, strict=True) for m in ms]
    cosines = await matcher.cosines([p for p, _ in pairs], [read[m.posting_id] for _, m in pairs])
    verdicts = iter(
        decide(profile, read[m.posting_id], PairFeatures(m.score, cosine), rules)
        for (profile, m), cosine in zip(pairs, cosines, strict=True)
    )
    out = []
    for ms in found:
        ranked = [Ranked(m, v, tier(v)) for m, v in zip(ms, verdicts, strict=False)]
        ranked.sort(key=lambda r: (r.tier, -r.match.score))
        out.append(ranked[:k])
    return out


async def jobs_command(turn: Turn, services: Services) -> list[Reply]:
    """找工作: the first five of the seeker's best current matches."""
    return await _page(turn, services, 0)


async def jobs_button(turn: Turn, services: Services) -> list[Reply]:
    """换一批: button payload "jobs:<page>"."""
    button = JobsPage.unpack(turn.msg.payload)
    return await _page(turn, services, button.page if button else 0)


async def next_command(turn: Turn, services: Services) -> list[Reply]:
    """换一批 / 下一批 / 还有吗 / 更多 typed: the page after the last one shown to this seeker."""
    last = await services.repos.job_pages.last(turn.user.id)
    fresh = last is not None and turn.now - last[1] <= PAGE_MEMORY
    return await _page(turn, services, last[0] + 1 if last is not None and fresh else 0)


async def _page(turn: Turn, services: Services, page: int) -> list[Reply]:
    profile = await services.seekers.get(turn.user.id)
    if profile is None or not (profile.categories or profile.other_category or profile.wish):
        return [Reply(t("jobs.no_profile"))]
    if services.matcher is None:
        return [Reply(t("jobs.unavailable"))]
    want = PAGE * (page + 1)
    ranked = (await ordered_matches(services.matcher, services, [profile], want + 1, turn.now))[0]
    shown = [r for r in ranked if r.tier <= SHOWN_TIERS]
    batch = shown[PAGE * page : want]
    if not batch:
        key = "jobs.no_more" if page and shown else "jobs.none"
        return [Reply(t(key, advice=_advice(ranked)))]
    postings = await services.postings.many([r.match.posting_id for r in batch])
    await services.repos.job_pages.shown(turn.user.id, page, turn.now)
    replies = []
    if not any(r.tier == 0 for r in shown):
        replies.append(Reply(t("jobs.near_only", advice=_advice(ranked))))
    else:
        replies.append(Reply(t("jobs.header", n=len(batch))))
    replies += [_card(postings[r.match.posting_id], r) for r in batch]
    if len(shown) > want:
        more = (Choice(t("jobs.more"), JobsPage(page + 1).pack()),)
        replies.append(Reply(t("jobs.more_hint"), more))
    return replies


def _card(posting: Posting, ranked: Ranked) -> Reply:
    card = job_card(posting, ranked.match.reason)
    if ranked.tier == 0:
        return card
    return Reply(f"{card.text}\n{t('jobs.not_quite')}", card.choices)


# What to change, for the bar most of the seeker's candidates failed.
_ADVICE = {
    Bar.TRADE: "jobs.advice.trade",
    Bar.PLACE: "jobs.advice.place",
    Bar.PAY: "jobs.advice.pay",
    Bar.REQUIREMENTS: "jobs.advice.requirements",
    Bar.AREA: "jobs.advice.place",
    Bar.RISK: "jobs.advice.trade",
}


def _advice(ranked: Sequence[Ranked]) -> str:
    """One sentence on the profile field to change, from the bar most candidates failed."""
    failed = Counter(b for r in ranked if (b := failed_bar(r.verdict)) is not None)
    if not failed:
        return ""  # nothing failed: no advice, the sentence is left out
    return t(_ADVICE[failed.most_common(1)[0][0]])
