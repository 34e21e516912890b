"""The Matcher: the one place where the async application meets the synchronous matching core.

It keeps two sides in memory (postings; seekers who may receive pushes), each with a vector
index persisted next to the database. On open and on `sync()` it compares what it holds with
the database: id -> updated_at decides which rows to reload, and each vector's stamp (a hash
of the model and the embedded text) decides whether it can be reused or must be encoded. So a
deleted or stale index file, or a posting written behind the matcher's back, is repaired by
the next sync. A text not in the index is looked up in the database (text_vectors) before it
is encoded, and what is encoded is stored there: a new worker, a restart or a lost index file
runs the model only on texts never encoded before. Every call into the core goes through
`_blocking` (matching/bridge.py: asyncio.to_thread) under one thread lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matching.bridge import run_blocking
from matching.explain import Phrases, ReasonPart, render, render_many
from matching.index import AnyIndex, FlatIndex, load_index
from matching.lazy_encoder import LazyEncoder
from matching.matches import Match, SeekerMatch, SyncReport, TextEncoder
from matching.parser import ParsedPost
from matching.post_trade import TradeReader
from matching.profile_text import posting_text, seeker_text, stamp
from matching.searcher import Found, PostingSide, SeekerSide
from models.db import Database
from models.posting import Posting
from models.repos.postings import PostingRepo
from models.repos.seekers import SeekerRepo
from models.repos.text_vectors import TextKey, TextVectorRepo
from models.repos.users import UserRepo
from models.seeker import SeekerProfile

__all__ = ["Match", "Matcher", "SeekerMatch", "SyncReport", "TextEncoder"]

log = logging.getLogger(__name__)

F32 = NDArray[np.float32]

# A search asks the core for a few more results than wanted, so postings closed behind the
# matcher's back (found by the status check) can be dropped without a second search.
SPARE = 5
# Index files are rewritten after this many single changes (each write of a 100k index is
# ~150 MB); a missed write costs nothing but re-adding those few rows on the next open.
SAVE_EVERY = 200
# Rebuild a side's columns and word index when dead rows (replaced/removed) outnumber this
# share of the live ones: they cost memory and scanning time but are never returned.
COMPACT_SHARE = 0.5
# Show the encoder's progress bar when a sync has at least this many new texts (~2.5 s).
PROGRESS_FROM = 256


class Matcher:
    """Finds postings for seekers and seekers for postings; build with `await Matcher.open`."""

    def __init__(
        self,
        db: Database,
        encoder: TextEncoder,
        index_dir: Path,
        phrases: Phrases,
        lang: str = "zh",
        progress: bool = False,
    ) -> None:
        self._db = db
        self._encoder = encoder
        self._phrases = phrases
        self._lang = lang
        self._progress = progress
        self._postings = PostingRepo(db)
        self._seekers = SeekerRepo(db)
        self._users = UserRepo(db)
        self._stored = TextVectorRepo(db)
        stem = db.stem
        self._files = {
            "postings": index_dir / f"{stem}.postings.index.npz",
            "seekers": index_dir / f"{stem}.seekers.index.npz",
        }
        self._posting_side = PostingSide(self._empty_index())
        self._seeker_side = SeekerSide(self._empty_index())
        self._posting_versions: dict[int, str] = {}
        self._seeker_versions: dict[int, str] = {}
        self._changes = asyncio.Lock()  # one sync or change at a time
        self._core = threading.Lock()  # the sides are read and written in worker threads
        self._unsaved = 0
        self.opened: SyncReport | None = None  # what the sync on open did
        self._opening: asyncio.Task[SyncReport] | None = None  # that sync, when in the background
        self._trades: TradeReader | None = None

    @classmethod
    async def open(
        cls,
        db: Database,
        encoder: TextEncoder,
        index_dir: Path,
        *,
        phrases: Phrases,
        lang: str = "zh",
        progress: bool = False,
        background: bool = False,
    ) -> Matcher:
        """Load the saved indexes (when they fit this model) and sync with the database.

        With `background` the sync runs after this returns (a serving process whose model is
        still loading, matching.lazy_encoder): every call waits for it first (`ready`).
        """
        matcher = cls(db, encoder, Path(index_dir), phrases, lang, progress)
        await _blocking(Path(index_dir).mkdir, parents=True, exist_ok=True)
        matcher._posting_side.index = await _blocking(matcher._load, "postings")
        matcher._seeker_side.index = await _blocking(matcher._load, "seekers")
        if background:
            matcher._opening = asyncio.create_task(matcher._sync(), name="matcher sync on open")
        else:
            matcher.opened = await matcher._sync()
        return matcher

    async def ready(self) -> SyncReport | None:
        """Wait until the sync on open is done and the model is loaded; what the sync did."""
        await self._synced()
        await self._model_loaded()
        return self.opened

    @property
    def state(self) -> str:
        """The sync on open: "syncing" while it runs, "failed" if it failed, else "ready"."""
        opening = self._opening
        if opening is None or not opening.done():
            return "ready" if opening is None else "syncing"
        return "failed" if opening.cancelled() or opening.exception() else "ready"

    async def _synced(self) -> None:
        """The sync on open is done (a caller cancelled while waiting does not cancel it)."""
        if self._opening is not None:
            self.opened = await asyncio.shield(self._opening)

    @property
    def encoder(self) -> TextEncoder:
        """The encoder the matcher embeds with (its batch figures feed /metrics)."""
        return self._encoder

    @property
    def trades(self) -> TradeReader:
        """Reads posts' trades by keywords and meaning with this matcher's model (blocking)."""
        if self._trades is None:
            self._trades = TradeReader(self._encoder)
        return self._trades

    @property
    def posting_count(self) -> int:
        """Postings that can be matched now."""
        return len(self._posting_side.table)

    @property
    def seeker_count(self) -> int:
        """Seekers who may be reached now."""
        return len(self._seeker_side.table)

    async def sync(self) -> SyncReport:
        """Make the in-memory sides and saved indexes agree with the database."""
        await self._synced()
        return await self._sync()

    async def _sync(self) -> SyncReport:
        async with self._changes:
            versions = await self._postings.matchable_versions()
            stale_ids = set(self._posting_side.index.stamps()) - versions.keys()
            gone = (self._posting_versions.keys() - versions.keys()) | stale_ids
            changed = [i for i, v in versions.items() if self._posting_versions.get(i) != v]
            compact = self._posting_side.table.dead > COMPACT_SHARE * max(len(versions), 1000)
            if compact:
                fresh = PostingSide(self._posting_side.index, self._posting_side.weights)
                self._posting_side = fresh
                changed = list(versions)
            postings = await self._postings.many(changed)
            encoded = await self._put_postings(list(postings.values()), gone)
            self._posting_versions = {
                i: v for i, v in versions.items() if i in postings or i in self._posting_versions
            }

            profiles = await self._seekers.all_active()
            active = {p.user_id: _version(p) for p in profiles}
            stale_seekers = set(self._seeker_side.index.stamps()) - active.keys()
            gone_seekers = (self._seeker_versions.keys() - active.keys()) | stale_seekers
            if compact or self._seeker_side.table.dead > COMPACT_SHARE * max(len(active), 1000):
                self._seeker_side = SeekerSide(self._seeker_side.index, self._seeker_side.weights)
                self._seeker_versions = {}
            fresh_profiles = [
                p for p in profiles if self._seeker_versions.get(p.user_id) != active[p.user_id]
            ]
            encoded += await self._put_seekers(fresh_profiles, gone_seekers)
            self._seeker_versions = active
            report = SyncReport(
                postings=self.posting_count,
                postings_changed=len(postings),
                postings_removed=len(gone),
                seekers=self.seeker_count,
                seekers_changed=len(fresh_profiles),
                seekers_removed=len(gone_seekers),
                encoded=encoded,
            )
            if postings or gone or fresh_profiles or gone_seekers or self._unsaved:
                await _blocking(self._save)
            return report

    async def posting_changed(self, posting_id: int) -> None:
        """Re-read one posting (published, edited, closed, expired, merged)."""
        await self._synced()
        async with self._changes:
            version = (await self._postings.matchable_versions([posting_id])).get(posting_id)
            posting = await self._postings.get(posting_id) if version else None
            if posting is None or version is None:
                await self._put_postings([], {posting_id})
                self._posting_versions.pop(posting_id, None)
            else:
                await self._put_postings([posting], set())
                self._posting_versions[posting_id] = version
            await self._count_change()

    async def seeker_changed(self, user_id: int) -> None:
        """Re-read one seeker (profile edited, paused, consent, found work, data deleted)."""
        await self._synced()
        async with self._changes:
            profile = await self._seekers.get(user_id)
            user = await self._users.by_id(user_id)
            reachable = (
                profile is not None
                and user is not None
                and user.subscribed
                and profile.consent is True
                and not profile.paused
                and profile.status == "active"
            )
            if profile is None or not reachable:
                await self._put_seekers([], {user_id})
                self._seeker_versions.pop(user_id, None)
                # A seeker who left (or deleted their data) leaves the file now, not later.
                await _blocking(self._save)
            else:
                await self._put_seekers([profile], set())
                self._seeker_versions[user_id] = _version(profile)
                await self._count_change()

    async def search(
        self, profile: SeekerProfile, k: int, now: datetime, exclude: Collection[int] = ()
    ) -> list[Match]:
        """The k best postings for a profile (stored or ad hoc), best first, with reasons."""
        return (await self.search_many([profile], k, now, exclude))[0]

    async def search_many(
        self,
        profiles: Sequence[SeekerProfile],
        k: int,
        now: datetime,
        exclude: Collection[int] = (),
    ) -> list[list[Match]]:
        """`search` for many profiles, their texts encoded in one batch."""
        await self._synced()
        vectors = await self._known_or_encoded(
            "seekers", [p.user_id for p in profiles], [seeker_text(p) for p in profiles], "query"
        )
        when = now.timestamp()
        found = [
            await _blocking(self._search, profile, vector, k + SPARE, when, exclude)
            for profile, vector in zip(profiles, vectors, strict=True)
        ]
        ids = sorted({f.key for results in found for f in results})
        valid = await self._postings.still_matchable(ids, now)
        stale = [i for i in ids if i not in valid]
        for posting_id in stale:  # closed or expired behind our back: forget them now
            await self.posting_changed(posting_id)
        return [[self._match(f) for f in results if f.key in valid][:k] for results in found]

    async def search_text(
        self, wish: str, k: int, now: datetime, profile: SeekerProfile | None = None
    ) -> list[Match]:
        """Postings for a free-text wish (on top of an optional profile)."""
        base = profile or SeekerProfile(user_id=0)
        return await self.search(base.with_(wish=wish), k, now)

    async def reach(
        self, posting: Posting, now: datetime, threshold: float, limit: int | None = None
    ) -> list[SeekerMatch]:
        """The seekers a posting should be pushed to: score at or above threshold, best first
        (a tie: the lower user id first); with `limit`, the best that many, which a longer
        limit extends."""
        await self._synced()
        vector = (
            await self._known_or_encoded(
                "postings", [posting.id], [posting_text(posting)], "passage"
            )
        )[0]
        await self._trades_ready()
        posting = self._with_category(posting, vector)
        found = await _blocking(self._reach, posting, vector, now.timestamp(), threshold, limit)
        reasons = render_many([f.parts for f in found], self._phrases, self._lang)
        return [
            SeekerMatch(f.key, f.score, reason, f.near_miss, f.parts)
            for f, reason in zip(found, reasons, strict=True)
        ]

    async def cosines(
        self, profiles: Sequence[SeekerProfile], postings: Sequence[Posting]
    ) -> list[float]:
        """e5 cosine of each profile's text with the posting beside it (the push bars read
        it); indexed vectors are reused, only texts not in the index are encoded."""
        if not profiles:
            return []
        await self._synced()
        seekers = await self._known_or_encoded(
            "seekers",
            [p.user_id or None for p in profiles],
            [seeker_text(p) for p in profiles],
            "query",
        )
        unique = {id(p): p for p in postings}
        passages = await self._known_or_encoded(
            "postings",
            [p.id for p in unique.values()],
            [posting_text(p) for p in unique.values()],
            "passage",
        )
        row = {key: i for i, key in enumerate(unique)}
        chosen = passages[[row[id(p)] for p in postings]]
        return np.einsum("ij,ij->i", seekers, chosen).astype(float).tolist()  # type: ignore[no-any-return]

    async def categorised(self, posting: Posting) -> Posting:
        """The posting as matching reads it: without keyword codes, the one its meaning clears
        the trade bar for (matching/trade_meaning.py), if any."""
        if posting.categories:
            return posting
        await self._synced()
        vector = (
            await self._known_or_encoded(
                "postings", [posting.id], [posting_text(posting)], "passage"
            )
        )[0]
        await self._trades_ready()
        return self._with_category(posting, vector)

    async def read_trades(self, jobs: Sequence[ParsedPost]) -> list[ParsedPost]:
        """`trades.read` (the trades of parsed jobs by meaning), once the model is loaded."""
        await self._model_loaded()
        return await _blocking(self.trades.read, jobs)

    async def close(self) -> None:
        """Write unsaved index changes (none when closed before the sync on open finished)."""
        if self._opening is not None and not self._opening.done():
            self._opening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._opening
            return
        async with self._changes:
            if self._unsaved:
                await _blocking(self._save)

    # --- inside the worker thread -----------------------------------------------------------

    def _search(
        self, profile: SeekerProfile, vector: F32, k: int, now: float, exclude: Collection[int]
    ) -> list[Found]:
        with self._core:
            side = self._posting_side
            return side.search(side.query(profile, vector), k, now, exclude)

    def _reach(
        self, posting: Posting, vector: F32, now: float, threshold: float, limit: int | None
    ) -> list[Found]:
        with self._core:
            words = self._posting_side.words
            return self._seeker_side.reach(posting, vector, words, now, threshold, limit)

    def _load(self, name: str) -> AnyIndex:
        path = self._files[name]
        if not path.exists():
            return self._empty_index()
        try:
            index = load_index(path)
        except ValueError as error:
            log.warning("rebuilding the %s index: %s", name, error)
            return self._empty_index()
        if index.dim != self._encoder.dim or index.meta.get("model") != self._encoder.model_id:
            log.info("rebuilding the %s index for model %s", name, self._encoder.model_id)
            return self._empty_index()
        return index

    def _save(self) -> None:
        with self._core:
            self._posting_side.index.save(self._files["postings"])
            self._seeker_side.index.save(self._files["seekers"])
            self._unsaved = 0

    def _empty_index(self) -> AnyIndex:
        return FlatIndex.empty(self._encoder.dim, {"model": self._encoder.model_id})

    # --- async helpers ------------------------------------------------------------------------

    async def _put_postings(self, postings: list[Posting], gone: Collection[int]) -> int:
        texts = [posting_text(p) for p in postings]
        ids = [p.id or 0 for p in postings]
        stamps, new, vectors, encoded = await self._missing("postings", ids, texts, "passage")
        postings = await self._categorised(postings, texts)

        def apply() -> None:
            with self._core:
                self._posting_side.drop(list(gone))
                self._posting_side.put(postings, stamps, new, vectors)

        await _blocking(apply)
        return encoded

    async def _put_seekers(self, profiles: list[SeekerProfile], gone: Collection[int]) -> int:
        texts = [seeker_text(p) for p in profiles]
        ids = [p.user_id for p in profiles]
        stamps, new, vectors, encoded = await self._missing("seekers", ids, texts, "query")

        def apply() -> None:
            with self._core:
                side = self._seeker_side
                side.drop(list(gone))
                side.put(profiles, stamps, new, vectors, self._posting_side.words)

        await _blocking(apply)
        return encoded

    async def _missing(
        self, side: str, ids: list[int], texts: list[str], kind: Literal["query", "passage"]
    ) -> tuple[list[int], list[int], F32, int]:
        """Stamps of the texts, positions whose index entry is missing or stale, their vectors
        (stored ones or encoded), and how many were encoded."""
        model = self._encoder.model_id
        stamps = [stamp(t, model) for t in texts]

        def stale() -> list[int]:
            with self._core:
                index = self._index(side)
                return [i for i, key in enumerate(ids) if index.stamp_of(key) != stamps[i]]

        new = await _blocking(stale)
        owners = [ids[i] for i in new] if side == "seekers" else None
        vectors, encoded = await self._stored_or_encoded([texts[i] for i in new], kind, owners)
        return stamps, new, vectors, encoded

    async def _stored_or_encoded(
        self, texts: list[str], kind: Literal["query", "passage"], owners: list[int] | None
    ) -> tuple[F32, int]:
        """Vectors of texts read from the database where stored, the rest encoded and stored
        (a seeker's under their user id: `owners`); and how many were encoded."""
        vectors = np.zeros((len(texts), self._encoder.dim), dtype=np.float32)
        identity = f"{self._encoder.model_id}\n{kind}"
        todo = [i for i, text in enumerate(texts) if text]
        keys = [TextKey(identity, texts[i], owners[i] if owners else None) for i in todo]
        found = await self._stored.found(keys)
        for row, blob in found.items():
            vectors[todo[row]] = np.frombuffer(blob, dtype="<f4")
        rest = [row for row in range(len(todo)) if row not in found]
        if rest:
            fresh = await self._encode([texts[todo[row]] for row in rest], kind)
            vectors[[todo[row] for row in rest]] = fresh
            items = [(keys[row], fresh[n].astype("<f4").tobytes()) for n, row in enumerate(rest)]
            await self._stored.store(items, datetime.now(UTC))
        return vectors, len(rest)

    async def _encode(self, texts: list[str], kind: Literal["query", "passage"]) -> F32:
        """Embeddings of texts; an empty text (a profile with nothing to say) gets zeros."""
        vectors = np.zeros((len(texts), self._encoder.dim), dtype=np.float32)
        todo = [i for i, text in enumerate(texts) if text]
        if todo:
            progress = self._progress and len(todo) >= PROGRESS_FROM
            await self._model_loaded()
            vectors[todo] = await _blocking(
                self._encoder.encode, [texts[i] for i in todo], kind, progress=progress
            )
        return vectors

    async def _known_or_encoded(
        self, side: str, ids: list[int | None], texts: list[str], kind: Literal["query", "passage"]
    ) -> F32:
        """Vectors for texts: the index's own where its stamp matches, the rest encoded."""
        model = self._encoder.model_id
        stamps = [stamp(t, model) for t in texts]

        def known() -> tuple[list[int], F32]:
            with self._core:
                index = self._index(side)
                hits = [
                    i
                    for i, key in enumerate(ids)
                    if key is not None and index.stamp_of(key) == stamps[i]
                ]
                keys = np.array([ids[i] for i in hits], dtype=np.int64)
                return hits, index.vectors(keys)

        hits, held = await _blocking(known)
        vectors = np.zeros((len(texts), self._encoder.dim), dtype=np.float32)
        if hits:
            vectors[hits] = held
        rest = [i for i in range(len(texts)) if i not in set(hits)]
        if rest and side == "postings":
            stored, _ = await self._stored_or_encoded([texts[i] for i in rest], kind, None)
            vectors[rest] = stored
        elif rest:  # a seeker's text outside the index may be an ad hoc wish: not stored
            vectors[rest] = await self._encode([texts[i] for i in rest], kind)
        return vectors

    async def _trades_ready(self) -> None:
        """The trade reader's A–Q vectors encoded (once per matcher), so that reading a trade
        from a vector blocks on nothing."""
        await self._model_loaded()
        await _blocking(self.trades.centroids)

    async def _model_loaded(self) -> None:
        """Wait for a model still loading (matching.lazy_encoder) here, not in a worker thread."""
        if isinstance(self._encoder, LazyEncoder):
            await self._encoder.loaded()

    async def _categorised(self, postings: list[Posting], texts: list[str]) -> list[Posting]:
        """Postings the keywords left without a category get the trade bar's answer, if any."""
        todo = [i for i, p in enumerate(postings) if not p.categories]
        if not todo:
            return postings
        vectors = await self._known_or_encoded(
            "postings", [postings[i].id for i in todo], [texts[i] for i in todo], "passage"
        )
        await self._trades_ready()
        out = list(postings)
        for row, i in enumerate(todo):
            out[i] = self._with_category(postings[i], vectors[row])
        return out

    def _with_category(self, posting: Posting, vector: F32) -> Posting:
        """Call after `_trades_ready` (so that nothing here blocks on the model)."""
        if posting.categories:
            return posting
        # No keyword codes: the trade reader's reading without keywords (its meaning alone).
        reading = self.trades.without_keywords(vector)
        if not reading.codes:
            return posting
        return posting.with_(categories=reading.codes, category_confidence=reading.confidence)

    def _index(self, side: str) -> AnyIndex:
        return self._posting_side.index if side == "postings" else self._seeker_side.index

    async def _count_change(self) -> None:
        self._unsaved += 1
        if self._unsaved >= SAVE_EVERY:
            await _blocking(self._save)

    def _match(self, found: Found) -> Match:
        return Match(
            found.key, found.score, self._reason(found.parts), found.near_miss, found.parts
        )

    def _reason(self, parts: Sequence[ReasonPart]) -> str:
        return render(parts, self._phrases, self._lang)


def _version(profile: SeekerProfile) -> str:
    return profile.updated_at.isoformat() if profile.updated_at else ""


_blocking = run_blocking  # the one bridge (matching/bridge.py)
