"""What the Matcher returns, and what it needs of an encoder: small values shared by callers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from matching.explain import ReasonPart

F32 = NDArray[np.float32]


class TextEncoder(Protocol):
    """What the matcher needs of matching.encoder.Encoder."""

    @property
    def dim(self) -> int:
        """Embedding size."""

    @property
    def model_id(self) -> str:
        """Names the model; vectors of different models never mix."""

    def encode(
        self, texts: Sequence[str], kind: Literal["query", "passage"], *, progress: bool = False
    ) -> F32:
        """Normalised float32 embeddings, one row per text."""


@dataclass(frozen=True, slots=True)
class Match:
    """A posting for a seeker: our posting id, score 0..1, the one-line reason."""

    posting_id: int
    score: float
    reason: str
    near_miss: bool = False
    parts: tuple[ReasonPart, ...] = ()


@dataclass(frozen=True, slots=True)
class SeekerMatch:
    """A seeker a posting should reach: user id, score 0..1, the reason they would read."""

    user_id: int
    score: float
    reason: str
    near_miss: bool = False
    parts: tuple[ReasonPart, ...] = ()


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync changed (counts), for logs and the CLI."""

    postings: int
    postings_changed: int
    postings_removed: int
    seekers: int
    seekers_changed: int
    seekers_removed: int
    encoded: int
