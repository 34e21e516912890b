"""Sentence embeddings for matching: the one module that knows the embedding model's quirks.

It owns e5's "query: "/"passage: " prefixes (read from the model folder's prompts), the sequence
length, the batching, normalisation, local-only loading, and a cache keyed by text hash so that
the same text is never encoded twice. The model itself runs in one of two runners: torch (fp32
or bf16, matching/encoder_torch.py) or onnxruntime (fp32 or int8, matching/encoder_onnx.py); this
module imports neither torch nor sentence-transformers, so the onnx paths never load them once
the export is in the cache.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import numpy as np
from numpy.typing import NDArray
from rich.progress import Progress

from matching.encoder_backend import (
    ONNX_BACKENDS,
    Backend,
    choose_backend,
    cpu_flags,
    vector_suffix,
)
from matching.encoder_onnx import open_onnx
from matching.lazy_encoder import Identity, remember
from matching.model_files import model_folder
from matching.model_spec import Kind, ModelSpec

_log = logging.getLogger(__name__)

# Tokens per text, prefix included. Of 47,842 real postings (职位描述, dev set) 31.8% run past
# 256 tokens, 9.3% past 384 and 3.3% past 512 (median 200). Cutting at 256 left 5% of postings
# below cosine 0.98 with their full-length vector (worst 0.96), at 384 the worst was 0.983, while
# bf16 and token-budget batching already give 2-4x, so job texts keep e5's full 512.
MAX_SEQ_LENGTH = 512
# Texts are sorted by token count and batched up to this many padded tokens: 4 texts of 512, 32
# of 64. Attention memory grows with batch x length², so on long postings (bf16) this budget ran
# 3.9x plain ST's fixed batches of 32 against 3.5x for 4096 and 2.7x for 8192; on short titles
# every budget gave 2.3-2.5x.
TOKEN_BUDGET = 2048
# 384 float32 = 1.5 KB a vector; 50,000 of them (≈ 75 MB) cover a large station's live postings.
MEMORY_CACHE_SIZE = 50_000
_SQLITE_VARIABLES = 500  # keys per IN (...) lookup, far below SQLite's limit


class Runner(Protocol):
    """Runs the model on one batch: torch (matching/encoder_torch.py) or onnxruntime
    (matching/encoder_onnx.py, which imports no torch)."""

    one_per_run: bool  # run each text alone (its vector must not depend on batch-mates)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's token ids as the model sees them (the batching sorts by their count)."""
        ...

    def run(self, texts: list[str], ids: list[list[int]]) -> NDArray[np.float32]:
        """One batch's vectors, not yet normalised."""
        ...


class Encoder:
    """Turns texts into L2-normalised float32 vectors, encoding each distinct text only once."""

    def __init__(
        self,
        runner: Runner,
        spec: ModelSpec,
        model_id: str,
        store: _VectorStore | None,
        *,
        backend: Backend = "torch",
    ) -> None:
        self.model_id = model_id
        self.backend: Backend = backend
        self.dim: int = spec.dim
        self.texts_encoded = 0  # texts run through the model; cache hits never count
        self.batches = 0  # model batches run, and their total wall time (for /metrics)
        self.batch_seconds = 0.0
        self._runner = runner
        self._prompts = spec.prompts
        self._store = store
        self._memory: dict[tuple[Kind, bytes], NDArray[np.float32]] = {}
        self._lock = threading.Lock()  # encode() may be called from several worker threads

    def encode(
        self, texts: Sequence[str], kind: Kind, *, progress: bool = False
    ) -> NDArray[np.float32]:
        """Returns one unit vector per text (rows in input order), from cache where possible."""
        keys = [(kind, hashlib.sha1(text.encode("utf-8")).digest()) for text in texts]
        with self._lock:
            found = {key: self._memory[key] for key in keys if key in self._memory}
            missing = {
                key: text for key, text in zip(keys, texts, strict=True) if key not in found
            }
            if missing and self._store is not None:
                stored = self._store.get(self.model_id, kind, [digest for _, digest in missing])
                for digest, vector in stored.items():
                    found[(kind, digest)] = vector
                    del missing[(kind, digest)]
            if missing:  # a dict: duplicates inside one call are encoded once
                new = dict(
                    zip(missing, self._run(list(missing.values()), kind, progress), strict=True)
                )
                if self._store is not None:
                    self._store.put(self.model_id, kind, {d: v for (_, d), v in new.items()})
                found.update(new)
            for key, vector in found.items():  # least recently used first out
                self._memory.pop(key, None)
                self._memory[key] = vector
            while len(self._memory) > MEMORY_CACHE_SIZE:
                del self._memory[next(iter(self._memory))]
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys])

    def cache_bytes(self) -> int:
        """Bytes of the vectors held in the in-memory cache (for the memory figures)."""
        with self._lock:
            return sum(vector.nbytes for vector in self._memory.values())

    def close(self) -> None:
        """Closes the sqlite cache, if any."""
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self, texts: list[str], kind: Kind, progress: bool) -> NDArray[np.float32]:
        prompted = [self._prompts[kind] + text for text in texts]
        ids = self._runner.token_ids(prompted)
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        with Progress(transient=True, disable=not progress) as bar:
            task = bar.add_task("encoding texts", total=len(texts))
            if self._runner.one_per_run:
                runs = [[i] for i in range(len(texts))]
            else:
                runs = list(_batches([len(row) for row in ids]))
            for batch in runs:
                started = time.perf_counter()
                vectors[batch] = self._runner.run(
                    [prompted[i] for i in batch], [ids[i] for i in batch]
                )
                self.texts_encoded += len(batch)
                self.batches += 1
                self.batch_seconds += time.perf_counter() - started
                bar.advance(task, len(batch))
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors


