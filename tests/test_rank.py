"""The hybrid score on hand-made cases: pure numpy, no model (the engine tests add the model)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from handlers.texts import t
from matching.columns import posting_batch, seeker_batch
from matching.explain import facts_of, reason_parts, render
from matching.rank import Scored, score, top
from matching.weights import DEFAULT_WEIGHTS, SEM_CEIL, Weights
from models.messages import Location
from models.posting import Posting, Trust
from models.seeker import SeekerProfile
from models.values import Pay, PayUnit, WorkForm

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def make_posting(**overrides) -> Posting:
    values = dict(
        id=1,
        title="保洁员",
        description="商场保洁，日结",
        categories=("A",),
        category_confidence=0.8,
        district="西青区",
        pay=Pay(200, None, PayUnit.DAY, period="日结"),
        work_form="零工",
        published_at=NOW - timedelta(hours=2),
        trust=Trust.EMPLOYER,
    )
    values.update(overrides)
    return Posting(**values)


def make_seeker(**overrides) -> SeekerProfile:
    values = dict(
        user_id=7,
        categories=("A",),
        districts=("西青区",),
        pay=Pay(180, None, PayUnit.DAY, period="日结"),
        work_form=WorkForm.FLEXIBLE,
    )
    values.update(overrides)
    return SeekerProfile(**values)


def rank(
    seeker: SeekerProfile,
    postings: list[Posting],
    semantic=None,
    lexical=None,
    weights=DEFAULT_WEIGHTS,
) -> Scored:
    n = len(postings)
    sem = (
        np.full(n, SEM_CEIL, dtype=np.float32)
        if semantic is None
        else np.asarray(semantic, dtype=np.float32)
    )
    lex = (
        np.zeros(n, dtype=np.float32) if lexical is None else np.asarray(lexical, dtype=np.float32)
    )
    seekers = seeker_batch([seeker], weights)
    return score(seekers, posting_batch(postings), sem, lex, NOW.timestamp(), weights)


def order(scored: Scored, postings: list[Posting]) -> list[int]:
    return [postings[i].id for i in top(scored, len(postings))]


def test_category_fit_ranks_the_wanted_trade_first():
    cleaning = make_posting(id=1)
    delivery = make_posting(id=2, title="外卖骑手", categories=("C",))
    scored = rank(make_seeker(), [delivery, cleaning])
    assert order(scored, [delivery, cleaning]) == [1, 2]


def test_pay_below_floor_is_penalised_not_excluded_and_flagged_as_near_miss():
    fair = make_posting(id=1, pay=Pay(200, None, PayUnit.DAY, period="日结"))
    a_bit_low = make_posting(id=2, pay=Pay(170, None, PayUnit.DAY, period="日结"))  # 94% of 180
    far_too_low = make_posting(id=3, pay=Pay(100, None, PayUnit.DAY, period="日结"))
    postings = [far_too_low, a_bit_low, fair]
    scored = rank(make_seeker(), postings)
    assert order(scored, postings) == [1, 2, 3]
    assert not scored.excluded.any()
    assert list(scored.near_miss) == [False, True, False]
    assert list(scored.pay_below) == [False, True, False]


def test_hard_pay_floor_excludes_lower_pay_but_keeps_unknown_pay():
    low = make_posting(id=1, pay=Pay(170, None, PayUnit.DAY))
    negotiable = make_posting(id=2, pay=Pay(negotiable=True))
    enough = make_posting(id=3, pay=Pay(5000, None, PayUnit.MONTH))  # 5000/21.75 = 230 a day
    scored = rank(make_seeker(pay_hard=True), [low, negotiable, enough])
    assert list(scored.excluded) == [True, False, False]
    assert order(scored, [low, negotiable, enough]) == [3, 2]


def test_unknown_pay_is_neutral_not_zero():
    negotiable = make_posting(id=1, pay=Pay(negotiable=True))
    half = make_posting(id=2, pay=Pay(100, None, PayUnit.DAY))
    scored = rank(make_seeker(), [negotiable, half])
    assert scored.score[0] > scored.score[1]


def test_daily_settlement_only_is_a_hard_gate():
    monthly = make_posting(id=1, pay=Pay(6000, None, PayUnit.MONTH))
    daily = make_posting(id=2)
    scored = rank(make_seeker(daily_settlement_only=True), [monthly, daily])
    assert list(scored.excluded) == [True, False]


def test_distance_from_a_shared_location_orders_postings():
    seeker = make_seeker(districts=(), location=Location(39.1412, 117.0088), max_km=10)
    near = make_posting(id=1, lat=39.15, lon=117.02)  # about 1.4 km
    mid = make_posting(id=2, lat=39.20, lon=117.05)  # about 7 km
    beyond = make_posting(id=3, lat=39.23, lon=117.10)  # about 12.5 km: within 1.5x max_km
    far = make_posting(id=4, district="蓟州区", lat=None, lon=None)  # 100 km
    postings = [far, beyond, mid, near]
    scored = rank(seeker, postings)
    assert order(scored, postings) == [1, 2, 3, 4]
    assert list(scored.beyond) == [False, True, False, False]
    assert scored.near_miss[1]
    assert scored.km_measured.all()
    assert 0.5 < scored.km[3] < 2.5


def test_neighbouring_district_is_a_flagged_near_miss_and_the_core_is_one_area():
    seeker = make_seeker(districts=("南开区",))
    same = make_posting(id=1, district="南开区")
    core = make_posting(id=2, district="和平区")  # central six: one compact core
    neighbour = make_posting(id=3, district="西青区")  # borders 南开, outside the core
    outer = make_posting(id=4, district="宝坻区")
    postings = [outer, neighbour, core, same]
    scored = rank(seeker, postings)
    assert order(scored, postings) == [1, 2, 3, 4]
    assert list(scored.neighbour) == [False, True, False, False]
    assert not scored.near_miss[2]


def test_trust_orders_otherwise_equal_postings():
    kinds = [Trust.IMPORTED, Trust.RELAYED, Trust.EMPLOYER, Trust.VERIFIED]
    postings = [make_posting(id=i, trust=kind) for i, kind in enumerate(kinds)]
    scored = rank(make_seeker(), postings)
    assert order(scored, postings) == [3, 2, 1, 0]


def test_risk_is_subtracted():
    clean = make_posting(id=1, risk_score=0.0)
    risky = make_posting(id=2, risk_score=0.4, trust=Trust.VERIFIED)
    scored = rank(make_seeker(), [risky, clean])
    assert order(scored, [risky, clean]) == [1, 2]
    assert scored.score[1] - scored.score[0] == pytest.approx(0.4 * DEFAULT_WEIGHTS.risk, abs=0.03)


def test_expired_postings_are_never_returned():
    expired = make_posting(id=1, expires_at=NOW - timedelta(minutes=1))
    open_ = make_posting(id=2, expires_at=NOW + timedelta(days=1))
    scored = rank(make_seeker(), [expired, open_])
    assert order(scored, [expired, open_]) == [2]


def test_work_form_and_a_wished_for_daily_settlement():
    gig = make_posting(id=1, work_form="零工", pay=Pay(6000, None, PayUnit.MONTH))
    job = make_posting(id=2, work_form="全职", pay=Pay(6000, None, PayUnit.MONTH))
    daily = make_posting(id=3, work_form="零工")
    postings = [job, gig, daily]
    flexible = make_seeker(pay=Pay(), work_form=WorkForm.FLEXIBLE)
    assert order(rank(flexible, postings), postings)[2] == 2
    wants_daily = flexible.with_(pay=Pay(unit=PayUnit.DAY, period="日结"))  # 日结, no figure
    assert order(rank(wants_daily, postings), postings) == [3, 1, 2]
    stable = make_seeker(pay=Pay(), work_form=WorkForm.STABLE)
    assert order(rank(stable, postings), postings)[0] == 2


def test_freshness_prefers_newer_postings():
    old = make_posting(id=1, published_at=NOW - timedelta(days=14))
    new = make_posting(id=2, published_at=NOW - timedelta(hours=1))
    assert order(rank(make_seeker(), [old, new]), [old, new]) == [2, 1]


def test_learned_distance_penalty_shifts_the_weights():
    # A close, low-paid job against a neighbouring district's well-paid one: after 太远
    # feedback the seeker's own weights put the close one first.
    seeker = make_seeker(districts=("西青区",), pay=Pay(200, None, PayUnit.DAY))
    near_low = make_posting(id=1, district="西青区", pay=Pay(120, None, PayUnit.DAY))
    far_high = make_posting(id=2, district="津南区", pay=Pay(260, None, PayUnit.DAY))
    postings = [near_low, far_high]
    assert order(rank(seeker, postings), postings) == [2, 1]
    assert order(rank(seeker.with_(penalties={"distance": 0.5}), postings), postings) == [1, 2]


def test_learned_pay_penalty_shifts_the_weights():
    # After 工资低 feedback, better pay across town beats lower pay next door.
    seeker = make_seeker(districts=("西青区",), pay=Pay(200, None, PayUnit.DAY))
    near_low = make_posting(id=1, district="西青区", pay=Pay(150, None, PayUnit.DAY))
    far_high = make_posting(id=2, district="东丽区", pay=Pay(260, None, PayUnit.DAY))
    postings = [near_low, far_high]
    assert order(rank(seeker, postings), postings) == [1, 2]
    assert order(rank(seeker.with_(penalties={"pay": 0.5}), postings), postings) == [2, 1]


def test_adjusted_weights_stay_normalised_and_ignore_unknown_keys():
    shifted = Weights().adjusted({"distance": 0.2, "pay": 0.1, "nonsense": 3.0})
    parts = (
        "category",
        "semantic",
        "lexical",
        "distance",
        "pay",
        "work_form",
        "freshness",
        "trust",
    )
    assert sum(getattr(shifted, p) for p in parts) == pytest.approx(1.0)
    assert shifted.distance > Weights().distance
    assert Weights().adjusted({"nonsense": 1.0}) == Weights()


def test_reverse_direction_scores_the_same_pair_identically():
    seekers = [make_seeker(user_id=1), make_seeker(user_id=2, categories=("C",))]
    posting = make_posting()
    one = seeker_batch(seekers[:1])
    both = seeker_batch(seekers)
    sem = np.array([0.85, 0.85], dtype=np.float32)
    lex = np.array([0.2, 0.2], dtype=np.float32)
    reverse = score(both, posting_batch([posting]), sem, lex, NOW.timestamp())
    forward = score(one, posting_batch([posting]), sem[:1], lex[:1], NOW.timestamp())
    assert reverse.score[0] == pytest.approx(forward.score[0])
    assert reverse.score[0] > reverse.score[1]


def test_reason_reads_like_the_design_example():
    posting = make_posting(trust=Trust.VERIFIED, lat=39.16, lon=117.03)
    seeker = make_seeker(districts=(), location=Location(39.1412, 117.0088))
    scored = rank(seeker, [posting])
    parts = reason_parts(facts_of(posting), scored, 0, True)
    assert render(parts, t, "zh") == "保洁类 · 西青区 距您约 3 公里 · 日结 200 元 · 已核实"
    assert render(parts, t, "en") == (
        "Cleaning · 西青区, about 3 km away · 200 yuan/day, paid daily · verified"
    )


def test_reason_of_a_near_miss_says_so():
    posting = make_posting(pay=Pay(170, None, PayUnit.DAY, period="日结"), district="南开区")
    scored = rank(make_seeker(), [posting])
    parts = reason_parts(facts_of(posting), scored, 0, False)
    assert render(parts, t) == "保洁类 · 南开区（邻近您选的区） · 日结 170 元 · 略低于您的期望"


def test_lexical_share_is_the_same_before_and_after_merging():
    from matching.lexical import (
        InvertedIndex,
        bm25_tf,
        corpus_keys,
        posting_words,
        query_factors,
        term_counts,
        text_keys,
    )

    docs = [posting_words("美团外卖骑手", "时间自由"), posting_words("保洁员", "商场保洁")]
    docs += [posting_words(f"普工{i}", "流水线") for i in range(30)]
    keys, owners = corpus_keys(docs)
    terms, rows, counts = term_counts(keys, owners)
    lengths = np.bincount(owners)
    index = InvertedIndex()
    index.add(terms, rows, bm25_tf(counts, lengths[rows], lengths.mean()), len(docs), len(keys))
    query = text_keys("想送外卖，美团的")
    q_terms, _, shares = query_factors(query, np.zeros(len(query), np.int64), index)
    assert shares.sum() == pytest.approx(1.0)
    pending = np.zeros(len(docs), dtype=np.float32)
    index.accumulate(q_terms, shares.astype(np.float64), pending)
    index.compact()
    merged = np.zeros(len(docs), dtype=np.float32)
    index.accumulate(q_terms, shares.astype(np.float64), merged)
    np.testing.assert_allclose(pending, merged, rtol=1e-6)
    assert 0.3 < merged[0] <= 1.0
    assert merged[1:].max() == 0.0
    assert index.idf(text_keys("流水")).item() == 0.0  # in 30 of 32 posts: says nothing
    nothing = np.zeros(len(docs), dtype=np.float32)
    index.accumulate(np.zeros(0, np.int64), np.zeros(0), nothing)
    assert not nothing.any()


def test_reverse_distances_from_a_posting_are_the_forward_ones():
    """Reverse matching measures one posting's point against many seekers on its own path;
    each km must be the one the seeker's own search measures, NaN wherever a point is unknown."""
    spots = [Location(39.1412, 117.0088), None, Location(39.0851, 117.2006), Location(39.3, 117.5)]
    seekers = [make_seeker(user_id=i + 1, location=spot) for i, spot in enumerate(spots)]
    located = make_posting(lat=39.16, lon=117.03)
    sem = np.full(len(seekers), 0.85, dtype=np.float32)
    lex = np.zeros(len(seekers), dtype=np.float32)
    at = NOW.timestamp()
    reverse = score(seeker_batch(seekers), posting_batch([located]), sem, lex, at)
    for i, seeker in enumerate(seekers):
        forward = score(seeker_batch([seeker]), posting_batch([located]), sem[:1], lex[:1], at)
        assert np.array_equal(reverse.km[i : i + 1], forward.km, equal_nan=True)
        assert bool(reverse.km_measured[i]) == (spots[i] is not None)
    unplaced = make_posting(district=None)
    reverse = score(seeker_batch(seekers), posting_batch([unplaced]), sem, lex, at)
    assert not reverse.km_measured.any()
