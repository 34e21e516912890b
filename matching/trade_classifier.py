"""The trade a post's meaning names when its words name none: a softmax over the post's e5
vector, trained on real postings labelled by their platform title
(scripts/train_trade_classifier.py writes data/trade_classifier.npz; its docstring and the
file's figures say how it was made and measured).

Trained on 2,770 title-labelled descriptions of the `tune` companies and as many `none`; the bar
(0.675) calibrated on no-keyword descriptions left out of the training (0.923 right, 17.2%
coverage); on the `untouched` companies' no-keyword descriptions 0.908 right at 19.5% coverage
against 0.909 at 1.7% for the cosine bar. Gig posts, which are short, clear the bar less often:
category recall gig_blind 0.830 -> 0.837, gig_blind2 0.790 -> 0.804 at the same precision.

It answers a code only when its probability reaches the calibrated bar and the likeliest class
is a trade (`none`: work outside the seventeen, most of the real corpus). The weights read one
model's vectors: with any other model (YIZHAN_EMBEDDING_MODEL) `TradeReader` keeps the cosine
bar of matching/trade_meaning.py instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from matching.encoder_backend import base_model_id

F32 = NDArray[np.float32]
CLASSIFIER_FILE = Path(__file__).with_name("data") / "trade_classifier.npz"
NONE = "none"


@dataclass(frozen=True, slots=True)
class TradeClassifier:
    """Softmax weights over one model's vectors, their classes (A–Q and `none`) and the bar."""

    coef: F32  # classes x dim
    intercept: F32
    classes: tuple[str, ...]
    model_id: str
    bar: float

    def answer(self, vector: F32, bar: float | None = None) -> str | None:
        """The likeliest trade when its probability reaches the bar (this one's by default)."""
        logits = self.coef @ vector.astype(np.float32) + self.intercept
        shifted = np.exp(logits - logits.max())
        best = int(np.argmax(shifted))
        share = float(shifted[best] / shifted.sum())
        if share < (self.bar if bar is None else bar) or self.classes[best] == NONE:
            return None
        return self.classes[best]

    def reads(self, model_id: str) -> bool:
        """Whether vectors of `model_id` are the ones trained on (its int8 copies' too)."""
        return base_model_id(model_id) == self.model_id

    def save(self, path: Path) -> None:
        """The weights with what they belong to, as one small npz file."""
        np.savez_compressed(
            path,
            coef=self.coef,
            intercept=self.intercept,
            classes=np.array(self.classes),
            model_id=np.array(self.model_id),
            bar=np.array(self.bar),
        )

    @classmethod
    def load(cls, path: Path) -> TradeClassifier:
        """A classifier `save` wrote."""
        with np.load(path) as data:
            return cls(
                data["coef"].astype(np.float32),
                data["intercept"].astype(np.float32),
                tuple(str(c) for c in data["classes"]),
                str(data["model_id"]),
                float(data["bar"]),
            )


@cache
def bundled_classifier() -> TradeClassifier:
    """The shipped classifier (read once)."""
    return TradeClassifier.load(CLASSIFIER_FILE)
