"""Which inference path the encoder takes on this CPU: chosen once at load, logged, overridable.

Kept apart from matching/encoder.py (which imports torch, seconds of start-up) so that a serving
process can name its path, and so the vectors it will get, before the model loads.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal

Backend = Literal["auto", "torch", "torch-bf16", "onnx", "onnx-int8", "onnx-int7"]
# The CPU features that decide the inference path; no other /proc/cpuinfo flag matters here.
RELEVANT_CPU_FLAGS = (
    "avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_tile",
)  # fmt: skip
# int8 weights in 8 bits, or in 7 (onnxruntime's reduce_range) where the CPU has no VNNI.
QUANTISED: dict[Backend, str] = {"onnx-int8": "-int8", "onnx-int7": "-int7"}
ONNX_BACKENDS: frozenset[Backend] = frozenset({"onnx", *QUANTISED})


@lru_cache(maxsize=1)
def cpu_flags() -> dict[str, bool]:
    """The CPU features that decide the inference path, read once per process from
    /proc/cpuinfo (Linux): the serving process and the model load see the same answer."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    present = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            present.update(line.partition(":")[2].split())
            break
    return {flag: flag in present for flag in RELEVANT_CPU_FLAGS}


def choose_backend(requested: Backend, flags: Mapping[str, bool]) -> Backend:
    """Native bf16 makes torch fastest; without it onnxruntime with int8 weights: 8-bit where
    the CPU multiplies int8 natively (VNNI; on a 2-core Xeon with AVX-512 VNNI 1.7x onnxruntime
    fp32, itself 1.5x torch fp32; mean cosine 0.997 with fp32), 7-bit (reduce_range) on AVX2
    alone, where the 8-bit products overflow the 16-bit sums (on a 2-core EPYC, 150 real
    postings: 8-bit 19.4 texts/s, mean cosine 0.9966, worst 0.9934; 7-bit 25.7 texts/s, 0.9968,
    worst 0.9952; torch fp32 11.6). torch fp32 when onnxruntime is not installed."""
    if requested != "auto":
        return requested
    if flags.get("avx512_bf16") or flags.get("amx_bf16"):
        return "torch-bf16"
    if importlib.util.find_spec("onnxruntime") is None:
        return "torch"
    return "onnx-int8" if flags.get("avx512_vnni") or flags.get("avx_vnni") else "onnx-int7"


def vector_suffix(backend: Backend) -> str:
    """What a backend adds to the model id: int8 weights give vectors of their own (cosine
    ~0.997 with fp32), which must never mix with fp32 ones or each other in a cache or an
    index; the bf16 path shares the fp32 id, as it always has."""
    return QUANTISED.get(backend, "")


def base_model_id(model_id: str) -> str:
    """The model id without a quantised path's suffix: the model its vectors approximate."""
    for suffix in QUANTISED.values():
        if model_id.endswith(suffix):
            return model_id.removesuffix(suffix)
    return model_id