def _batches(lengths: Sequence[int]) -> Iterator[list[int]]:
    """Groups text indexes, shortest first, so that no batch pads past TOKEN_BUDGET tokens."""
    batch: list[int] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if batch and (len(batch) + 1) * lengths[i] > TOKEN_BUDGET:
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


class _VectorStore:
    """Embeddings on disk by (model id, kind, sha1 of text), in a small sqlite file of its own."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # one connection shared by worker threads; Encoder's lock serialises every use of it
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # a lost vector is only recomputed
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model_id TEXT NOT NULL, kind TEXT NOT NULL, text_sha1 BLOB NOT NULL,"
            " vector BLOB NOT NULL, PRIMARY KEY (model_id, kind, text_sha1)) WITHOUT ROWID"
        )
        self._db.commit()

    def get(
        self, model_id: str, kind: Kind, digests: Sequence[bytes]
    ) -> dict[bytes, NDArray[np.float32]]:
        """Returns the stored vectors among `digests`."""
        found: dict[bytes, NDArray[np.float32]] = {}
        for start in range(0, len(digests), _SQLITE_VARIABLES):
            chunk = digests[start : start + _SQLITE_VARIABLES]
            rows = self._db.execute(
                "SELECT text_sha1, vector FROM embeddings WHERE model_id = ? AND kind = ?"
                f" AND text_sha1 IN ({','.join('?' * len(chunk))})",
                (model_id, kind, *chunk),
            )
            for digest, blob in rows:
                found[digest] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
        return found

    def put(self, model_id: str, kind: Kind, vectors: Mapping[bytes, NDArray[np.float32]]) -> None:
        """Stores vectors in one transaction."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (model_id, kind, text_sha1, vector)"
                " VALUES (?, ?, ?, ?)",
                [(model_id, kind, d, v.astype("<f4").tobytes()) for d, v in vectors.items()],
            )

    def close(self) -> None:
        """Closes the database file."""
        self._db.close()


def load_encoder(
    model: str | None,
    cache_dir: Path,
    *,
    cache_path: Path | None = None,
    backend: Backend = "auto",
) -> Encoder:
    """Loads a local sentence-transformers folder (None: the bundled e5); never a hub download.

    `cache_dir` holds the expanded default model (and its ONNX export); `cache_path`, when given,
    is the sqlite file that keeps embeddings across restarts; `backend` forces an inference path.
    The onnx paths import torch only to export the model, once per cache.
    """
    folder = model_folder(model, cache_dir)
    store = _VectorStore(cache_path) if cache_path is not None else None
    flags = cpu_flags()
    chosen = choose_backend(backend, flags)
    _log.info(
        "encoder backend %s (requested %s; cpu %s)",
        chosen,
        backend,
        ",".join(f for f, on in flags.items() if on) or "no relevant flags",
    )
    runner, spec = (
        _onnx(folder, cache_dir, chosen) if chosen in ONNX_BACKENDS else _torch(folder, chosen)
    )
    model_id = _model_id(folder, spec.max_length) + vector_suffix(chosen)
    encoder = Encoder(runner, spec, model_id, store, backend=chosen)
    remember(folder, cache_dir, chosen, Identity(encoder.model_id, encoder.dim))  # LazyEncoder
    return encoder


def _torch(folder: Path, backend: Backend) -> tuple[Runner, ModelSpec]:
    from matching.encoder_torch import TorchRunner, load_model, spec_of

    st = load_model(folder, MAX_SEQ_LENGTH)
    return TorchRunner(st, bf16=backend == "torch-bf16"), spec_of(st)


def _onnx(folder: Path, cache_dir: Path, backend: Backend) -> tuple[Runner, ModelSpec]:
    """The export in the cache, made first (with torch, once) when it is not there."""
    export = cache_dir / f"{_model_id(folder, 0)}-onnx"
    opened = open_onnx(export, backend)
    if opened is None:
        from matching.encoder_torch import export_onnx, load_model

        st = load_model(folder, MAX_SEQ_LENGTH)
        export_onnx(st, export)
        del st  # the torch weights go now, not at the next collection
        gc.collect()
        opened = open_onnx(export, backend)
        if opened is None:
            raise RuntimeError(f"the ONNX export in {export} is incomplete")
    return opened


def _model_id(folder: Path, max_seq_length: int) -> str:
    """Folder name plus a hash of every config file and the length cut: what shapes the vectors."""
    digest = hashlib.sha1(f"max_seq_length={max_seq_length}".encode())
    for path in sorted(folder.rglob("*.json")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{folder.name}-{digest.hexdigest()[:12]}"
