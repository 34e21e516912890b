"""Where every posting enters storage: dedup, risk, hold-or-publish, and the index.

Chat posts (employer, caseworker relay), moderation approvals and imports all come through
`store`/`store_many_in`/`update`/`release`, so a duplicate collapses the same way wherever it was
seen and a risky post is held for a caseworker whatever its source.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from handlers.context import Services
from handlers.publishing import PublishResult, expiry_for, publish
from matching.dedup import Duplicate, Fingerprint, find_duplicate, fingerprint, grams
from matching.push_rules import is_held
from matching.risk import RiskAssessment, assess
from models.db import Tx
from models.posting import Posting, PostingStatus
from models.repos.intake import PER_ITEM, PER_KEY

DEDUP_WINDOW = timedelta(days=30)  # a repost within a month is the same job
PHONE_WINDOW = timedelta(days=30)  # "one phone, many unrelated jobs" looks at a month
REPOST_WINDOW = timedelta(hours=24)  # mass reposting counts sightings in a day


@dataclass(frozen=True, slots=True)
class Stored:
    """What happened to one posting: its row, whether it is new, held, or a duplicate."""

    posting_id: int
    created: bool  # False: collapsed into an existing posting
    status: PostingStatus
    risk: RiskAssessment
    duplicate: Duplicate | None = None
    reach: int = 0  # seekers the posting was matched to when published

    @property
    def held(self) -> bool:
        """Waiting for a caseworker (moderation or risk)."""
        return self.status == PostingStatus.PENDING


@dataclass(frozen=True, slots=True)
class NewPosting:
    """A posting to store and where it was seen (the `posting_sources` reference)."""

    posting: Posting
    source: str
    moderate: bool = False


async def store(
    services: Services,
    posting: Posting,
    *,
    source: str,
    now: datetime,
    moderate: bool = False,
    push: bool = True,
    exclude: Collection[int] = (),
) -> Stored:
    """Store a new posting, or record a sighting of the posting it duplicates.

    Held (PENDING) when `moderate` or risky; otherwise published — through `publish` (which
    pushes to matching seekers) when `push`, else directly (a bulk feed is searched, not pushed).
    """
    async with services.db.transaction() as tx:
        stored = await store_many_in(
            services, tx, [NewPosting(posting, source, moderate)], now=now, push=push,
            exclude=exclude,
        )  # fmt: skip
    return (await finish(services, stored))[0]


async def store_many_in(
    services: Services,
    tx: Tx,
    items: Sequence[NewPosting],
    *,
    now: datetime,
    push: bool = True,
    exclude: Collection[int] = (),
) -> list[Stored]:
    """`store` for several postings inside the caller's transaction; call `finish` after commit.

    Lookups are made once for the whole batch; postings stored earlier in the batch are
    candidates for later ones, so a file that repeats a post collapses it too.
    """
    repo = services.repos.intake
    fps = [fingerprint(item.posting) for item in items]
    known = await repo.candidates_in(
        tx, [(fp.text_hash, fp.keys) for fp in fps], now - DEDUP_WINDOW
    )
    phones = [p for item in items for p in item.posting.phones]
    history = await repo.phone_history_in(tx, phones, now - PHONE_WINDOW)
    cache: dict[int, frozenset[str]] = {}

    def grams_of(p: Posting) -> frozenset[str]:
        assert p.id is not None
        if p.id not in cache:
            cache[p.id] = grams(p.text)
        return cache[p.id]

    out: list[Stored] = []
    new_keys: list[tuple[int, int]] = []
    new_phones: list[tuple[str, int]] = []
    for item, fp in zip(items, fps, strict=True):
        ids = sorted(known.near(fp.text_hash, fp.keys) - set(exclude))[-PER_ITEM:]
        dup = find_duplicate(item.posting, fp, [known.postings[i] for i in ids], grams_of)
        if dup is not None:
            original = await services.postings.get_in(tx, dup.posting_id)
            assert original is not None
            out.append(await _sighting(services, tx, original, dup, item, now))
            continue
        seen = {
            pid: cats
            for phone in item.posting.phones
            for pid, cats in history.get(phone, {}).items()
        }
        stored, row = await _insert(services, tx, item, fp, list(seen.values()), push, now)
        out.append(stored)
        known.add(row, fp.keys)
        cache[stored.posting_id] = fp.grams
        new_keys.extend((k, stored.posting_id) for k in fp.keys)
        for phone in item.posting.phones:
            new_phones.append((phone, stored.posting_id))
            history.setdefault(phone, {})[stored.posting_id] = row.categories
    crowded = [k for k, ids in known.by_key.items() if len(ids) > PER_KEY]
    await repo.add_keys_in(tx, new_keys, new_phones, crowded)
    return out


async def _insert(
    services: Services,
    tx: Tx,
    item: NewPosting,
    fp: Fingerprint,
    phone_history: list[tuple[str, ...]],
    push: bool,
    now: datetime,
) -> tuple[Stored, Posting]:
    posting = item.posting
    risk = assess(
        posting, min_wage_monthly=services.policy.min_wage_monthly, phone_history=phone_history
    )
    held = item.moderate or is_held(risk.score, services.policy)
    status = PostingStatus.PENDING if held else PostingStatus.DRAFT
    if not held and not push:
        status = PostingStatus.PUBLISHED
    live = status == PostingStatus.PUBLISHED
    row = posting.with_(
        text_hash=fp.text_hash,
        risk_score=risk.score,
        risk_reasons=risk.reasons,
        status=status,
        source=posting.source or item.source,
        created_at=now,
        published_at=now if live else None,
        expires_at=expiry_for(posting, now, services.policy) if live else None,
    )
    posting_id = await services.postings.add_in(tx, row, now)
    await services.postings.add_source_in(tx, posting_id, item.source, now, posting.original_text)
    return Stored(posting_id, True, status, risk), row.with_(id=posting_id)


async def finish(services: Services, stored: list[Stored]) -> list[Stored]:
    """After commit: publish what waits to be published (pushes) and tell the index the rest."""
    out: list[Stored] = []
    for item in stored:
        if item.status == PostingStatus.DRAFT:
            published = await release(services, item.posting_id)
            status = PostingStatus.PUBLISHED if published.published else PostingStatus.DRAFT
            item = replace(item, status=status, reach=published.matched)
        elif services.matcher is not None:
            await services.matcher.posting_changed(item.posting_id)
        out.append(item)
    return out


async def update(services: Services, current: Posting, new: Posting, now: datetime) -> Stored:
    """Replace an existing posting's content (a re-import, an edit); keeps id, state and history.

    Risk is assessed again; a published posting that became risky goes back to the queue.
    """
    async with services.db.transaction() as tx:
        stored = await update_in(services, tx, current, new, now)
    return (await finish(services, [stored]))[0]


async def update_in(
    services: Services, tx: Tx, current: Posting, new: Posting, now: datetime
) -> Stored:
    """`update` inside the caller's transaction."""
    if current.id is None:
        raise ValueError("update needs a stored posting")
    repo = services.repos.intake
    fp = fingerprint(new)
    history = await repo.phone_history_in(tx, new.phones, now - PHONE_WINDOW)
    others = {pid: cats for by_id in history.values() for pid, cats in by_id.items()}
    others.pop(current.id, None)
    risk = assess(
        new, min_wage_monthly=services.policy.min_wage_monthly, phone_history=list(others.values())
    )
    status = current.status
    if status == PostingStatus.PUBLISHED and is_held(risk.score, services.policy):
        status = PostingStatus.PENDING
    row = new.with_(
        id=current.id,
        text_hash=fp.text_hash,
        risk_score=risk.score,
        risk_reasons=risk.reasons,
        status=status,
        trust=current.trust if current.verified_at else new.trust,
        poster_user_id=current.poster_user_id or new.poster_user_id,
        seen_count=current.seen_count,
        created_at=current.created_at,
        published_at=current.published_at,
        expires_at=current.expires_at,
        verified_at=current.verified_at,
        dup_of=current.dup_of,
    )
    await services.postings.update_in(tx, row, now)
    await repo.replace_keys_in(tx, current.id, fp.keys, new.phones)
    return Stored(current.id, False, status, risk)


