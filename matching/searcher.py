"""The synchronous search core: postings and seekers held as columns, words and vectors.

`PostingSide.search` answers "which postings for this seeker", `SeekerSide.reach` "which
seekers for this posting". Both gather candidates cheaply (vector top-N, word overlap top-N,
and a category filter), then run the full hybrid score (rank.py) over the candidate arrays
only. Nothing here touches the database, the clock or the event loop (engine.py does).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.columns import (
    CODE_INDEX,
    CODES,
    PostingBatch,
    SeekerBatch,
    Table,
    posting_batch,
    seeker_batch,
    wanted_codes,
)
from matching.explain import ReasonPart, facts_of, reason_parts
from matching.index import AnyIndex, resized
from matching.kept_vectors import KeptVectors
from matching.lexical import (
    InvertedIndex,
    bm25_tf,
    corpus_keys,
    posting_words,
    query_factors,
    term_counts,
    text_keys,
)
from matching.profile_text import seeker_keywords
from matching.rank import Scored, prepare, ranked, score, top, with_semantic
from matching.weights import DEFAULT_WEIGHTS, Weights
from models.posting import Posting
from models.seeker import SeekerProfile

F32 = NDArray[np.float32]
Rows = NDArray[np.int64]
Keys = NDArray[np.int64]

# Candidate pools: 200 by vector, 200 by words, and postings of the wanted trades, cut to the
# 1,000 in or next to the seeker's districts and freshest (at 100k postings two trades hold
# ~10,000 rows). Every posting of a wanted trade stays in play until there are more than
# 1,000 of them; scoring the ~1,400 candidates keeps a query near 5 ms at 100k (p95 7 ms).
N_VECTOR = 200
N_WORDS = 200
N_FILTERED = 1_000
# Reverse matching: these pools add seekers outside the posting's trades (whom the category
# filter already covers, all of them); 300 each keeps the vector search near 1 ms at 100k.
N_REACH_VECTOR = 300
N_REACH_WORDS = 300
# Rows added per step when many arrive at once: bounds the tokeniser's temporary arrays
# (~40 MB per 5,000 postings instead of 2 GB for 100k at once).
CHUNK = 5_000
# The word pools' cut is sought among every STRIDE-th candidate first, once there are
# SAMPLED_FROM x the pool's size of them (the sample then holds the pool's size twice over).
STRIDE = 8
SAMPLED_FROM = 2 * STRIDE


class TradeRows:
    """Per category code, the table rows of seekers who chose it (dead rows included: the
    caller masks by `alive`). Reverse matching takes the rows of the posting's one or two
    trades from here instead of testing every seeker's category bits: at 1M seekers the
    scan alone read 1M ints and built a 1M mask per posting."""

    def __init__(self) -> None:
        self._chunks: list[list[Rows]] = [[] for _ in CODES]
        self._joined: list[Rows | None] = [None] * len(CODES)

    def add(self, rows: Rows, bits: NDArray[np.int32]) -> None:
        """Record new rows under each category bit they carry."""
        for code in range(len(CODES)):
            chosen = rows[((bits >> code) & 1) == 1]
            if len(chosen):
                self._chunks[code].append(chosen.astype(np.int64))
                self._joined[code] = None

    def rows(self, bits: int) -> list[Rows]:
        """Row lists of the categories in a bit set (a row may be in two of them)."""
        return [self._code_rows(int(code)) for code in wanted_codes(bits)]

    def nbytes(self) -> int:
        """Bytes of the row lists."""
        return sum(c.nbytes for chunks in self._chunks for c in chunks)

    def _code_rows(self, code: int) -> Rows:
        joined = self._joined[code]
        if joined is None:
            chunks = self._chunks[code]
            joined = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
            self._chunks[code] = [joined] if len(joined) else []
            self._joined[code] = joined
        return joined


@dataclass(frozen=True, slots=True)
class Found:
    """One ranked result: the other side's key (posting id or user id) and why it fits."""

    key: int
    score: float
    near_miss: bool
    parts: tuple[ReasonPart, ...]


