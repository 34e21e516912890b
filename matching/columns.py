"""Postings and seekers as numeric columns, so ranking is numpy over candidate arrays.

A `PostingBatch` or `SeekerBatch` holds one array per feature, one entry per row; a table of
them grows by appending rows and hands out batches of the rows asked for. The forward search
scores a one-row `SeekerBatch` against many postings, reverse matching one posting against many
seekers; numpy broadcasting makes both the same code (matching/rank.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from matching.districts import CENTRAL_DISTRICTS, TIANJIN_DISTRICTS, adjacent, canonical, centre
from matching.districts import haversine_km as _haversine
from matching.weights import CORE_KM, DEFAULT_WEIGHTS, TRUST_SCORES, Weights
from models.posting import Posting
from models.seeker import SeekerProfile
from models.values import PayUnit, WorkForm

# The form's 17 岗位意愿 codes (DESIGN.md); column j of a category array is CODES[j].
CODES = tuple("ABCDEFGHIJKLMNOPQ")
CODE_INDEX = {code: i for i, code in enumerate(CODES)}
DISTRICTS = TIANJIN_DISTRICTS
DISTRICT_INDEX = {name: i for i, name in enumerate(DISTRICTS)}
UNKNOWN_DISTRICT = len(DISTRICTS)  # one extra column whose distances are NaN
# Weighted features, in the order of a seeker's weight row.
FEATURES = (
    "category",
    "semantic",
    "lexical",
    "distance",
    "pay",
    "work_form",
    "freshness",
    "trust",
)
# A posting's second and later categories count a little less than its main one.
SECONDARY_CATEGORY = 0.85
# Intake's confidence may be missing (0) on hand-entered postings whose codes a person chose.
STATED_CATEGORY_CONFIDENCE = 0.8

FORM_UNKNOWN, FORM_STABLE, FORM_FLEXIBLE = 0, 1, 2
_STABLE_WORDS = ("全职", "稳定", "长期", "正式")
_FLEXIBLE_WORDS = ("兼职", "零工", "灵活", "临时", "小时工", "日结", "短期", "钟点")

F32 = NDArray[np.float32]
Bools = NDArray[np.bool_]


def _district_tables() -> tuple[F32, Bools, Bools]:
    """km between district seats (central pairs capped at CORE_KM), adjacency, centrality."""
    n = len(DISTRICTS)
    km = np.full((n + 1, n + 1), np.nan, dtype=np.float32)
    near = np.zeros((n + 1, n + 1), dtype=bool)
    core = np.zeros(n + 1, dtype=bool)
    for i, a in enumerate(DISTRICTS):
        core[i] = a in CENTRAL_DISTRICTS
        for j, b in enumerate(DISTRICTS):
            km[i, j] = 0.0 if i == j else _haversine(*centre(a), *centre(b))
            near[i, j] = adjacent(a, b)
    both_core = core[:, None] & core[None, :]
    km[both_core] = np.minimum(km[both_core], CORE_KM)
    return km, near, core


DISTRICT_KM, DISTRICT_ADJACENT, DISTRICT_CORE = _district_tables()
DISTRICT_CENTRES = np.array(
    [centre(d) for d in DISTRICTS] + [(math.nan, math.nan)], dtype=np.float64
)


def district_index(name: str | None) -> int:
    """Column of a district name (short forms accepted), UNKNOWN_DISTRICT when not Tianjin's."""
    if not name:
        return UNKNOWN_DISTRICT
    return DISTRICT_INDEX.get(canonical(name) or name, UNKNOWN_DISTRICT)


def epoch(value: datetime | None) -> float:
    """Seconds since 1970 (NaN when unknown), the time unit of the columns."""
    return value.timestamp() if value is not None else math.nan


def posting_form(work_form: str | None, unit: PayUnit | None) -> int:
    """Full-time (1), flexible (2) or unknown (0) from the posting's words, else its pay unit."""
    text = work_form or ""
    if any(w in text for w in _FLEXIBLE_WORDS):
        return FORM_FLEXIBLE
    if any(w in text for w in _STABLE_WORDS):
        return FORM_STABLE
    return FORM_FLEXIBLE if unit in (PayUnit.DAY, PayUnit.HOUR) else FORM_UNKNOWN


