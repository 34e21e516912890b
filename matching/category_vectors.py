"""A category for postings the keyword taxonomy misses, from embedding similarity.

Each A–Q code is embedded once as a query ("保洁：<description>"); a posting without keyword
categories takes the nearest code only when it beats the runner-up clearly. Measured on the 625
labelled real postings (scripts/data/eval_labels.csv): a margin of 0.02 cosine kept 146 postings
with 97.9% top-1 accuracy and assigned none of the 80 IT distractors; 0.01 kept 316 at 93.8% but
assigned 12 distractors; no margin was 82.8% and assigned all of them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matching.taxonomy import CATEGORIES

F32 = NDArray[np.float32]

CODES: tuple[str, ...] = tuple(sorted(CATEGORIES))
MARGIN = 0.02  # best minus second-best cosine; see the module docstring for the measurement
# A guess from meaning alone weighs less than a category stated on import (0.8 in columns.py).
CONFIDENCE = 0.5


def category_queries() -> list[str]:
    """The texts the category vectors are encoded from (as queries)."""
    return [f"{CATEGORIES[c].name_zh}：{CATEGORIES[c].description}" for c in CODES]


def nearest_category(vector: F32, centroids: F32) -> str | None:
    """The clearly nearest category code, or None when no code stands out (or the vector is 0)."""
    sims = centroids @ vector
    if sims.shape[0] < 2 or not np.any(vector):
        return None
    second, best = np.partition(sims, -2)[-2:]
    if best - second < MARGIN:
        return None
    return CODES[int(np.argmax(sims))]
