"""The model exported to ONNX and run by onnxruntime, in fp32 or with int8 weights, without torch.

Everything it runs lies in one cache folder that matching/encoder_torch.py writes once: the
export, the tokenizer and the model's spec. When any of them is missing, `open_onnx` answers
None and the caller exports first.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.encoder_backend import QUANTISED, Backend
from matching.model_spec import ModelSpec

ONNX_FILE, SPEC_FILE, TOKENIZER_FILE = "model.onnx", "spec.json", "tokenizer.json"
# The quantised exports, one per path (their vectors differ): 8-bit and 7-bit weights.
QUANTISED_FILES = {"onnx-int8": "model.int8.onnx", "onnx-int7": "model.int7.onnx"}


class OnnxRunner:
    """Tokenises with the model's own fast tokenizer and mean-pools the exported BERT's token
    states over the real (unpadded) tokens."""

    def __init__(self, session: Any, tokenizer: Any, spec: ModelSpec, *, one_per_run: bool):
        self._session = session
        self._tokenizer = tokenizer
        self._pad = spec.pad_id
        # int8 activations are scaled per run over the whole batch, so a text's vector would
        # depend on its batch-mates (cosine 0.99 between the two readings of one text): each
        # text runs alone (65 texts/s, against 72 batched and 38 for fp32 batched, measured).
        self.one_per_run = one_per_run

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids, special tokens added and cut at the model's length."""
        return [encoding.ids for encoding in self._tokenizer.encode_batch(texts)]

    def run(self, texts: list[str], ids: list[list[int]]) -> NDArray[np.float32]:
        """One batch of token ids to pooled vectors (the texts are not needed here)."""
        width = max(len(row) for row in ids)
        input_ids = np.full((len(ids), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, tokens in enumerate(ids):
            input_ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        (hidden,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        weights = mask[..., None].astype(np.float32)
        pooled: NDArray[np.float32] = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return pooled


def open_onnx(folder: Path, backend: Backend) -> tuple[OnnxRunner, ModelSpec] | None:
    """The runner of `backend` ("onnx", "onnx-int8" or "onnx-int7") over the export in
    `folder`, quantising it once for int8; None when the export is not complete there yet."""
    spec = ModelSpec.load(folder / SPEC_FILE)
    if (
        spec is None
        or not (folder / ONNX_FILE).is_file()
        or not (folder / TOKENIZER_FILE).is_file()
    ):
        return None
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.enable_truncation(spec.max_length)
    quantised = backend in QUANTISED
    model = _quantised(folder / ONNX_FILE, backend) if quantised else folder / ONNX_FILE
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    return OnnxRunner(session, tokenizer, spec, one_per_run=quantised), spec


def _quantised(source: Path, backend: Backend) -> Path:
    """`source` with int8 weights, made once beside it (a temp file renamed into place); in 7
    bits for "onnx-int7" (reduce_range: AVX2 without VNNI sums int8 products in 16 bits).

    Dynamic quantisation: weights int8 per output channel, activations quantised per batch at
    run time. The word embeddings (Gather) are included: 250k x 384 floats are 366 MB of the
    448 MB export, so the model shrinks to 113 MB. MatMul only, per tensor, gave mean cosine
    0.986 with fp32 on real postings; per channel with the embeddings 0.9965 (worst 0.994).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = source.with_name(QUANTISED_FILES[backend])
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
            reduce_range=backend == "onnx-int7",
            op_types_to_quantize=["MatMul", "Gather"],
        )
        Path(tmp).chmod(0o644)
        os.replace(tmp, target)
    finally:
        root.setLevel(level)
        Path(tmp).unlink(missing_ok=True)
    return target
