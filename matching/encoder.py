"""Sentence embeddings for matching: the one module that knows the embedding model's quirks.

It owns e5's "query: "/"passage: " prefixes (read from the model folder's prompts), the sequence
length, the batching, bf16 inference, normalisation, local-only loading, and a cache keyed by
text hash so that the same text is never encoded twice.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import numpy as np
import torch
from numpy.typing import NDArray
from rich.progress import Progress
from sentence_transformers import SentenceTransformer
from transformers.utils import logging as hf_logging

from matching.encoder_backend import (
    ONNX_BACKENDS,
    Backend,
    choose_backend,
    cpu_flags,
    vector_suffix,
)
from matching.lazy_encoder import Identity, remember
from matching.model_files import model_folder

Kind = Literal["query", "passage"]

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
# Prompt names that mean each kind: ST 6 saves "document" where e5's card says "passage".
_PROMPT_NAMES: Mapping[Kind, tuple[str, ...]] = {
    "query": ("query",),
    "passage": ("passage", "document"),
}
_SQLITE_VARIABLES = 500  # keys per IN (...) lookup, far below SQLite's limit


class Encoder:
    """Turns texts into L2-normalised float32 vectors, encoding each distinct text only once."""

    def __init__(
        self,
        model: SentenceTransformer,
        model_id: str,
        store: _VectorStore | None,
        *,
        backend: Backend = "torch",
        session: Any = None,
    ) -> None:
        if (backend in ONNX_BACKENDS) != (session is not None):
            raise ValueError("the onnx backend needs an onnxruntime session, and only it does")
        self.model_id = model_id
        self.backend: Backend = backend
        dim = model.get_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_id}: the model does not declare its embedding size")
        self.dim: int = dim
        self.texts_encoded = 0  # texts run through the model; cache hits never count
        self.batches = 0  # model batches run, and their total wall time (for /metrics)
        self.batch_seconds = 0.0
        # The onnx path keeps only the tokenizer: holding the SentenceTransformer too would
        # keep a second copy of the weights (470 MB for e5-small) in torch.
        self._model: SentenceTransformer | None = None if session is not None else model
        self._tokenizer = model.tokenizer
        self._prompts = {
            kind: next((prompt for n in names if (prompt := model.prompts.get(n))), "")
            for kind, names in _PROMPT_NAMES.items()
        }
        self._max_length = model.max_seq_length or MAX_SEQ_LENGTH
        self._store = store
        self._memory: dict[tuple[Kind, bytes], NDArray[np.float32]] = {}
        self._lock = threading.Lock()  # encode() may be called from several worker threads
        self._bf16 = backend == "torch-bf16"
        self._session = session
        # int8 activations are scaled per run over the whole batch, so a text's vector would
        # depend on its batch-mates (cosine 0.99 between the two readings of one text): each
        # text runs alone (65 texts/s, against 72 batched and 38 for fp32 batched, measured).
        self._one_per_run = backend == "onnx-int8"

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
        prompt = self._prompts[kind]
        tokenized = self._tokenizer(
            [prompt + text for text in texts], truncation=True, max_length=self._max_length
        )
        lengths = [len(ids) for ids in tokenized["input_ids"]]
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        with (
            torch.inference_mode(),
            torch.autocast("cpu", torch.bfloat16, enabled=self._bf16),
            Progress(transient=True, disable=not progress) as bar,
        ):
            task = bar.add_task("encoding texts", total=len(texts))
            runs = [[i] for i in range(len(texts))] if self._one_per_run else _batches(lengths)
            for batch in runs:
                started = time.perf_counter()
                if self._session is not None:
                    vectors[batch] = self._run_onnx([tokenized["input_ids"][i] for i in batch])
                    self.texts_encoded += len(batch)
                    self.batches += 1
                    self.batch_seconds += time.perf_counter() - started
                    bar.advance(task, len(batch))
                    continue
                assert self._model is not None  # only the onnx path drops it
                raw = self._model.encode(
                    [texts[i] for i in batch],
                    prompt=prompt,
                    batch_size=len(batch),
                    show_progress_bar=False,
                    convert_to_numpy=True,
                )
                vectors[batch] = np.asarray(raw, dtype=np.float32)
                self.texts_encoded += len(batch)
                self.batches += 1
                self.batch_seconds += time.perf_counter() - started
                bar.advance(task, len(batch))
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors

    def _run_onnx(self, ids: list[list[int]]) -> NDArray[np.float32]:
        """Mean-pools the exported BERT's token states over the real (unpadded) tokens."""
        width = max(len(row) for row in ids)
        pad = self._tokenizer.pad_token_id or 0
        input_ids = np.full((len(ids), width), pad, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, tokens in enumerate(ids):
            input_ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        (hidden,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        weights = mask[..., None].astype(np.float32)
        pooled: NDArray[np.float32] = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return pooled


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
    """
    folder = model_folder(model, cache_dir)
    # transformers draws a "Loading weights" bar on stdout, into CLI output such as JSONL.
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    max_length = min(MAX_SEQ_LENGTH, st.max_seq_length or MAX_SEQ_LENGTH)
    st.max_seq_length = max_length
    store = _VectorStore(cache_path) if cache_path is not None else None
    flags = cpu_flags()
    chosen = choose_backend(backend, flags)
    _log.info(
        "encoder backend %s (requested %s; cpu %s)",
        chosen,
        backend,
        ",".join(f for f, on in flags.items() if on) or "no relevant flags",
    )
    session = _onnx_session(st, folder, cache_dir, chosen) if chosen in ONNX_BACKENDS else None
    model_id = _model_id(folder, max_length) + vector_suffix(chosen)
    encoder = Encoder(st, model_id, store, backend=chosen, session=session)
    if session is not None:  # the torch weights go now, not at the next collection
        del st
        gc.collect()
    remember(folder, cache_dir, chosen, Identity(encoder.model_id, encoder.dim))  # LazyEncoder
    return encoder


class _Hidden(torch.nn.Module):
    """The BERT body alone, token states out: pooling and normalisation stay in numpy."""

    def __init__(self, bert: Any) -> None:
        super().__init__()
        self.bert = bert.eval()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden: torch.Tensor = self.bert(
            input_ids=input_ids, attention_mask=attention_mask
        ).last_hidden_state
        return hidden


def _onnx_session(st: SentenceTransformer, folder: Path, cache_dir: Path, backend: Backend) -> Any:
    """Exports the model once to `cache_dir` (offline, from the loaded weights), for onnx-int8
    quantises that export once too, and opens the one the backend runs."""
    import onnxruntime as ort

    target = cache_dir / f"{_model_id(folder, 0)}-onnx" / "model.onnx"
    if not target.is_file():
        _export(st, target)
    if backend == "onnx-int8":
        target = _quantised(target)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])


def _export(st: SentenceTransformer, target: Path) -> None:
    """The BERT body as ONNX, written into a temp folder renamed into place: workers share it."""
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{target.parent.name}-", dir=target.parent.parent)
    try:
        sample = st.tokenizer(["query: 招聘"], return_tensors="pt")
        with warnings.catch_warnings():  # the exporter's tracer warnings are about its own code
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Hidden(st[0].auto_model),
                (sample["input_ids"], sample["attention_mask"]),
                str(Path(tmp) / "model.onnx"),
                input_names=["input_ids", "attention_mask"],
                output_names=["hidden"],
                dynamic_axes={
                    name: {0: "batch", 1: "tokens"}
                    for name in ("input_ids", "attention_mask", "hidden")
                },
                opset_version=17,
                dynamo=False,
            )
        Path(tmp).chmod(0o755)  # mkdtemp makes it private; the cache is shared
        Path(tmp).rename(target.parent)
    except OSError:
        if not target.is_file():
            raise
        # another process exported the same model first
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _quantised(source: Path) -> Path:
    """`source` with int8 weights, made once beside it (a temp file renamed into place).

    Dynamic quantisation: weights int8 per output channel, activations quantised per batch at
    run time. The word embeddings (Gather) are included: 250k x 384 floats are 366 MB of the
    448 MB export, so the model shrinks to 113 MB. MatMul only, per tensor, gave mean cosine
    0.986 with fp32 on real postings; per channel with the embeddings 0.9965 (worst 0.994).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = source.with_name("model.int8.onnx")
    if target.is_file():
        return target
    fd, tmp = tempfile.mkstemp(prefix=".model.int8-", suffix=".onnx", dir=source.parent)
    os.close(fd)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser warns on the root logger about pre-processing
    try:
        quantize_dynamic(
            str(source),
            tmp,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Gather"],
        )
        Path(tmp).chmod(0o644)
        os.replace(tmp, target)
    finally:
        root.setLevel(level)
        Path(tmp).unlink(missing_ok=True)
    return target


def _model_id(folder: Path, max_seq_length: int) -> str:
    """Folder name plus a hash of every config file and the length cut: what shapes the vectors."""
    digest = hashlib.sha1(f"max_seq_length={max_seq_length}".encode())
    for path in sorted(folder.rglob("*.json")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{folder.name}-{digest.hexdigest()[:12]}"
