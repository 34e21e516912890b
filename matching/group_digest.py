"""Which postings a customer group's daily digest lists, and whether today may have one (#21).

A group is tagged with a district and trades (群标签 "西青区 · 保洁/普工"). Its digest reuses the
push decision (`push_rules.decide`) for a profile made of those tags, so a held or risky
posting (a scam scores high risk) never goes in, and adds that the posting is in the group's
own district: the members live there. Best first means verified first, then newest, like the
ready-to-paste group post. Pure: the caller loads the postings and what the group already got.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from matching.districts import canonical
from matching.push_rules import PairFeatures, PushRules, decide, is_held
from matching.taxonomy import CATEGORIES, codes_in, label
from models.posting import Posting, PostingStatus, Trust
from models.seeker import SeekerProfile

_SEPARATORS = re.compile(r"[\s·•・,，、;；|]+")


@dataclass(frozen=True, slots=True)
class GroupTags:
    """A group's 群标签: one district and the trades (form codes; empty = any trade)."""

    district: str
    trades: tuple[str, ...] = ()


class TagError(ValueError):
    """A 群标签 that names no district of the list, or a word that is no trade."""


def parse_tags(text: str) -> GroupTags:
    """Read "西青区 · 保洁/普工" (or "西青 A J"): the district must be one of the 16, every other
    word a form category; anything else is refused rather than guessed."""
    words = [w for w in _SEPARATORS.split(text.strip()) if w]
    district: str | None = None
    trades: list[str] = []
    for word in words:
        place = canonical(word)
        if place is not None:
            if district is not None and district != place:
                raise TagError(f"two districts: {district}, {place}")
            district = place
            continue
        for part in word.split("/"):
            if not part:
                continue
            codes = _trade_codes(part)
            if not codes:
                raise TagError(f"not a trade of the list: {part}")
            trades.extend(c for c in codes if c not in trades)
    if district is None:
        raise TagError("no district")
    return GroupTags(district, tuple(trades))


def _trade_codes(word: str) -> list[str]:
    """A form code by letter ("A") or by a name the taxonomy knows ("保洁", "普工")."""
    if len(word) == 1 and word.upper() in CATEGORIES:
        return [word.upper()]
    return codes_in(word)


def group_profile(tags: GroupTags) -> SeekerProfile:
    """The group as one seeker for the push bars: its district, its trades (or all of them)."""
    trades = tags.trades or tuple(CATEGORIES)
    return SeekerProfile(user_id=0, categories=trades, districts=(tags.district,))


def digest_postings(
    tags: GroupTags,
    candidates: Iterable[Posting],
    already_sent: set[int],
    rules: PushRules,
    now: datetime,
    limit: int,
) -> list[Posting]:
    """The best live postings for the group that it has not had yet, at most `limit`."""
    profile = group_profile(tags)
    chosen: list[Posting] = []
    for posting in candidates:
        if posting.id is None or posting.id in already_sent or not _live(posting, now):
            continue
        if is_held(posting, rules) or canonical(posting.district or "") != tags.district:
            continue
        if decide(profile, posting, PairFeatures(score=0.0), rules).push:
            chosen.append(posting)
    chosen.sort(key=_best_first)
    return chosen[:limit]


def _live(posting: Posting, now: datetime) -> bool:
    if posting.status is not PostingStatus.PUBLISHED or posting.dup_of is not None:
        return False
    return posting.expires_at is None or posting.expires_at > now


def _best_first(posting: Posting) -> tuple[int, float, int]:
    verified = posting.trust is Trust.VERIFIED or posting.verified_at is not None
    when = posting.published_at or posting.created_at
    return (0 if verified else 1, -(when.timestamp() if when else 0.0), -(posting.id or 0))


def monthly_cap(setting: int | None, day: date) -> int:
    """The receive cap of the month: the setting, else as many as the month has days (WeCom's
    current rule; older documentation said four a month)."""
    return setting if setting is not None else calendar.monthrange(day.year, day.month)[1]


def may_send_today(cap: int, day: date, used_this_month: int, sent_today: bool) -> bool:
    """At most one digest a day, and the month's cap spread over its days: by day d of an
    n-day month at most ceil(cap * d / n) digests, so four a month are not spent by the 4th."""
    if sent_today or cap <= 0:
        return False
    days = calendar.monthrange(day.year, day.month)[1]
    budget = min(cap, math.ceil(cap * day.day / days))
    return used_this_month < budget


def trade_names(trades: Sequence[str], lang: str = "zh") -> str:
    """The trades by name ("家政/保洁、普工/技工"), for lists and the digest header."""
    return "、".join(label(c, lang) for c in trades)
