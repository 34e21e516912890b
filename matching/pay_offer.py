"""Which figure a post offers when it states several: the one a seeker is shown and compared on.

The offer is what a typical worker earns: a base (底薪3000+提成) gives way to the earnings the
post states beside it (综合4500-6000), the base kept; a range beats a lone typical figure inside
it (月薪4000-6000，一般5000), the typical figure kept. Units stay as written.
"""

from __future__ import annotations

from dataclasses import replace

from matching.pay_figures import PayMatch
from matching.pay_words import BASE, EARNINGS


def choose_offer(matches: list[PayMatch]) -> PayMatch | None:
    """The pay a posting offers a typical worker, which push rules compare to a seeker's floor.

    The most credible figure, except that a base (底薪3000+提成) gives way to the earnings the
    post states (综合4500-6000), the base kept in `base`; a range beats a lone typical figure
    inside it (月薪4000-6000，一般5000), kept in `typical`.
    """
    figures = [m for m in matches if m.pay.min is not None or m.pay.max is not None]
    if not figures:
        return None
    best = max(figures, key=lambda m: (m.confidence, -m.span[0]))
    earnings = [m for m in figures if m.role == EARNINGS and m.pay.unit == best.pay.unit]
    # "保底5000+提成 … 月薪2-3万": with no earnings word, a range above the base is the earnings.
    above = [
        m
        for m in figures
        if m.role is None
        and m.pay.unit == best.pay.unit
        and m.pay.min is not None
        and m.pay.max is not None
        and (best.pay.min or 0.0) <= m.pay.min < m.pay.max
    ]
    if best.role == BASE and (earnings or above):
        offer = max(earnings or above, key=lambda m: (m.pay.max or m.pay.min or 0.0, -m.span[0]))
        if (offer.pay.max or offer.pay.min or 0.0) > (best.pay.min or 0.0):
            return replace(offer, base=best.pay.min, confidence=best.confidence)
    typical = [m.pay.min for m in earnings if m.pay.min is not None and m.pay.min == m.pay.max]
    ranges = [
        m
        for m in figures
        if m.role != EARNINGS
        and m.pay.unit == best.pay.unit
        and m.pay.min is not None
        and m.pay.max is not None
        and m.pay.min < m.pay.max
    ]
    for r in [best, *ranges] if best in ranges else ranges:
        low, high = r.pay.min or 0.0, r.pay.max or 0.0
        inside = [v for v in typical if low <= v <= high]
        if inside:
            return replace(r, typical=inside[0], confidence=max(r.confidence, best.confidence))
    return best
