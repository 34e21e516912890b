"""The hybrid score: pure, synchronous numpy over candidate arrays, given `now`.

`score(seekers, postings, semantic, lexical, now)` takes a one-row side and a many-row side
(either way round) and returns per-pair scores in [0, 1] with their flags: excluded (a hard
gate the seeker set, or an expired posting), near miss, and the facts a reason quotes. The
forward search and reverse matching both call it, so a pair scores the same in both directions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.columns import (
    FORM_UNKNOWN,
    WEIGHT_ROWS,
    PostingBatch,
    SeekerBatch,
    wanted_codes,
)
from matching.weights import (
    DEFAULT_MAX_KM,
    DEFAULT_WEIGHTS,
    FRESH_HALF_LIFE_DAYS,
    LEX_FULL,
    NEAR_KM,
    NEAR_MISS_DISTANCE,
    NEIGHBOUR_SCORE,
    NEUTRAL,
    PAY_NEAR_MISS,
    PAY_ZERO_AT,
    SEM_CEIL,
    SEM_FLOOR,
    UNKNOWN_CATEGORY,
    Weights,
)

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
Bools = NDArray[np.bool_]
EARTH_RADIUS_KM = 6371.0088
DAY_SECONDS = 86_400.0


@dataclass(frozen=True, slots=True)
class Scored:
    """Per pair: the score and what explains it (arrays of one length)."""

    score: F32
    excluded: Bools  # a hard gate the seeker set (pay_hard, 只要日结) or an expired posting
    near_miss: Bools
    pay_below: Bools  # near miss on pay: 85-100% of the floor
    neighbour: Bools  # near miss on place: an adjacent district the seeker did not pick
    beyond: Bools  # near miss on distance: up to 1.5x the seeker's max_km
    km: F64  # NaN when unknown
    km_measured: Bools  # from the seeker's shared location (else district seats)
    chosen: Bools  # posting in a district the seeker picked
    category: NDArray[np.int64]  # column of the best-fitting category (-1: none)


def calibrated_semantic(cosine: F32) -> F32:
    """Cosine of e5 query/passage vectors mapped onto 0..1 (see weights.SEM_FLOOR)."""
    mapped: F32 = np.clip((cosine - SEM_FLOOR) / (SEM_CEIL - SEM_FLOOR), 0.0, 1.0)
    return mapped.astype(np.float32)


def haversine(lat1: F64, lon1: F64, lat2: F64, lon2: F64) -> F64:
    """Great-circle km, vectorised; NaN wherever a point is unknown."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: F64 = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return result


