"""A post's trade read from its words and its meaning together, with the doubt kept.

The keyword taxonomy names a trade from job titles ("木工" → 装修) but not from the workplace
around them ("工地招木工" is 建筑, "酒店招前台" is 酒店, "汽修厂招学徒" is 汽修). The meaning
classifier embeds the job's text and compares it with one vector per A–Q code: the mean of the
code's description (as a query) and of example posts written for it
(matching/data/trade_examples.tsv). The two readings are added: keyword confidences (0.3–0.9) plus
a softmax of the cosines, so a clear meaning breaks ties and overrules one weak keyword.

Measured on 809 labelled jobs with a keyword hit (our gig sets, the tune split of the dev kit's
posts and the 545 trade-labelled real postings of scripts/data/eval_labels.csv): main trade
right 0.910 with keywords alone, 0.931 combined (real postings 0.939 → 0.958; dev-kit tune
0.825 → 0.873). Doubt — a lead below MARGIN_SURE, or the meaning favouring another code by
DISAGREE — marks 71 of 809 jobs (9%; dev-kit tune 10 of 120); the right trade is among the first
two options for 66 of them, and the jobs left sure are right 0.967 (dev-kit tune 0.927), so the
poster is asked instead of guessed at.
Meaning alone (no keyword): these cosines are not trusted (of 14 such jobs only 7 were right at
the best code, and 64 of 80 IT postings would have been assigned a trade). The trade classifier
trained on real postings (matching/trade_classifier.py) names one when it is sure: on no-keyword
real descriptions of companies it never saw, 0.908 right at 19.5% coverage (the cosine bar of
matching/trade_meaning.py, kept for other models: 0.909 at 1.7%). Otherwise the post keeps no
trade and its likeliest codes become the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from matching.category_vectors import CODES, category_queries
from matching.matches import TextEncoder
from matching.parser import MAX_CATEGORIES, MIN_CATEGORY_CONFIDENCE, ParsedPost
from matching.taxonomy import classify
from matching.trade_classifier import bundled_classifier
from matching.trade_meaning import CONFIDENCE as MEANING_CONFIDENCE
from matching.trade_meaning import trade_by_meaning

F32 = NDArray[np.float32]

EXAMPLES = Path(__file__).with_name("data") / "trade_examples.tsv"
MEANING_WEIGHT = 0.8  # the softmax share's weight against keyword confidences (0.3–0.9)
TEMPERATURE = 0.01  # cosines differ by ~0.01–0.05 between codes; 0.02 and 0.04 did no better
MARGIN_SURE = 0.1  # a lead of the combined score below this is a doubt: the poster is asked
# Also a doubt: the meaning's favourite beats the chosen code's softmax share by this much.
DISAGREE = 0.1
OPTIONS = 3  # codes offered when asking
# The confidence kept for a code the poster chose, or that keywords and meaning agree on.
CONFIDENCE_CHOSEN = 1.0


@dataclass(frozen=True, slots=True)
class TradeReading:
    """The trade codes (best first), the main one's confidence, and the choices when unsure."""

    codes: tuple[str, ...]
    confidence: float
    options: tuple[str, ...] = ()

    @property
    def unsure(self) -> bool:
        """Whether the poster should be asked which trade this is."""
        return bool(self.options)


@cache
def examples() -> tuple[tuple[str, str], ...]:
    """(code, text) of the example posts, one a line after an optional comment header."""
    rows = []
    for line in EXAMPLES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, text = line.split("\t", 1)
            rows.append((code, text.strip()))
    return tuple(rows)


def centroids(encoder: TextEncoder) -> F32:
    """Two unit vectors per code in CODES order, stacked: the description query, then the mean
    of the code's example posts; a text's cosine with a code is the mean of its two."""
    queries = encoder.encode(category_queries(), "query")
    rows = examples()
    vectors = encoder.encode([text for _, text in rows], "passage")
    means = np.zeros_like(queries)
    for (code, _), vector in zip(rows, vectors, strict=True):
        means[CODES.index(code)] += vector
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
    return np.vstack([queries, means]).astype(np.float32)


