"""The seventeen A–Q codes in a fixed order, and the texts their query vectors are encoded from.

matching/post_trade.py compares a job's vector with one vector per code in CODES order (each
code's description, encoded as a query, beside the mean of its example posts);
matching/trade_meaning.py reads a trade from those cosines when the keywords read none.
"""

from __future__ import annotations

from matching.taxonomy import CATEGORIES

CODES: tuple[str, ...] = tuple(sorted(CATEGORIES))


def category_queries() -> list[str]:
    """The texts the category vectors are encoded from (as queries)."""
    return [f"{CATEGORIES[c].name_zh}：{CATEGORIES[c].description}" for c in CODES]