@dataclass(frozen=True, slots=True)
class PostingBatch:
    """Numeric facts of postings; NaN marks unknown numbers."""

    affinity: F32  # (n, 17) how strongly the posting is of each category, 0..1
    category_bits: NDArray[np.int32]  # bit j set when affinity[:, j] > 0 (a fast filter)
    has_category: Bools
    district: NDArray[np.int64]  # column of DISTRICT_KM; UNKNOWN_DISTRICT when unknown
    lat: NDArray[np.float64]  # own point, else its district's seat
    lon: NDArray[np.float64]
    pay_low: F32  # monthly equivalents of the bounds
    pay_high: F32
    daily: Bools  # 日结 (stated, or paid by the day with no other settlement)
    form: NDArray[np.int8]
    posted: NDArray[np.float64]  # epoch seconds
    expires: NDArray[np.float64]  # epoch seconds, inf when open-ended
    trust: F32
    verified: Bools
    risk: F32


@dataclass(frozen=True, slots=True)
class SeekerBatch:
    """Numeric facts of seekers (or of one ad-hoc query profile)."""

    category_bits: NDArray[np.int32]  # bit j set for each chosen category
    has_category: Bools
    district_km: F32  # (m, 17) km from the nearest chosen district to each district (NaN: none)
    chosen: Bools  # (m, 17) the districts the seeker picked
    neighbour: Bools  # (m, 17) adjacent to a pick, not picked, not both in the core
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    max_km: F32
    floor: F32  # monthly equivalent of the pay floor
    pay_hard: Bools
    daily_only: Bools
    prefers_daily: Bools  # 日结 wished for, not made a hard gate
    form: NDArray[np.int8]
    weight_row: NDArray[np.int32]  # row of WEIGHT_ROWS: the weights after learned penalties


class WeightRows:
    """The distinct weight vectors seekers use, each stored once (a seeker row keeps an index):
    penalties move in steps of 0.1 up to 0.5 on a few features, so there are a few dozen."""

    def __init__(self) -> None:
        self._ids: dict[Weights, int] = {}
        self.matrix = np.zeros((0, len(FEATURES)), dtype=np.float32)

    def row(self, weights: Weights) -> int:
        """The row of a weight vector, added on first sight."""
        found = self._ids.get(weights)
        if found is None:
            found = self._ids[weights] = len(self._ids)
            values = np.array([[getattr(weights, f) for f in FEATURES]], dtype=np.float32)
            self.matrix = np.concatenate([self.matrix, values])
        return found


WEIGHT_ROWS = WeightRows()


def weight_row(weights: Weights) -> int:
    """Index of a weight vector in WEIGHT_ROWS."""
    return WEIGHT_ROWS.row(weights)


def wanted_codes(bits: int) -> NDArray[np.int64]:
    """Columns of the categories in a bit set."""
    return np.flatnonzero((bits >> np.arange(len(CODES))) & 1)


def category_bits(values: F32) -> NDArray[np.int32]:
    """One int per row with bit j set where column j is positive (17 codes fit in 32 bits)."""
    powers = (1 << np.arange(len(CODES), dtype=np.int64)).astype(np.int32)
    bits: NDArray[np.int32] = ((values > 0).astype(np.int32) * powers).sum(axis=1).astype(np.int32)
    return bits


