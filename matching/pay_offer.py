"""Which figure a post offers when it states several: the one a seeker is shown and compared on.

The offer is what a typical worker earns: a base (底薪3000+提成) gives way to the earnings the
post states beside it (综合4500-6000), the base kept; a range beats a lone typical figure inside
it (月薪4000-6000，一般5000), the typical figure kept. Units stay as written.
"""

from __future__ import annotations

from dataclasses import replace

from matching.pay_figures import PayMatch
from matching.pay_words import BASE, EARNINGS
from models.values import Pay, PayUnit


def choose_offer(matches: list[PayMatch]) -> PayMatch | None:
    """The pay a posting offers a typical worker, which push rules compare to a seeker's floor.

    The most credible figure, except that a base (底薪3000+提成) gives way to the earnings the
    post states (综合4500-6000), the base kept in `base`; a range beats a lone typical figure
    inside it (月薪4000-6000，一般5000), kept in `typical`.
    """
    figures = [m for m in matches if m.pay.has_figure]
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


# Two readings are a doubt only when both are this sure (the parser asks below 0.6 anyway) and
# the rival is nearly as sure as the offer; 20% apart per day is more than rounding ("时薪20，月入
# 4000左右" is one offer said twice: 160 and 184 a day).
DOUBT_CONFIDENCE = 0.6
DOUBT_MARGIN = 0.15
SAME_PAY = 0.2


def pay_doubt(matches: list[PayMatch], offer: PayMatch | None) -> Pay | None:
    """The other reading of a post's pay when it states two that cannot both be the offer.

    "【日结200/天】… 月薪6000": 200 a day or 6000 a month; "4小时160元": a shift's 160 or 40
    an hour. Not a doubt: a base or an earnings tier beside the offer in its unit, pay under a
    condition (试用期, 转正后, 优秀者), a piece rate beside the month it adds up to, a yearly
    package beside the month, or the same pay in two units (32/小时、384一天). The poster is
    asked which one seekers are shown (handlers/employer/posting.py).
    """
    if offer is None or not offer.pay.known:
        return None
    if offer.other is not None:
        return offer.other
    if offer.base is not None or offer.typical is not None or offer.conditional:
        return None
    if offer.confidence < DOUBT_CONFIDENCE:
        return None
    rivals = [m for m in matches if m.span != offer.span and _rival(m, offer)]
    if not rivals:
        return None
    return max(rivals, key=lambda m: (m.confidence, -m.span[0])).pay


def _rival(m: PayMatch, offer: PayMatch) -> bool:
    """Whether `m` is a second reading of the pay that `offer` does not explain."""
    units = {m.pay.unit, offer.pay.unit}
    return (
        m.pay.known
        and not m.conditional
        and m.confidence >= max(DOUBT_CONFIDENCE, offer.confidence - DOUBT_MARGIN)
        and not (m.role is not None and m.pay.unit == offer.pay.unit)
        and PayUnit.PIECE not in units
        and units != {PayUnit.MONTH, PayUnit.YEAR}
        and not _same_pay(m.pay, offer.pay)
    )


def _same_pay(a: Pay, b: Pay) -> bool:
    """Overlapping ranges in one unit, a day that is 4-12 hours of the hourly rate, or tops
    within SAME_PAY of each other per month."""
    if a.unit == b.unit:
        low_a, high_a = a.min or a.max or 0.0, a.max or a.min or 0.0
        low_b, high_b = b.min or b.max or 0.0, b.max or b.min or 0.0
        if low_a <= high_b and low_b <= high_a:
            return True
    if {a.unit, b.unit} == {PayUnit.HOUR, PayUnit.DAY}:
        hour, day = (a, b) if a.unit == PayUnit.HOUR else (b, a)
        rate, shift = hour.max or hour.min or 0.0, day.max or day.min or 0.0
        if rate and 4 <= shift / rate <= 12:
            return True
    top_a, top_b = a.monthly("max"), b.monthly("max")
    if top_a is None or top_b is None:
        return False
    return abs(top_a - top_b) <= SAME_PAY * max(top_a, top_b)
