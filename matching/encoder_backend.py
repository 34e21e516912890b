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

Backend = Literal["auto", "torch", "torch-bf16", "onnx", "onnx-int8"]
# The CPU features that decide the inference path; no other /proc/cpuinfo flag matters here.
RELEVANT_CPU_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_tile")
ONNX_BACKENDS: frozenset[Backend] = frozenset({"onnx", "onnx-int8"})


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
    """Native bf16 makes torch fastest; without it onnxruntime with int8 weights (each path
    forced on a 2-core Xeon with AVX-512 VNNI: int8 1.7x onnxruntime fp32, itself measured 1.5x
    torch fp32; mean cosine 0.997 with fp32 on real postings; not yet measured on an AVX2-only
    CPU); torch fp32 when onnxruntime is not installed."""
    if requested != "auto":
        return requested
    if flags.get("avx512_bf16") or flags.get("amx_bf16"):
        return "torch-bf16"
    if importlib.util.find_spec("onnxruntime") is not None:
        return "onnx-int8"
    return "torch"


def vector_suffix(backend: Backend) -> str:
    """What a backend adds to the model id: int8 weights give vectors of their own (cosine
    ~0.997 with fp32), which must never mix with fp32 ones in a cache or an index; the bf16
    path shares the fp32 id, as it always has."""
    return "-int8" if backend == "onnx-int8" else ""