def cosines(vectors: F32, stacked: F32) -> F32:
    """Each text's cosine with each code (rows: texts, columns: CODES)."""
    sims = vectors @ stacked.T
    half = len(CODES)
    return ((sims[:, :half] + sims[:, half:]) / 2).astype(np.float32)


def combine(
    keywords: Sequence[tuple[str, float]], sims: F32, meaning_code: str | None
) -> TradeReading:
    """Keyword confidences plus the meaning's softmax; unsure when the lead is small.
    `meaning_code`: the trade the meaning alone names (TradeReader.meaning_code), kept when no
    keyword names one."""
    kept = [(c, s) for c, s in keywords if s >= MIN_CATEGORY_CONFIDENCE]
    shifted = np.exp((sims - sims.max()) / TEMPERATURE)
    meaning = shifted / shifted.sum()
    if not kept:
        if meaning_code is not None:
            return TradeReading((meaning_code,), MEANING_CONFIDENCE)
        likely = np.argsort(-meaning)[:OPTIONS]
        return TradeReading((), 0.0, tuple(CODES[int(i)] for i in likely))
    scores = MEANING_WEIGHT * meaning
    for code, s in kept:
        scores[CODES.index(code)] += s
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    lead = float(scores[order[0]] - scores[order[1]])
    best = CODES[order[0]]
    keyword = dict(kept)
    codes = [best] + [CODES[i] for i in order[1:] if CODES[i] in keyword and CODES[i] != best]
    codes = codes[:MAX_CATEGORIES]
    favourite = int(np.argmax(meaning))
    disagree = meaning[favourite] - meaning[order[0]] >= DISAGREE
    if lead < MARGIN_SURE or disagree:
        ranked = [order[0], favourite, *order[1:]] if disagree else order
        options = tuple(dict.fromkeys(CODES[i] for i in ranked))[:OPTIONS]
        return TradeReading(tuple(codes), keyword.get(best, 0.0), options)
    agree = best in keyword and favourite == order[0]
    confidence = max(keyword.get(best, 0.0), min(float(scores[order[0]]), 0.9))
    return TradeReading(tuple(codes), CONFIDENCE_CHOSEN if agree else round(confidence, 3))


class TradeReader:
    """Reads the trades of parsed jobs with the embedding model; centroids encoded once."""

    def __init__(self, encoder: TextEncoder) -> None:
        self._encoder = encoder
        self._centroids: F32 | None = None
        classifier = bundled_classifier()
        self._classifier = classifier if classifier.reads(encoder.model_id) else None

    def centroids(self) -> F32:
        """The codes' vectors (`centroids`), encoded on first need (blocking)."""
        if self._centroids is None:
            self._centroids = centroids(self._encoder)
        return self._centroids

    def read(self, jobs: Sequence[ParsedPost]) -> list[ParsedPost]:
        """The jobs with trades re-read (blocking: encodes their texts)."""
        if not jobs:
            return []
        stacked = self.centroids()
        vectors = self._encoder.encode([job.text for job in jobs], "passage")
        sims = cosines(vectors, stacked)
        return [
            with_reading(
                job, combine(classify(job.text, job.title), row, self.meaning_code(v, row))
            )
            for job, v, row in zip(jobs, vectors, sims, strict=True)
        ]

    def without_keywords(self, vector: F32) -> TradeReading:
        """The reading of a text whose words name no trade (blocking: centroids on first use)."""
        sims = cosines(vector[None, :], self.centroids())[0]
        return combine((), sims, self.meaning_code(vector, sims))

    def meaning_code(self, vector: F32, sims: F32) -> str | None:
        """The trade the meaning alone names: the trained classifier's answer for the model it
        was trained on (matching/trade_classifier.py), else the cosine bar (trade_meaning)."""
        if self._classifier is not None:
            return self._classifier.answer(vector)
        return trade_by_meaning(sims)


def with_reading(job: ParsedPost, reading: TradeReading) -> ParsedPost:
    """The job carrying a trade reading: its codes, confidence and the options to ask."""
    confidence = {**job.confidence}
    if reading.codes:
        confidence["categories"] = reading.confidence
    else:
        confidence.pop("categories", None)
    return replace(
        job, categories=reading.codes, trade_options=reading.options, confidence=confidence
    )
