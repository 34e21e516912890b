"""Publishing a posting: reverse-match it, then enqueue its pushes with the status change.

Matching runs first, outside the transaction (the model takes tens of milliseconds and a write
transaction blocks every other writer); then one transaction sets the posting published with its
expiry and inserts one delivery per matched seeker (INSERT … ON CONFLICT DO NOTHING). A crash
therefore leaves either nothing or both, and publishing again only adds seekers not yet reached.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.context import Policy, Services
from matching.matches import SeekerMatch
from matching.push_rules import PairFeatures, PushRules, Verdict, decide
from models.delivery import DeliveryState
from models.posting import Posting, PostingStatus
from models.values import PayUnit

log = logging.getLogger(__name__)

# What counts as a gig (零工) for expiry: daily or hourly pay, settled daily or on completion,
# or a work form naming it. Gigs fill within days (Policy.gig_expiry_days, 3); others 30.
GIG_WORK_FORMS = frozenset({"零工", "临时工", "日结", "灵活就业"})
GIG_PERIODS = frozenset({"日结", "完工结"})
GIG_UNITS = frozenset({PayUnit.DAY, PayUnit.HOUR})
PUBLISHABLE = frozenset({PostingStatus.DRAFT, PostingStatus.PENDING, PostingStatus.PUBLISHED})


@dataclass(frozen=True, slots=True)
class Pushed:
    """A seeker a posting is pushed to, with the reason they read and the bars it cleared."""

    user_id: int
    score: float
    reason: str
    bars: str


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What publishing did: whether the posting is live and how many pushes were queued."""

    posting_id: int
    published: bool
    matched: int = 0  # seekers the matcher returned (the poster excluded)
    queued: int = 0  # new pushes
    suppressed: int = 0  # seekers a near-duplicate already reached
    expires_at: datetime | None = None
    refused: str | None = None  # why it was not published: missing / status_rejected / …

    @property
    def already_reached(self) -> int:
        """Matched seekers who already had a push of this posting (publishing again)."""
        return self.matched - self.queued - self.suppressed


def is_gig(posting: Posting) -> bool:
    """Whether a posting expires as a gig (3 days) rather than a job (30 days)."""
    pay = posting.pay
    return (
        (posting.work_form or "") in GIG_WORK_FORMS
        or (pay.period or "") in GIG_PERIODS
        or pay.unit in GIG_UNITS
    )


def expiry_for(posting: Posting, now: datetime, policy: Policy) -> datetime:
    """When a posting published now stops being pushed; an earlier expiry already set stays."""
    days = policy.gig_expiry_days if is_gig(posting) else policy.job_expiry_days
    expires = now + timedelta(days=days)
    if posting.expires_at is not None and now < posting.expires_at < expires:
        return posting.expires_at
    return expires


async def publish(services: Services, posting_id: int) -> PublishResult:
    """Make a posting live and queue a push to the seekers it fits best (once each, at most
    its reach cap)."""
    now = services.clock()
    posting = await services.postings.get(posting_id)
    if posting is None:
        return PublishResult(posting_id, published=False, refused="missing")
    if posting.status not in PUBLISHABLE:
        return PublishResult(posting_id, published=False, refused=f"status_{posting.status}")
    expires_at = expiry_for(posting, now, services.policy)
    live = posting.with_(
        status=PostingStatus.PUBLISHED,
        expires_at=expires_at,
        published_at=posting.published_at or now,
    )
    pushed = await _reach(services, live, now)
    matches = [(p.user_id, p.score, p.reason) for p in pushed]
    repo = services.repos.deliveries
    async with services.db.transaction() as tx:
        current = await services.postings.get_in(tx, posting_id)
        if current is None or current.status not in PUBLISHABLE:
            # Closed, rejected or deleted while we matched: publishing would resurrect it.
            status = current.status if current else "missing"
            return PublishResult(posting_id, published=False, refused=f"status_{status}")
        await services.postings.set_status_in(tx, posting_id, PostingStatus.PUBLISHED, now)
        await services.postings.set_expiry_in(tx, posting_id, expires_at, now)
        bars = {p.user_id: p.bars for p in pushed}
        queued, suppressed = await repo.enqueue_in(tx, posting_id, matches, now, bars)
    if services.matcher is not None:
        await services.matcher.posting_changed(posting_id)
    log.info("published posting %s: %s matched, %s queued", posting_id, len(matches), queued)
    return PublishResult(posting_id, True, len(matches), queued, suppressed, expires_at=expires_at)


