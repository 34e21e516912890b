"""The texts that get embedded: a seeker profile as a query, a posting as a passage.

Only what the job is goes into the texts; district, pay and work form are scored as numbers
(rank.py), where they are exact. A stamp (hash of the text) tells the index whether a stored
vector still encodes the current text.
"""

from __future__ import annotations

import hashlib
import re

from matching.taxonomy import CATEGORIES, classify
from matching.wish import parse_wish
from models.posting import Posting
from models.seeker import SeekerProfile

# e5-small reads at most 512 tokens, and encoding time grows with length. Titles plus the first
# 200 characters of the description carry the job; the rest is mostly 福利 and 公司介绍. On the
# eval set 200 characters scored nDCG@10 0.978 (codes) / 0.944 (wishes) against 0.974 / 0.940
# with 400, and encoded 1.9x faster (78 against 40 real postings a second here).
PASSAGE_DESCRIPTION_CHARS = 200
_SPACES = re.compile(r"\s+")
# See wish_categories; on the eval set this lifted free-text wishes' nDCG@10 for I from 0.73.
WEAK_CATEGORY_SHARE = 0.6


def seeker_text(profile: SeekerProfile) -> str:
    """The profile as an e5 query: wanted categories (names and descriptions), wish, skills."""
    parts: list[str] = []
    for code in profile.categories:
        category = CATEGORIES.get(code)
        if category is not None:
            parts.append(f"{category.name_zh}：{category.description}")
    for value in (profile.other_category, profile.wish, profile.skills, profile.experience):
        if value and value.strip():
            parts.append(value.strip())
    return _SPACES.sub(" ", "；".join(parts)).strip()


def seeker_keywords(profile: SeekerProfile) -> str:
    """Words a wish is matched on literally: the seeker's own, plus their categories' titles."""
    words: list[str] = []
    for code in profile.categories:
        category = CATEGORIES.get(code)
        if category is not None:
            words.extend(category.name_zh.split("/"))
            words.extend(category.titles)
    for value in (profile.other_category, profile.wish, profile.skills):
        if value:
            words.append(value)
    return " ".join(words)


def apply_wish(profile: SeekerProfile, wish: str) -> SeekerProfile:
    """The profile with a free-text wish kept and its fields filling what the profile leaves
    open (fields the profile states win; a hard gate in the wish is kept)."""
    fields = parse_wish(wish)
    return profile.with_(
        wish=wish,
        categories=profile.categories or wish_categories(wish, fields.categories),
        other_category=profile.other_category or fields.other_category,
        pay=profile.pay if profile.pay.known or fields.pay is None else fields.pay,
        pay_hard=profile.pay_hard or (fields.pay_hard and not profile.pay.known),
        daily_settlement_only=profile.daily_settlement_only or fields.daily_settlement_only,
        districts=profile.districts or fields.districts,
        max_km=profile.max_km if profile.max_km is not None else fields.max_km,
        work_form=profile.work_form or fields.work_form,
    )


def wish_categories(wish: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The wish's categories without the weak side readings: "想去饭店当服务员，包吃住" reads as
    I (0.52) and, from 包吃住, J (0.29); a code under 60% of the best one's confidence is dropped.
    Codes the text names outright (a letter, a category name) are kept."""
    confidence = dict(classify(wish))
    best = max((confidence.get(c, 0.0) for c in codes), default=0.0)
    return tuple(
        c for c in codes if c not in confidence or confidence[c] >= WEAK_CATEGORY_SHARE * best
    )


def posting_text(posting: Posting) -> str:
    """The posting as an e5 passage: title, then the head of the description."""
    description = _SPACES.sub(" ", posting.description or "").strip()
    return f"{posting.title.strip()}。{description[:PASSAGE_DESCRIPTION_CHARS]}".strip("。 ")


def stamp(text: str, model_id: str) -> int:
    """A signed 64-bit hash of (model, text): equal stamps mean the vector can be reused."""
    digest = hashlib.blake2b(f"{model_id}\n{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