def score(
    seekers: SeekerBatch,
    postings: PostingBatch,
    semantic: F32,
    lexical: F32,
    now: float,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Scored:
    """Score seeker/posting pairs; one side has one row, `semantic`/`lexical` one per pair."""
    m, n = len(seekers.floor), len(postings.risk)
    seeker_row = np.arange(m)

    # What: chosen categories against the posting's category affinities.
    fit, best = _category_fit(seekers, postings)
    category = np.where(
        seekers.has_category,
        np.where(postings.has_category, fit, UNKNOWN_CATEGORY),
        NEUTRAL,
    )

    # Where: the shared location when there is one, else the picked districts' seats.
    measured = haversine(seekers.lat, seekers.lon, postings.lat, postings.lon)
    km_measured = np.isfinite(measured)
    by_district = seekers.district_km[seeker_row, postings.district].astype(np.float64)
    km = np.where(km_measured, measured, by_district)
    stated = np.isfinite(seekers.max_km)
    limit = np.where(stated, seekers.max_km, DEFAULT_MAX_KM)
    with np.errstate(invalid="ignore"):
        distance = np.clip((limit - km) / np.maximum(limit - NEAR_KM, 1.0), 0.0, 1.0)
        chosen = seekers.chosen[seeker_row, postings.district] & ~km_measured
        neighbour = seekers.neighbour[seeker_row, postings.district] & ~km_measured
        distance = np.where(neighbour, np.maximum(distance, NEIGHBOUR_SCORE), distance)
        distance = np.where(np.isfinite(km), distance, NEUTRAL)
        beyond = stated & (km > seekers.max_km) & (km <= NEAR_MISS_DISTANCE * seekers.max_km)
        # Seats of neighbouring districts can be 38 km apart (西青 杨柳青 to 津南 咸水沽)
        # while their borders touch: a neighbour is never "too far".
        too_far = (km > NEAR_MISS_DISTANCE * limit) & ~neighbour

        # Pay: the posting's best monthly figure against the seeker's floor.
        offer = np.where(np.isfinite(postings.pay_high), postings.pay_high, postings.pay_low)
        ratio = offer / seekers.floor
        pay = np.where(
            np.isfinite(ratio),
            np.clip((ratio - PAY_ZERO_AT) / (1.0 - PAY_ZERO_AT), 0.0, 1.0),
            NEUTRAL,
        )
        pay_below = (ratio < 1.0) & (ratio >= PAY_NEAR_MISS)
        pay_gate = seekers.pay_hard & (ratio < 1.0)

    # How the work is organised: 稳定/灵活 against full-time/gig, and a wished-for 日结.
    form = np.where(
        (seekers.form == FORM_UNKNOWN) | (postings.form == FORM_UNKNOWN),
        NEUTRAL,
        (seekers.form == postings.form).astype(np.float32),
    )
    form = np.where(seekers.prefers_daily, (form + postings.daily) / 2, form)
    age_days = np.maximum(now - postings.posted, 0.0) / DAY_SECONDS
    freshness = np.where(np.isfinite(age_days), 0.5 ** (age_days / FRESH_HALF_LIFE_DAYS), NEUTRAL)
    lex = np.clip(lexical / LEX_FULL, 0.0, 1.0)

    size = max(m, n) if min(m, n) else 0
    features = np.empty((size, 8), dtype=np.float32)
    for column, values in enumerate(
        (category, calibrated_semantic(semantic), lex, distance, pay, form, freshness)
    ):
        features[:, column] = values
    features[:, 7] = postings.trust
    total = np.einsum("ij,ij->i", features, WEIGHT_ROWS.matrix[seekers.weight_row])
    total -= weights.risk * postings.risk + weights.too_far * too_far
    excluded = pay_gate | (seekers.daily_only & ~postings.daily) | (postings.expires <= now)
    return Scored(
        score=np.clip(total, 0.0, 1.0).astype(np.float32),
        excluded=np.broadcast_to(excluded, (size,)),
        near_miss=np.broadcast_to(pay_below | neighbour | beyond, (size,)),
        pay_below=np.broadcast_to(pay_below, (size,)),
        neighbour=np.broadcast_to(neighbour, (size,)),
        beyond=np.broadcast_to(beyond, (size,)),
        km=np.broadcast_to(km, (size,)),
        km_measured=np.broadcast_to(km_measured, (size,)),
        chosen=np.broadcast_to(chosen, (size,)),
        category=np.broadcast_to(best, (size,)),
    )


def _category_fit(
    seekers: SeekerBatch, postings: PostingBatch
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Best affinity among the wanted categories, and its column (-1 when none fits).

    One side has one row, so only its codes matter: the seeker's wanted codes against many
    postings, or the posting's codes against many seekers' bit sets.
    """
    if len(seekers.category_bits) == 1:
        codes = wanted_codes(int(seekers.category_bits[0]))
        values = postings.affinity[:, codes]
    else:
        codes = np.flatnonzero(postings.affinity[0] > 0)
        wanted = (seekers.category_bits[:, None] >> codes[None, :]) & 1
        values = wanted * postings.affinity[0, codes][None, :]
    if len(codes) == 0:
        size = max(len(seekers.category_bits), len(postings.affinity))
        return np.zeros(size, dtype=np.float32), np.full(size, -1, dtype=np.int64)
    fit = values.max(axis=1).astype(np.float32)
    best = np.where(fit > 0, codes[values.argmax(axis=1)], -1)
    return fit, best.astype(np.int64)


def top(scored: Scored, k: int, threshold: float = -1.0) -> NDArray[np.int64]:
    """Positions of the best k pairs that pass the gates (and the threshold), best first."""
    eligible = np.flatnonzero(~scored.excluded & (scored.score >= threshold))
    if len(eligible) == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    values = scored.score[eligible]
    if len(eligible) > k:
        part = np.argpartition(-values, k - 1)[:k]
        eligible, values = eligible[part], values[part]
    order = np.lexsort((eligible, -values))  # ties: the earlier row (older id) first
    return eligible[order].astype(np.int64)