@dataclass(frozen=True, slots=True)
class Query:
    """A seeker's side of a search: numbers, embedding and word factors."""

    seeker: SeekerBatch
    vector: F32
    terms: Keys
    factors: NDArray[np.float64]


class PostingSide:
    """Matchable postings: columns, an inverted word index and the vector index."""

    def __init__(self, index: AnyIndex, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.index = index
        self.weights = weights
        self.table: Table[PostingBatch] = Table(PostingBatch)
        self.kept = KeptVectors(index.dim)  # by table row: the cosines of every candidate
        self.words = InvertedIndex()

    def put(
        self, postings: Sequence[Posting], stamps: Sequence[int], new: Sequence[int], vectors: F32
    ) -> None:
        """Add or replace postings; `vectors` are for the positions `new` (texts not indexed)."""
        if not postings:
            return
        _add_vectors(self.index, [p.id or 0 for p in postings], stamps, new, vectors)
        self.index = resized(self.index)
        for start in range(0, len(postings), CHUNK):
            self._put_rows(postings[start : start + CHUNK])
        self.words.settle()

    def _put_rows(self, postings: Sequence[Posting]) -> None:
        facts = [facts_of(p) for p in postings]
        ids = [p.id or 0 for p in postings]
        rows = self.table.extend(ids, posting_batch(postings), facts)
        # A chunk's vectors at a time: all 100k at once were 150 MB more at the peak.
        self.kept.put(rows, self.index.vectors(np.array(ids, dtype=np.int64)))
        keys, docs = corpus_keys([posting_words(p.title, p.description) for p in postings])
        terms, owners, counts = term_counts(keys, docs)
        lengths = np.bincount(docs, minlength=len(postings))
        added = int(lengths.sum())
        avg = (self.words.total_length + added) / (self.words.documents + len(postings))
        weights = bm25_tf(counts, lengths[owners], avg)
        self.words.add(terms, rows[owners], weights, len(postings), added)

    def nbytes(self) -> dict[str, int]:
        """Bytes by part: the vector index, the numeric columns, the word index, the kept
        embeddings."""
        return {
            **_side_bytes(self.index, self.table, self.words),
            "kept_vectors": self.kept.nbytes(),
        }

    def drop(self, ids: Collection[int]) -> None:
        """Forget postings (closed, expired, held, merged into a duplicate)."""
        self.index.remove(np.array(list(ids), dtype=np.int64))
        self.index = resized(self.index)
        for key in ids:
            self.table.remove(key)

    def query(self, profile: SeekerProfile, vector: F32) -> Query:
        """A profile's numbers and word factors against this corpus."""
        keys = text_keys(seeker_keywords(profile))
        terms, _, factors = query_factors(keys, np.zeros(len(keys), np.int64), self.words)
        return Query(
            seeker_batch([profile], self.weights),
            vector.astype(np.float32),
            terms,
            factors.astype(np.float64),
        )

    def search(
        self, query: Query, k: int, now: float, exclude: Collection[int] = ()
    ) -> list[Found]:
        """The k best postings for a seeker, with reasons; excluded ids are skipped."""
        table = self.table
        if len(table) == 0 or k <= 0:
            return []
        alive = table.alive[: table.size].copy()
        for key in exclude:
            if key in table.row_of:
                alive[table.row_of[key]] = False
        lexical = np.zeros(table.size, dtype=np.float32)
        self.words.accumulate(query.terms, query.factors, lexical)
        ids, _ = self.index.nearest(query.vector, N_VECTOR)
        found = table.rows_for(ids)
        pools = [found[found >= 0], _best(lexical, alive, N_WORDS, table.keys)]
        if query.seeker.has_category[0]:
            pools.append(self._in_trade(query, alive))
        rows = _union(pools, alive)
        # Every candidate's cosine from the kept vectors (one store, as in reverse matching):
        # fetching them from the IVF index cost a third of a search at 100k postings.
        semantic = self.kept.cosines(rows, query.vector)
        postings = table.take(rows)
        scored = score(query.seeker, postings, semantic, lexical[rows], now, self.weights)
        return [self._found(int(rows[i]), scored, int(i)) for i in top(scored, k)]

    def _in_trade(self, query: Query, alive: NDArray[np.bool_]) -> Rows:
        """Postings of a wanted trade; past N_FILTERED, those in or next to the seeker's
        districts and the freshest first (a cheap prior, not the score)."""
        table = self.table
        wanted = query.seeker.category_bits[0]
        rows = np.flatnonzero(alive & ((table.column("category_bits") & wanted) != 0))
        if len(rows) <= N_FILTERED:
            return rows
        codes = wanted_codes(int(wanted))
        fit = table.column("affinity")[np.ix_(rows, codes)].max(axis=1)
        district = table.column("district")[rows]
        near = query.seeker.chosen[0][district] | query.seeker.neighbour[0][district]
        prior = fit + near + table.column("posted")[rows] / 1e10  # the newer wins a tie
        return rows[np.argpartition(-prior, N_FILTERED - 1)[:N_FILTERED]]

    def _found(self, row: int, scored: Scored, i: int) -> Found:
        verified = bool(self.table.column("verified")[row])
        parts = reason_parts(self.table.facts[row], scored, i, verified)
        return Found(
            int(self.table.keys[row]), float(scored.score[i]), bool(scored.near_miss[i]), parts
        )


class SeekerSide:
    """Seekers who may receive pushes: columns, their wish words and their vectors."""

    def __init__(self, index: AnyIndex, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.index = index
        self.weights = weights
        self.table: Table[SeekerBatch] = Table(SeekerBatch)
        self.kept = KeptVectors(index.dim)  # by table row: the cosines of reverse matching
        self.words = InvertedIndex()
        self.trades = TradeRows()

    def put(
        self,
        profiles: Sequence[SeekerProfile],
        stamps: Sequence[int],
        new: Sequence[int],
        vectors: F32,
        posting_words_index: InvertedIndex,
    ) -> None:
        """Add or replace seekers (vectors as in `PostingSide.put`); their word weights use
        the postings' document frequencies."""
        if not profiles:
            return
        _add_vectors(self.index, [p.user_id for p in profiles], stamps, new, vectors)
        # Rows in trade order, so the seekers of one trade sit in a few long runs of rows:
        # reverse matching reads every column and vector of a trade's seekers, and at 1M
        # seekers those reads, scattered over the table, cost more than the arithmetic.
        profiles = sorted(profiles, key=_trade_order)
        ids = [p.user_id for p in profiles]
        embedded = self.index.vectors(np.array(ids, dtype=np.int64))
        self.index = resized(self.index)
        # The int8 store's scale from seekers of every trade, not from the first chunk (the
        # first trade's seekers, now that rows are in trade order).
        self.kept.calibrate(embedded[:: max(1, len(embedded) // CHUNK)])
        for start in range(0, len(profiles), CHUNK):
            chunk = profiles[start : start + CHUNK]
            keys = [p.user_id for p in chunk]
            batch = seeker_batch(chunk, self.weights)
            nothing = [None] * len(keys)
            rows = self.table.extend(keys, batch, nothing)
            self.kept.put(rows, embedded[start : start + CHUNK])
            self.trades.add(rows, batch.category_bits)
            terms, docs = corpus_keys([seeker_keywords(p) for p in chunk])
            terms, owners, shares = query_factors(terms, docs, posting_words_index)
            self.words.add(terms, rows[owners], shares, len(chunk), len(terms))
        self.words.settle()

    def nbytes(self) -> dict[str, int]:
        """Bytes by part: the vector index, columns and kept embeddings, the word index, the
        per-trade row lists."""
        return {
            **_side_bytes(self.index, self.table, self.words),
            "kept_vectors": self.kept.nbytes(),
            "trades": self.trades.nbytes(),
        }

    def drop(self, ids: Collection[int]) -> None:
        """Forget seekers (paused, found work, deleted their data, withdrew consent)."""
        self.index.remove(np.array(list(ids), dtype=np.int64))
        self.index = resized(self.index)
        for key in ids:
            self.table.remove(key)

    def reach(
        self,
        posting: Posting,
        vector: F32,
        posting_words_index: InvertedIndex,
        now: float,
        threshold: float,
        limit: int | None = None,
    ) -> list[Found]:
        """Every seeker a posting fits at or above `threshold` (with `limit`, only the best
        that many), best first (a tie: the lower user id first), with reasons."""
        table = self.table
        if len(table) == 0:
            return []
        alive = table.alive[: table.size]
        target = posting_batch([posting])
        keys = text_keys(posting_words(posting.title, posting.description))
        terms, _, counts = term_counts(keys, np.zeros(len(keys), np.int64))
        tf = bm25_tf(counts, np.full(len(counts), len(keys)), posting_words_index.avg_length)
        lexical = np.zeros(table.size, dtype=np.float32)
        self.words.accumulate(terms, tf.astype(np.float64), lexical)
        ids, _ = self.index.nearest(vector.astype(np.float32), N_REACH_VECTOR)
        found = table.rows_for(ids)
        by_vector = found[found >= 0]
        # The pool's cosines again from the kept vectors, so every score reads one store.
        cosines = self.kept.cosines(by_vector, vector)
        in_trade = self.trades.rows(int(target.category_bits[0]))
        pools = [by_vector, _best(lexical, alive, N_REACH_WORDS, table.keys), *in_trade]
        rows = _union(pools, alive)
        # Only the posting's district column of the seekers' place arrays is needed.
        district = int(target.district[0])
        seekers = table.take(rows, dict.fromkeys(("district_km", "chosen", "neighbour"), district))
        target = replace(target, district=np.zeros(1, dtype=np.int64))
        # Upper bound first: the score with the best possible meaning (cosine 1) for every
        # seeker the vector search did not already measure. The score only rises with it, so
        # whoever fails the bound fails for certain, and only the rest have vectors fetched.
        # (The pool's last cosine would be a tighter bound, but IVF misses 8% of the true top
        # 200 on e5 vectors, and a missed push is worse than 2 ms.)
        prepared = prepare(seekers, target, lexical[rows], now, self.weights)
        semantic = _known(rows, by_vector, cosines)
        bound = with_semantic(prepared, np.nan_to_num(semantic, nan=1.0))
        keep = np.flatnonzero((bound.score >= threshold) & ~bound.excluded)
        if len(keep) == 0:
            return []
        if limit is not None and len(keep) > limit:
            keep = self._leading(keep, bound.score, semantic, rows, vector, prepared, limit)
        rows, semantic = rows[keep], semantic[keep]
        fetch = np.isnan(semantic)
        semantic[fetch] = self.kept.cosines(rows[fetch], vector)
        scored = with_semantic(prepared, semantic, keep)
        facts = facts_of(posting)
        verified = bool(target.verified[0])
        best = ranked(scored, table.keys[rows], threshold, limit)
        # Thousands of seekers share a few dozen reasons: build each distinct one once, keyed
        # by what a reason says (category, whole km, and the four flags it reads).
        km = np.clip(np.round(np.nan_to_num(scored.km[best], nan=-1.0)), -1, 4000) + 1
        flags = np.stack([scored.km_measured, scored.beyond, scored.neighbour, scored.pay_below])[
            :, best
        ]
        kinds = ((scored.category[best] + 1) * 4096 + km.astype(np.int64)) * 16 + (
            flags.T.astype(np.int64) @ np.array([1, 2, 4, 8])
        )
        distinct, first = np.unique(kinds, return_index=True)
        parts = {
            kind: reason_parts(facts, scored, int(best[i]), verified)
            for kind, i in zip(distinct.tolist(), first.tolist(), strict=True)
        }
        return list(
            map(
                Found,
                table.keys[rows[best]].tolist(),
                scored.score[best].tolist(),
                scored.near_miss[best].tolist(),
                [parts[kind] for kind in kinds.tolist()],
            )
        )

    def _leading(
        self,
        keep: Rows,
        bound: F32,
        semantic: F32,
        rows: Rows,
        vector: F32,
        prepared: Scored,
        limit: int,
    ) -> Rows:
        """The positions that can be among the best `limit` (and fills `semantic` for those
        it measured): a score never exceeds its bound, so once the `limit` best bounds are
        measured, the lowest of their scores is a floor that every other candidate's bound
        must reach. Every one of those `limit` reaches it too (its bound is at least its
        score), so the answer is simply the kept positions whose bound reaches the floor."""
        first = keep[np.argpartition(-bound[keep], limit - 1)[:limit]]
        fetch = first[np.isnan(semantic[first])]
        semantic[fetch] = self.kept.cosines(rows[fetch], vector)
        floor = float(with_semantic(prepared, semantic[first], first).score.min())
        return keep[bound[keep] >= floor]


def _add_vectors(
    index: AnyIndex, keys: Sequence[int], stamps: Sequence[int], new: Sequence[int], vectors: F32
) -> None:
    if len(new):
        index.add(
            np.array([keys[i] for i in new], dtype=np.int64),
            vectors,
            np.array([stamps[i] for i in new], dtype=np.int64),
        )


def _trade_order(profile: SeekerProfile) -> tuple[tuple[int, ...], int]:
    """A seeker's chosen trades as sorted column numbers, then the user id: seekers of trade
    A, then of A and B, A and C, …, then B, so every trade's seekers fall into one run per
    lower trade, and the rows do not depend on the order the seekers came in."""
    codes = tuple(sorted(CODE_INDEX.get(code, len(CODES)) for code in profile.categories))
    return codes, profile.user_id


def _side_bytes(index: AnyIndex, table: Table[Any], words: InvertedIndex) -> dict[str, int]:
    return {
        "vector_index": index.nbytes(),
        "columns": table.nbytes(),
        "words": words.nbytes(),
    }


def _union(pools: list[Rows], alive: NDArray[np.bool_]) -> Rows:
    """Sorted live rows in any pool (a mask over the table beats np.unique on 10k rows)."""
    mask = np.zeros(len(alive), dtype=bool)
    for pool in pools:
        mask[pool] = True
    return np.flatnonzero(mask & alive)


def _known(rows: Rows, found: Rows, cosines: F32) -> F32:
    """Cosines the vector search already gave for some rows (NaN for the others)."""
    semantic = np.full(len(rows), np.nan, dtype=np.float32)
    if len(found):
        order = np.argsort(found)
        at = np.clip(np.searchsorted(found[order], rows), 0, len(found) - 1)
        have = found[order][at] == rows
        semantic[have] = cosines[order][at[have]]
    return semantic


def _best(values: F32, alive: NDArray[np.bool_], n: int, keys: Keys) -> Rows:
    """Rows of the n largest positive values among live rows; of those tied at the cut, the
    lower keys, so the pool does not depend on the order rows were added in."""
    candidates = np.flatnonzero(alive & (values > 0))
    if len(candidates) <= n:
        return candidates.astype(np.int64)
    found = values[candidates]
    if len(found) >= SAMPLED_FROM * n:
        # Every STRIDE-th value's n-th largest has n values at or above it, so the cut is
        # not below it: only the values that reach it are partitioned (at 1M seekers a
        # common word is in 300k of them, and the partition of them all was 2 ms).
        reach = found >= np.partition(found[::STRIDE], -n)[-n]
        candidates, found = candidates[reach], found[reach]
    cut = -np.partition(-found, n - 1)[n - 1]
    above = candidates[found > cut]
    tied = candidates[found == cut]
    tied = tied[np.argsort(keys[tied], kind="stable")[: n - len(above)]]
    return np.concatenate([above, tied]).astype(np.int64)
