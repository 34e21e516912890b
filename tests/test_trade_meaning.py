"""The trade bar: a post without a trade keyword gets the trade its meaning names, or none."""

from __future__ import annotations

import numpy as np

from matching.category_vectors import CODES
from matching.post_trade import centroids, combine, cosines
from matching.trade_meaning import BAR, CONFIDENCE, LEAD, trade_by_meaning


def sims(best: float, second: float, code: str = "P", runner_up: str = "A") -> np.ndarray:
    out = np.full(len(CODES), second - 0.05, dtype=np.float32)
    out[CODES.index(code)] = best
    out[CODES.index(runner_up)] = second
    return out


def test_a_near_clear_leader_is_taken():
    assert trade_by_meaning(sims(BAR + 0.01, BAR + 0.01 - LEAD - 0.005)) == "P"


def test_below_the_bar_the_trade_stays_unknown():
    assert trade_by_meaning(sims(BAR - 0.005, BAR - 0.05)) is None


def test_a_leader_without_the_lead_is_not_taken():
    assert LEAD > 0
    assert trade_by_meaning(sims(BAR + 0.02, BAR + 0.02 - LEAD / 2)) is None


def test_an_empty_vector_gets_nothing():
    assert trade_by_meaning(np.zeros(len(CODES), dtype=np.float32)) is None


def test_combine_without_keywords_takes_the_bar_answer_and_asks_nothing():
    row = sims(BAR + 0.01, BAR - 0.03)
    reading = combine([], row, trade_by_meaning(row))
    assert (reading.codes, reading.confidence, reading.unsure) == (("P",), CONFIDENCE, False)


def test_combine_below_the_bar_keeps_no_trade_and_offers_options():
    row = sims(BAR - 0.01, BAR - 0.03)
    reading = combine([], row, trade_by_meaning(row))
    assert reading.codes == ()
    assert reading.options[0] == "P"


def test_a_keyword_reading_never_reaches_the_bar():
    # Keywords decide with meaning beside them; the bar alone would say P here.
    row = sims(BAR + 0.01, BAR - 0.005)
    assert combine([("A", 0.67)], row, trade_by_meaning(row)).codes[0] == "A"


# --- the real model, on posts written for these tests ------------------------------------------


def test_real_model_the_bar_is_what_decides(encoder):
    text = "小区住户家里找人打扫屋子，每周两次"
    row = cosines(encoder.encode([text], "passage"), centroids(encoder))[0]
    order = np.argsort(-row)
    assert row[order[0]] >= BAR
    assert row[order[0]] - row[order[1]] >= LEAD
    assert CODES[int(order[0])] == "A"
    # The same cosines just under the bar give no trade.
    assert trade_by_meaning(row - (row[order[0]] - BAR) - 0.001) is None
