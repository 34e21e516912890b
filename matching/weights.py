"""The ranking weights and calibration constants, each with the reason for its value.

The hybrid score is a weighted mean of features in [0, 1] (the weights below sum to 1), minus
the risk and far-away penalties, so a score reads as "how good a fit, 0..1" and one threshold
(`Settings.reach_threshold`, 0.3) means the same thing for every seeker. That threshold only
gathers a posting's candidates: the push bars (matching/push_rules.py) decide, so it sits below
the scores of district-only neighbours that a seat distance drags down (on the dev push kit,
0.45 -> 0.3 kept 24 more wanted pairs and added 3 unwanted; below 0.25 precision falls).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each feature counts; `adjusted` applies a seeker's learned penalties."""

    # What the job is: the seeker's chosen categories (form codes) against the posting's.
    # The largest single weight: the form's 岗位意愿 is the one thing every seeker states.
    category: float = 0.24
    # Meaning of the wish/profile text against the posting text (e5 cosine, calibrated below).
    # Catches what codes miss ("时间自由", "不用久站"); on the eval set, semantic + category
    # beat BM25 on free-text wishes, but semantic alone confuses neighbouring trades.
    semantic: float = 0.22
    # Shared words (BM25 over character bigrams): exact titles and brands (美团, 月嫂)
    # that no embedding model knows.
    lexical: float = 0.12
    # Where: the plan's "15-minute circle"; the second thing seekers say after the trade.
    distance: float = 0.16
    # Pay against the floor; neutral (0.5) when unknown or 面议, so 面议 is never punished.
    pay: float = 0.12
    # 稳定就业 vs 灵活就业 against full-time vs gig postings, and a wished-for 日结 (soft).
    work_form: float = 0.04
    # Newer postings are likelier still open; gigs fill within days.
    freshness: float = 0.05
    # verified > employer > relayed > imported (DESIGN.md); enough to order equal matches.
    trust: float = 0.05

    # Penalties subtracted after the weighted mean (not part of the sum of 1).
    # risk_score in [0, 1] from intake; a 0.5 risk (the hold threshold) costs 0.15, so a risky
    # posting ranks below its peers; whether it is pushed at all is the hold (push_rules.is_held).
    risk: float = 0.3
    # Beyond 1.5x the distance the seeker said they would travel: effectively out of reach
    # without being a hard gate (the design keeps hard gates to what the seeker made hard).
    too_far: float = 0.3

    def adjusted(self, penalties: Mapping[str, float]) -> Weights:
        """Weights shifted by learned penalties ({"distance": 0.2} after 太远), renormalised."""
        if not penalties:
            return self
        known = {f.name for f in fields(self)} - {"risk", "too_far"}
        changes = {
            name: getattr(self, name) + max(0.0, min(float(shift), MAX_PENALTY_SHIFT))
            for name, shift in penalties.items()
            if name in known
        }
        if not changes:
            return self
        shifted = replace(self, **changes)
        total = sum(getattr(shifted, name) for name in known)
        return replace(shifted, **{name: getattr(shifted, name) / total for name in known})


DEFAULT_WEIGHTS = Weights()

# One feedback reason may at most double a mid-sized weight (0.16 + 0.5 -> about 0.45 after
# renormalising); more would let one 太远 tap drown out the trade itself.
MAX_PENALTY_SHIFT = 0.5

# Semantic calibration for multilingual-e5-small: cosine between a "query:" profile/wish and a
# "passage:" posting, on the eval set (scripts/eval_ranking.py prints these percentiles):
# unrelated pairs 0.841 / 0.862 / 0.882 (10th/50th/90th), same-trade 0.875 / 0.895 / 0.913.
# The unrelated 10th percentile maps to 0 and the related 90th to 1. Another model needs its
# own two numbers (run the eval script with --model).
SEM_FLOOR = 0.84
SEM_CEIL = 0.91

# Neutral value of a feature that cannot be judged (unknown pay, no district, no categories).
NEUTRAL = 0.5
# The seeker chose categories but the posting has none we could read: a little below neutral,
# since nothing confirms the trade; the semantic and lexical parts still judge the text.
UNKNOWN_CATEGORY = 0.3
# Lexical share (0..1, the query's IDF weight a posting covers) that counts as a full match:
# half the distinct query words is already a strong overlap for a free-text wish.
LEX_FULL = 0.5

# Distance: walking/15-minute circle, and what "near" means when the seeker gave no max_km.
NEAR_KM = 3.0  # the plan's countryside circle: within 3 km counts as at the doorstep
DEFAULT_MAX_KM = 25.0  # a one-hour bus ride across Tianjin's core; beyond it a job is "far"
CORE_KM = 5.0  # the six central districts are one compact core: at most 5 km apart in effect
NEAR_MISS_DISTANCE = 1.5  # up to 1.5x max_km is a near miss; beyond it the too_far penalty
NEIGHBOUR_SCORE = 0.6  # an adjacent district the seeker did not pick: close, but flagged

# Pay: ratio of the posting's best monthly figure to the seeker's floor.
PAY_NEAR_MISS = 0.85  # 85-100% of the floor is "略低于您的期望", shown not dropped
PAY_ZERO_AT = 0.6  # at 60% of the floor the pay feature reaches 0

# Freshness: a posting's pull halves every 7 days (gigs expire after 3, jobs after 30 days).
FRESH_HALF_LIFE_DAYS = 7.0

# Trust levels (models.posting.Trust values). A verified posting gains 0.05 * 0.65 = 0.03 over
# an imported one: it orders near-equal matches without lifting a poor match.
TRUST_SCORES: Mapping[str, float] = {
    "verified": 1.0,
    "employer": 0.7,
    "relayed": 0.45,
    "imported": 0.35,
}
