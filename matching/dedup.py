"""Near-duplicate postings: the same gig pasted into many groups, reposted, or lightly edited.

Three tests, strongest first:
- exact: the same text once emoji, spaces and punctuation are gone (a SHA-1 of that);
- near: character-bigram Jaccard similarity at or above `NEAR_THRESHOLD`; MinHash band keys find
  the candidates (stored per posting), the exact similarity of the two texts then decides;
- contact: the same phone with the same category, district and pay (a repost in new words).
A duplicate collapses into the first posting, which keeps the list of sources and a count.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash
from numpy.typing import NDArray

from matching.normalize import normalize_text
from models.posting import Posting

SHINGLE = 2  # most Chinese words are two characters
NUM_PERM = 100
# 20 bands of 5 rows: P(candidate) is 0.975 at similarity 0.7 and 0.996 at 0.75, but only 0.18 at
# 0.4, so a feed of look-alike rows (one template, many employers) does not compare all pairs.
BANDS, ROWS = 20, 5
# Measured on a 60-character gig post: a copy with new punctuation and emoji scores 0.93, a repost
# with a new headcount, pay and date wording 0.74; another job of the same poster from the same
# template ("物流仓库打包 5名 限女 …") 0.58, a different job with the same phone 0.43.
NEAR_THRESHOLD = 0.7
_SEED = 7
# Drawing the permutations is most of a MinHash's cost; every signature shares one set.
_FIRST = MinHash(num_perm=NUM_PERM, seed=_SEED)
_PERMUTATIONS, _SCHEME = _FIRST.permutations, _FIRST.scheme
_KEEP = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedup stores per posting: the exact hash and the lookup keys."""

    text_hash: str
    grams: frozenset[str]
    band_keys: tuple[int, ...]
    contact_keys: tuple[int, ...]

    @property
    def keys(self) -> tuple[int, ...]:
        """Every lookup key (bands and contact keys) for the candidate search."""
        return self.band_keys + self.contact_keys


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The posting a new one duplicates, why, and how similar their texts are."""

    posting_id: int
    kind: str  # exact / near / contact
    similarity: float


def canonical_text(text: str) -> str:
    """Lower-case letters, digits and Chinese only: what two copies of a post share."""
    return _KEEP.sub("", normalize_text(text).lower())


def text_hash(text: str) -> str:
    """SHA-1 of the canonical text: equal for copies differing in emoji, spaces or punctuation."""
    return hashlib.sha1(canonical_text(text).encode("utf-8")).hexdigest()


def grams(text: str) -> frozenset[str]:
    """The character bigrams of the canonical text."""
    canon = canonical_text(text)
    return frozenset(canon[i : i + SHINGLE] for i in range(max(1, len(canon) - SHINGLE + 1)))


def signature(shingles: frozenset[str]) -> NDArray[np.uint32]:
    """The MinHash signature of a set of shingles (used only to find candidates)."""
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_PERMUTATIONS, scheme=_SCHEME)
    mh.update_batch([g.encode("utf-8") for g in shingles if g])
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def band_keys(sig: NDArray[np.uint32]) -> tuple[int, ...]:
    """LSH band keys: two texts sharing any key are candidates for the similarity check."""
    return tuple(
        _key(b"b" + bytes([band]) + sig[band * ROWS : (band + 1) * ROWS].tobytes())
        for band in range(BANDS)
    )


def contact_keys(posting: Posting) -> tuple[int, ...]:
    """One key per phone when category, district and pay are all known (a repost in new words)."""
    pay = posting.pay
    if not (posting.phones and posting.categories and posting.district and pay.known):
        return ()
    tail = f"|{posting.categories[0]}|{posting.district}|{pay.min}|{pay.max}|{pay.unit}"
    return tuple(_key(("c" + phone + tail).encode("utf-8")) for phone in posting.phones)


def fingerprint(posting: Posting) -> Fingerprint:
    """Everything dedup needs to look a posting up and store it."""
    shingles = grams(posting.text)
    return Fingerprint(
        text_hash=text_hash(posting.text),
        grams=shingles,
        band_keys=band_keys(signature(shingles)),
        contact_keys=contact_keys(posting),
    )


def find_duplicate(
    posting: Posting,
    fp: Fingerprint,
    candidates: Iterable[Posting],
    grams_of: Callable[[Posting], frozenset[str]] | None = None,
) -> Duplicate | None:
    """The known posting this one duplicates, if any; the oldest wins among equals.

    `grams_of` may cache the candidates' shingles across calls (bulk imports).
    """
    shingles = grams_of or (lambda p: grams(p.text))
    best: Duplicate | None = None
    for other in sorted(candidates, key=lambda c: c.id or 0):
        if other.id is None:
            continue
        if other.text_hash == fp.text_hash:
            return Duplicate(other.id, "exact", 1.0)
        if not _compatible(posting, other):
            continue
        sim = similarity(fp.grams, shingles(other))
        if sim >= NEAR_THRESHOLD and (best is None or sim > best.similarity):
            best = Duplicate(other.id, "near", sim)
        elif best is None and set(fp.contact_keys) & set(contact_keys(other)):
            best = Duplicate(other.id, "contact", sim)
    return best


def _compatible(posting: Posting, other: Posting) -> bool:
    """Different districts, unrelated categories or different phones are different jobs,
    however alike the words (one template, many employers)."""
    if posting.district and other.district and posting.district != other.district:
        return False
    if posting.phones and other.phones and not set(posting.phones) & set(other.phones):
        return False
    return not (
        posting.categories
        and other.categories
        and not set(posting.categories) & set(other.categories)
    )


def unique_keys(fps: Sequence[Fingerprint]) -> list[int]:
    """All lookup keys of several fingerprints, once each."""
    return sorted({k for fp in fps for k in fp.keys})


def _key(data: bytes) -> int:
    # 63 bits: SQLite INTEGER is signed 64-bit.
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") >> 1