async def close_posting(services: Services, posting_id: int, reason: str) -> int:
    """Close a posting (已招满, withdrawn); its queued pushes expire with the reason.

    Returns how many queued pushes ended. Pushes already being sent finish; the dispatcher
    also re-checks the posting before every send.
    """
    now = services.clock()
    repo = services.repos.deliveries
    async with services.db.transaction() as tx:
        current = await services.postings.get_in(tx, posting_id)
        if current is None:
            return 0
        await services.postings.set_status_in(tx, posting_id, PostingStatus.CLOSED, now)
        ended = await repo.end_for_posting_in(
            tx, posting_id, DeliveryState.EXPIRED, f"posting_closed:{reason}", now
        )
    if services.matcher is not None:
        await services.matcher.posting_changed(posting_id)
    return ended


async def expire_due(services: Services, now: datetime | None = None) -> int:
    """Expire every published posting past its expiry, with its queued pushes; returns how many."""
    now = now or services.clock()
    repo = services.repos.deliveries
    expired = 0
    while ids := await services.postings.past_expiry(now):
        async with services.db.transaction() as tx:
            for posting_id in ids:
                await services.postings.set_status_in(tx, posting_id, PostingStatus.EXPIRED, now)
                await repo.end_for_posting_in(
                    tx, posting_id, DeliveryState.EXPIRED, "posting_expired", now
                )
        if services.matcher is not None:
            for posting_id in ids:
                await services.matcher.posting_changed(posting_id)
        expired += len(ids)
    return expired


def push_rules(policy: Policy) -> PushRules:
    """The push decision's settings, from the handler policy."""
    return PushRules(
        service_area=policy.service_area, risk_hold_threshold=policy.risk_hold_threshold
    )


async def push_decisions(
    services: Services, posting: Posting, now: datetime, *, pushes: int | None = None
) -> list[tuple[SeekerMatch, Verdict]]:
    """Every seeker the ranking puts at or above the reach threshold (the poster excepted),
    each with the push decision: ranking finds candidates, the bars decide.

    Decided in the matcher's order, best first. With `pushes`, the matcher is asked for
    4 × that many at a time (the bars pass about one match in three, replay_push), and
    deciding stops once that many cleared the bars: the seekers after them are never ranked
    in full, loaded nor decided."""
    matcher = services.matcher
    if matcher is None:
        log.warning("no matcher: posting %s is published without pushes", posting.id)
        return []
    read = await matcher.categorised(posting)
    rules = push_rules(services.policy)
    limit = None if pushes is None else max(4 * pushes, 64)
    decided: list[tuple[SeekerMatch, Verdict]] = []
    seen = {posting.poster_user_id}
    cleared = 0
    while True:
        found = await matcher.reach(posting, now, services.policy.reach_threshold, limit)
        chunk = [m for m in found if m.user_id not in seen]
        seen.update(m.user_id for m in chunk)
        profiles = await services.seekers.many([m.user_id for m in chunk])
        chunk = [m for m in chunk if m.user_id in profiles]
        cosines = await matcher.cosines([profiles[m.user_id] for m in chunk], [read] * len(chunk))
        for m, cosine in zip(chunk, cosines, strict=True):
            verdict = decide(profiles[m.user_id], read, PairFeatures(m.score, cosine), rules)
            decided.append((m, verdict))
            cleared += verdict.push
            if pushes is not None and cleared >= pushes:
                return decided
        if limit is None or len(found) < limit:
            return decided
        limit *= 4


async def _reach(services: Services, posting: Posting, now: datetime) -> list[Pushed]:
    """(seeker, score, reason, bars cleared) for the seekers the posting is pushed to: those
    clearing the bars, best first, at most the reach cap (`Policy.push_reach_cap`)."""
    cap = services.policy.push_reach_cap.limit(posting.headcount)
    decided = await push_decisions(services, posting, now, pushes=cap)
    pushed = [Pushed(m.user_id, m.score, m.reason, v.reason) for m, v in decided if v.push]
    if decided and not pushed:
        failed = Counter((v.failed or "").split(":")[0] for _, v in decided)
        log.info("posting %s cleared no seeker's bars: %s", posting.id, dict(failed))
    if len(pushed) == cap:
        log.info("posting %s pushed to its cap of %s best-fitting seekers", posting.id, cap)
    return pushed