async def release(services: Services, posting_id: int) -> PublishResult:
    """Publish a stored posting (employer confirm, moderation approval, repost): `publish` sets
    its expiry and pushes it to matching seekers."""
    return await publish(services, posting_id)


async def _sighting(
    services: Services, tx: Tx, original: Posting, dup: Duplicate, item: NewPosting, now: datetime
) -> Stored:
    """The same job seen again: one more source, a count, and risk for mass reposting."""
    repo = services.repos.intake
    assert original.id is not None
    await services.postings.add_source_in(
        tx, original.id, item.source, now, item.posting.original_text
    )
    await repo.seen_again_in(tx, original.id, now)
    sightings = await repo.sightings_since_in(tx, original.id, now - REPOST_WINDOW)
    history = await repo.phone_history_in(tx, original.phones, now - PHONE_WINDOW)
    others = {pid: cats for by_id in history.values() for pid, cats in by_id.items()}
    others.pop(original.id, None)
    risk = assess(
        original,
        min_wage_monthly=services.policy.min_wage_monthly,
        phone_history=list(others.values()),
        sightings_today=sightings,
    )
    await repo.set_risk_in(tx, original.id, risk.score, risk.reasons, now)
    status = original.status
    if status == PostingStatus.PUBLISHED and is_held(risk.score, services.policy):
        status = PostingStatus.PENDING
        await services.postings.set_status_in(tx, original.id, status, now)
    return Stored(original.id, False, status, risk, dup)