def posting_batch(postings: Sequence[Posting]) -> PostingBatch:
    """Postings as a batch, one row each, built column by column."""
    n = len(postings)
    affinity = np.zeros((n, len(CODES)), dtype=np.float32)
    for i, posting in enumerate(postings):
        confidence = posting.category_confidence or STATED_CATEGORY_CONFIDENCE
        for rank, code in enumerate(posting.categories):
            j = CODE_INDEX.get(code)
            if j is not None:
                value = confidence * (SECONDARY_CATEGORY if rank else 1.0)
                affinity[i, j] = max(affinity[i, j], value)
    district = np.array([district_index(p.district) for p in postings], dtype=np.int64)
    seats = DISTRICT_CENTRES[district]
    lat = np.array([_nan(p.lat) for p in postings], dtype=np.float64)
    lon = np.array([_nan(p.lon) for p in postings], dtype=np.float64)
    unplaced = np.isnan(lat) | np.isnan(lon)
    lat[unplaced], lon[unplaced] = seats[unplaced, 0], seats[unplaced, 1]
    pays = [p.pay for p in postings]
    return PostingBatch(
        affinity=affinity,
        category_bits=category_bits(affinity),
        has_category=np.asarray(affinity.any(axis=1), dtype=bool),
        district=district,
        lat=lat,
        lon=lon,
        pay_low=np.array([_nan(pay.monthly("min")) for pay in pays], dtype=np.float32),
        pay_high=np.array([_nan(pay.monthly("max")) for pay in pays], dtype=np.float32),
        daily=np.array(
            [
                pay.period == "日结" or (pay.period is None and pay.unit == PayUnit.DAY)
                for pay in pays
            ],
            dtype=bool,
        ),
        form=np.array([posting_form(p.work_form, p.pay.unit) for p in postings], dtype=np.int8),
        posted=np.array([epoch(p.published_at or p.created_at) for p in postings]),
        expires=np.array(
            [epoch(p.expires_at) if p.expires_at else math.inf for p in postings], dtype=np.float64
        ),
        trust=np.array([TRUST_SCORES.get(p.trust.value, 0.35) for p in postings], np.float32),
        verified=np.array([p.trust.value == "verified" for p in postings], dtype=bool),
        risk=np.array([p.risk_score for p in postings], dtype=np.float32),
    )


@lru_cache(maxsize=4096)
def _places(picks: frozenset[int]) -> tuple[F32, Bools, Bools]:
    """(km to each district, chosen, neighbour) for a set of picked districts."""
    chosen = np.zeros(len(DISTRICTS) + 1, dtype=bool)
    if not picks:
        nothing = np.full(len(DISTRICTS) + 1, np.nan, dtype=np.float32)
        return nothing, chosen, np.zeros(len(DISTRICTS) + 1, dtype=bool)
    rows = sorted(picks)
    chosen[rows] = True
    in_core = bool(DISTRICT_CORE[rows].any())
    neighbour = DISTRICT_ADJACENT[rows].any(axis=0) & ~chosen & ~(DISTRICT_CORE & in_core)
    return DISTRICT_KM[rows].min(axis=0).astype(np.float32), chosen, neighbour


def seeker_batch(
    profiles: Sequence[SeekerProfile], weights: Weights = DEFAULT_WEIGHTS
) -> SeekerBatch:
    """Profiles as a batch, one row each: what they want, as numbers."""
    n = len(profiles)
    wants = np.zeros((n, len(CODES)), dtype=np.float32)
    for i, profile in enumerate(profiles):
        for code in profile.categories:
            j = CODE_INDEX.get(code)
            if j is not None:
                wants[i, j] = 1.0
    places = [
        _places(frozenset(district_index(d) for d in p.districts) - {UNKNOWN_DISTRICT})
        for p in profiles
    ]
    forms = {WorkForm.STABLE: FORM_STABLE, WorkForm.FLEXIBLE: FORM_FLEXIBLE}
    tuned = [weight_row(weights.adjusted(p.penalties)) for p in profiles]
    return SeekerBatch(
        category_bits=category_bits(wants),
        has_category=np.asarray(wants.any(axis=1), dtype=bool),
        district_km=np.array([km for km, _, _ in places], dtype=np.float32).reshape(n, -1),
        chosen=np.array([c for _, c, _ in places], dtype=bool).reshape(n, -1),
        neighbour=np.array([nb for _, _, nb in places], dtype=bool).reshape(n, -1),
        lat=np.array([p.location.lat if p.location else math.nan for p in profiles]),
        lon=np.array([p.location.lon if p.location else math.nan for p in profiles]),
        max_km=np.array([_nan(p.max_km) for p in profiles], dtype=np.float32),
        floor=np.array([_nan(p.pay.monthly("min")) for p in profiles], dtype=np.float32),
        pay_hard=np.array([p.pay_hard for p in profiles], dtype=bool),
        daily_only=np.array([p.daily_settlement_only for p in profiles], dtype=bool),
        prefers_daily=np.array(
            [p.pay.period == "日结" or p.daily_settlement_only for p in profiles], dtype=bool
        ),
        form=np.array(
            [
                forms.get(p.work_form, FORM_UNKNOWN) if p.work_form else FORM_UNKNOWN
                for p in profiles
            ],
            dtype=np.int8,
        ),
        weight_row=np.array(tuned, dtype=np.int32),
    )


B = TypeVar("B", PostingBatch, SeekerBatch)


