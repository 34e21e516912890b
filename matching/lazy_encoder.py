"""The embedding model loaded while a serving process already serves: `LazyEncoder` (issue 20).

A new `yizhan run` spent 37 s (6.4 s on an idle machine) importing torch and loading e5 before
its dispatcher sent anything, and every worker restarted after a crash paid that again, though
pushes and most turns need no model. `LazyEncoder` knows the encoder's identity (model id and
embedding size) at once, from the record the last load of the same model folder left
(`remember`), and loads the model in a thread of its own. The matcher opens its index files and
reads stored vectors with the identity alone; whatever must run the model waits for the load
(`loaded()` asynchronously; `encode` blocks its thread), so nothing runs on a model that is not
there and nothing is skipped. A load whose model turns out to differ from the record fails
(`loaded()` raises), so an index opened under one identity is never filled by another model.
Without a record (the model's first load on this machine) `known` is None and the caller loads
the model before serving, as before. This module imports neither torch nor the model code.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from matching.encoder_backend import Backend
from matching.matches import TextEncoder

log = logging.getLogger(__name__)

LOADING, READY, FAILED = "loading", "ready", "failed"


@dataclass(frozen=True, slots=True)
class Identity:
    """What the matcher needs of an encoder before it encodes: the model's id and vector size."""

    model_id: str
    dim: int


def _record(folder: Path, cache_dir: Path, backend: Backend) -> Path:
    """The identity record of a model folder on one inference path, named by a hash of its
    config files: a folder whose configs changed (another model, another length) never reads an
    old record, and a path whose vectors differ (int8 weights) keeps its own."""
    digest = hashlib.sha1()
    for path in sorted(folder.rglob("*.json")):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return cache_dir / "encoders" / f"{folder.name}-{digest.hexdigest()[:16]}-{backend}.json"


def known(folder: Path, cache_dir: Path, backend: Backend) -> Identity | None:
    """The identity the last load of this model folder on `backend` recorded, if any."""
    try:
        raw = json.loads(_record(folder, cache_dir, backend).read_text(encoding="utf-8"))
        return Identity(str(raw["model_id"]), int(raw["dim"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(folder: Path, cache_dir: Path, backend: Backend, identity: Identity) -> None:
    """Record a loaded encoder's identity (written whole, then renamed: workers share it)."""
    path = _record(folder, cache_dir, backend)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temp.write_text(json.dumps({"model_id": identity.model_id, "dim": identity.dim}), "utf-8")
    temp.replace(path)


class LazyEncoder:
    """Stands for an encoder whose model is loading in a thread of its own (see the module)."""

    def __init__(self, identity: Identity, load: Callable[[], TextEncoder]) -> None:
        self._identity = identity
        self._future: concurrent.futures.Future[TextEncoder] = concurrent.futures.Future()
        self._started = time.monotonic()
        self.load_seconds: float | None = None  # set when the load ends, either way
        # Not a daemon: an exit waits for the load to end, since onnxruntime's threads torn
        # down mid-call abort the process ("terminate called…", exit -6 instead of its code).
        threading.Thread(target=self._load, args=(load,), name="model-load").start()

    @property
    def model_id(self) -> str:
        """The model's id, as recorded (the load checks it)."""
        return self._identity.model_id

    @property
    def dim(self) -> int:
        """Embedding size, as recorded (the load checks it)."""
        return self._identity.dim

    @property
    def state(self) -> str:
        """The load: "loading", "ready" or "failed"."""
        if not self._future.done():
            return LOADING
        return FAILED if self._future.exception() is not None else READY

    async def loaded(self) -> None:
        """Wait for the model without holding a thread; raises what the load raised."""
        await asyncio.wrap_future(self._future)

    def encode(
        self, texts: Sequence[str], kind: Literal["query", "passage"], *, progress: bool = False
    ) -> NDArray[np.float32]:
        """The loaded encoder's `encode`; blocks until the model is there."""
        return self._future.result().encode(texts, kind, progress=progress)

    @property
    def batches(self) -> int:
        """Model batches run so far (0 while loading), for /metrics."""
        return int(getattr(self._done(), "batches", 0))

    @property
    def batch_seconds(self) -> float:
        """Wall time of those batches, for /metrics."""
        return float(getattr(self._done(), "batch_seconds", 0.0))

    @property
    def texts_encoded(self) -> int:
        """Texts run through the model so far."""
        return int(getattr(self._done(), "texts_encoded", 0))

    def _done(self) -> TextEncoder | None:
        if self.state != READY:
            return None
        return self._future.result()

    def _load(self, load: Callable[[], TextEncoder]) -> None:
        # Running, the future can no longer be cancelled by a waiter that gave up (a serve
        # loop stopping while the model loads): the load's result always has a place to go.
        if not self._future.set_running_or_notify_cancel():
            return
        try:
            encoder = load()
            actual = Identity(encoder.model_id, encoder.dim)
            if actual != self._identity:
                raise RuntimeError(
                    f"the model loaded as {actual}, not as recorded ({self._identity}): "
                    "its index files were opened for another model"
                )
        except BaseException as error:  # the waiters get it; the process watching fails
            self.load_seconds = time.monotonic() - self._started
            self._future.set_exception(error)
            return
        self.load_seconds = time.monotonic() - self._started
        log.info("model loaded in %.1f s", self.load_seconds, extra={"load_s": self.load_seconds})
        self._future.set_result(encoder)
