"""The trade bar: the one trade a post's meaning may name when its words name none, for a
model the trained classifier (matching/trade_classifier.py) was not trained on.

When the keyword tables read no trade from a post, its cosines with the seventeen codes (the
vectors of matching/post_trade.py: each code's description and example posts) name the nearest
code only when it is near enough (BAR) and ahead of the runner-up (LEAD); otherwise the trade
stays unknown and the post goes to review or to the few seekers whose own words match it.

Calibrated with scripts/calibrate_trade_meaning.py on posts whose text reads no keyword:
1,356 tune items (678 with an A–Q label: 644 real postings labelled by their platform title, 29
hand-labelled, 5 gig posts; and 678 outside the trades), chosen for precision ≥ 0.90: 10 of 11
answers right, coverage 1.5%. On the 1,308 untouched items (654 A–Q): 10 of 11 right (0.909),
coverage 1.7%, no answer on the 654 outside. These cosines name the right code first for only 38%
of real no-keyword descriptions, so the bar is high and the fallback answers rarely; the rule it
replaces (a lead of 0.02 over the runner-up, no bar) answered 33 untouched items at 0.758.
The bar is for the bundled e5 model, whose cosines sit high (0.80–0.90 between any two job texts);
a model with lower cosines simply clears it less often, so the trade stays unknown.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matching.category_vectors import CODES

F32 = NDArray[np.float32]

BAR = 0.925  # the nearest code's cosine must reach this
LEAD = 0.0125  # and beat the runner-up's by this much
# A trade read from meaning alone weighs less than a keyword in the title (0.67) or a category
# stated on import (0.8 in columns.py).
CONFIDENCE = 0.5


def trade_by_meaning(sims: F32) -> str | None:
    """The code whose cosine (one per CODES entry) clears BAR with LEAD over the next, or None."""
    if sims.shape[0] < 2:
        return None
    second, best = np.partition(sims, -2)[-2:]
    if best < BAR or best - second < LEAD:
        return None
    return CODES[int(np.argmax(sims))]