class Table(Generic[B]):
    """Rows of one batch type in growable arrays; rows are appended, never moved."""

    def __init__(self, kind: type[B]) -> None:
        self._kind: type[B] = kind
        self._names = [f.name for f in fields(kind)]
        self._arrays: dict[str, NDArray[Any]] = {}
        self.size = 0
        self.keys = np.zeros(0, dtype=np.int64)  # posting id or seeker user id of each row
        self.alive = np.zeros(0, dtype=bool)
        self.row_of: dict[int, int] = {}  # key -> its live row
        self._lookup = np.full(0, -1, dtype=np.int64)  # the same as a dense array (ids are small)
        self.facts: list[Any] = []  # per row: what explanations quote (title, stated pay …)

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def dead(self) -> int:
        """Rows replaced or removed; the owner rebuilds the table when they pile up."""
        return self.size - len(self.row_of)

    def extend(self, keys: Sequence[int], batch: B, facts: Sequence[Any]) -> NDArray[np.int64]:
        """Add (or replace) rows for keys; returns their row numbers."""
        count = len(keys)
        if len(set(keys)) != count or min(keys, default=0) < 0:
            raise ValueError("keys must be distinct and not negative")
        for key in keys:
            self.remove(key)
        if self.size + count > len(self.keys):
            # A quarter more, not double: at 1M seekers doubling left 1.5 GB of empty
            # embedding rows; copies stay amortised O(1) per row (about 4 per row at 1M).
            self._grow(max(64, (self.size + count) * 5 // 4))
        rows = np.arange(self.size, self.size + count, dtype=np.int64)
        for name in self._names:
            value: NDArray[Any] = getattr(batch, name)
            target = self._arrays.get(name)
            if target is None:
                target = self._arrays[name] = np.zeros(
                    (len(self.keys), *value.shape[1:]), dtype=value.dtype
                )
            target[rows] = value
        self.keys[rows] = keys
        self.alive[rows] = True
        self.row_of.update(zip(keys, rows.tolist(), strict=True))
        top = max(keys, default=-1)
        if top >= len(self._lookup):
            grown = np.full(max(2 * len(self._lookup), top + 1, 64), -1, dtype=np.int64)
            grown[: len(self._lookup)] = self._lookup
            self._lookup = grown
        self._lookup[np.asarray(keys, dtype=np.int64)] = rows
        self.facts.extend(facts)
        self.size += count
        return rows

    def remove(self, key: int) -> None:
        """Mark a key's row dead (unknown keys are ignored)."""
        row = self.row_of.pop(key, None)
        if row is not None:
            self.alive[row] = False
            self._lookup[key] = -1

    def rows_for(self, keys: NDArray[np.int64]) -> NDArray[np.int64]:
        """Live rows of keys, in order; -1 for keys not in the table."""
        inside = (keys >= 0) & (keys < len(self._lookup))
        rows = np.full(len(keys), -1, dtype=np.int64)
        rows[inside] = self._lookup[keys[inside]]
        return rows

    def take(self, rows: NDArray[np.int64], narrow: dict[str, int] | None = None) -> B:
        """The batch of some rows (copies); `narrow` keeps one column of wide fields."""
        narrow = narrow or {}
        return self._kind(
            **{
                n: self._arrays[n][rows, narrow[n]][:, None]
                if n in narrow
                else self._arrays[n][rows]
                for n in self._names
            }
        )

    def nbytes(self) -> int:
        """Bytes of the numeric columns and the key lookups (row facts not counted)."""
        columns = sum(a.nbytes for a in self._arrays.values())
        return columns + self.keys.nbytes + self.alive.nbytes + self._lookup.nbytes

    def column(self, name: str) -> NDArray[Any]:
        """A live view of one column over all rows (for filters over the whole table)."""
        return self._arrays[name][: self.size]

    def _grow(self, capacity: int) -> None:
        for name in list(self._arrays):
            old: NDArray[Any] = self._arrays[name]
            bigger = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
            bigger[: self.size] = old[: self.size]
            self._arrays[name] = bigger
        keys = np.zeros(capacity, dtype=np.int64)
        keys[: self.size] = self.keys[: self.size]
        alive = np.zeros(capacity, dtype=bool)
        alive[: self.size] = self.alive[: self.size]
        self.keys, self.alive = keys, alive


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)
