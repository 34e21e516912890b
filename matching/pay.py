"""Pay stated in free text ("日结180", "5-8K·13薪", "底薪3000+提成", "时薪20") as a `Pay` value.

The entry points: the text is folded (full-width → ASCII) and read by `matching.pay_figures`;
`matching.pay_offer` chooses among several figures. `pay_floor_ratio` compares an offer with a
seeker's floor.
"""

from __future__ import annotations

from matching.pay_figures import PayMatch, candidates
from matching.phones import find_phone_spans
from models.values import Pay, PayUnit

# Length-preserving fold (full-width ASCII → ASCII, wave dashes → "~"), so spans index the input.
_FOLD = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
        "〜": "~",
        "—": "-",
        "–": "-",
        "－": "-",
        "\u3000": " ",
    }
)


def find_pay(text: str) -> PayMatch | None:
    """The most credible pay statement in `text` (figures beat 面议/计件); None if none."""
    matches = candidates(_readable(text))
    if not matches:
        return None
    return max(matches, key=lambda m: (m.confidence, -m.span[0]))


def find_all_pay(text: str) -> list[PayMatch]:
    """All pay statements in order of appearance, for messages that list several jobs."""
    return sorted(candidates(_readable(text)), key=lambda m: m.span)


def _readable(text: str) -> str:
    """The text folded, with its phone numbers blanked (same length, so spans still index the
    input): "一个小时50 … 158 0033 7094" has no pay of 158 an hour."""
    folded = text.translate(_FOLD)
    for phone in find_phone_spans(folded):
        start, end = phone.span
        folded = folded[:start] + " " * (end - start) + folded[end:]
    return folded


def pay_floor_ratio(offer: Pay, floor: Pay) -> float | None:
    """How the offer compares with a seeker's floor (1.0 = exactly the floor); None when unknown.

    Uses the middle of the offered range against the floor's lower bound, in monthly terms; two
    piece rates compare directly.
    """
    if not offer.known or not floor.known:
        return None
    if offer.unit == PayUnit.PIECE or floor.unit == PayUnit.PIECE:
        if offer.unit != floor.unit:
            return None
        low, high = _bounds(offer)
        base = floor.min if floor.min is not None else floor.max
        return None if not base else (low + high) / 2 / base
    lo, hi, base_m = offer.monthly("min"), offer.monthly("max"), floor.monthly("min")
    if lo is None or hi is None or not base_m:
        return None
    return (lo + hi) / 2 / base_m


def _bounds(pay: Pay) -> tuple[float, float]:
    low = pay.min if pay.min is not None else pay.max
    high = pay.max if pay.max is not None else pay.min
    return float(low or 0.0), float(high or 0.0)
