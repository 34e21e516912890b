"""The model in torch through sentence-transformers: the torch and torch-bf16 paths, and the one
ONNX export the onnx paths then run without torch.

The only module of the encoder that imports torch (seconds of start-up, ~400 MB of libraries).
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from sentence_transformers import SentenceTransformer
from transformers.utils import logging as hf_logging

from matching.encoder_onnx import ONNX_FILE, SPEC_FILE, TOKENIZER_FILE
from matching.model_spec import Kind, ModelSpec

# Prompt names that mean each kind: ST 6 saves "document" where e5's card says "passage".
_PROMPT_NAMES: dict[Kind, tuple[str, ...]] = {
    "query": ("query",),
    "passage": ("passage", "document"),
}


def load_model(folder: Path, max_length: int) -> SentenceTransformer:
    """The local folder on the CPU, its sequence cut at `max_length`; never a hub download."""
    # transformers draws a "Loading weights" bar on stdout, into CLI output such as JSONL.
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    st.max_seq_length = min(max_length, st.max_seq_length or max_length)
    return st


def spec_of(st: SentenceTransformer) -> ModelSpec:
    """The settings sentence-transformers read from the model folder."""
    dim = st.get_embedding_dimension()
    if dim is None:
        raise ValueError(f"{st}: the model does not declare its embedding size")
    prompts = {
        kind: next((prompt for n in names if (prompt := st.prompts.get(n))), "")
        for kind, names in _PROMPT_NAMES.items()
    }
    assert st.max_seq_length is not None  # load_model sets it
    return ModelSpec(dim, st.max_seq_length, prompts, st.tokenizer.pad_token_id or 0)


class TorchRunner:
    """Runs sentence-transformers on a batch (bf16 autocast on the torch-bf16 path)."""

    one_per_run = False

    def __init__(self, st: SentenceTransformer, *, bf16: bool) -> None:
        self._st = st
        self._bf16 = bf16

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids as the model will see them (cut at its length), for the batching."""
        ids: list[list[int]] = self._st.tokenizer(
            texts, truncation=True, max_length=self._st.max_seq_length
        )["input_ids"]
        return ids

    def run(self, texts: list[str], ids: list[list[int]]) -> NDArray[np.float32]:
        """Texts already carry their prompt; the tokens are the model's own again."""
        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=self._bf16):
            raw = self._st.encode(
                texts, batch_size=len(texts), show_progress_bar=False, convert_to_numpy=True
            )
        return np.asarray(raw, dtype=np.float32)


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


def export_onnx(st: SentenceTransformer, folder: Path) -> None:
    """Writes what the onnx paths run into `folder`: the BERT body as ONNX (offline, from the
    loaded weights), its tokenizer and its spec. A missing export is made in a temp folder
    renamed into place (workers share the cache); an export from before the spec and
    tokenizer files were kept gets them added."""
    if (folder / ONNX_FILE).is_file():
        _write_companions(st, folder)
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        sample = st.tokenizer(["query: 招聘"], return_tensors="pt")
        with warnings.catch_warnings():  # the exporter's tracer warnings are about its own code
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Hidden(st[0].auto_model),
                (sample["input_ids"], sample["attention_mask"]),
                str(tmp / ONNX_FILE),
                input_names=["input_ids", "attention_mask"],
                output_names=["hidden"],
                dynamic_axes={
                    name: {0: "batch", 1: "tokens"}
                    for name in ("input_ids", "attention_mask", "hidden")
                },
                opset_version=17,
                dynamo=False,
            )
        _write_companions(st, tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache is shared
        tmp.rename(folder)
    except OSError:
        if not (folder / ONNX_FILE).is_file():
            raise
        _write_companions(st, folder)  # another process exported the same model first
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_companions(st: SentenceTransformer, folder: Path) -> None:
    spec = spec_of(st)
    if ModelSpec.load(folder / SPEC_FILE) != spec:
        spec.save(folder / SPEC_FILE)
    target = folder / TOKENIZER_FILE
    if not target.is_file():
        temp = folder / f".{TOKENIZER_FILE}.{id(st)}"
        st.tokenizer.backend_tokenizer.save(str(temp))
        temp.replace(target)
