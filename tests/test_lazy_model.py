"""A serving process's model loads in the background (matching.lazy_encoder, issue 20): the
matcher opens and serves what needs no model at once, what needs the model waits for it and
then runs, and a model that is not the one recorded fails instead of filling the index."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_services, shared_encoder
from bot.settings import Settings
from handlers.texts import t
from matching.encoder_backend import choose_backend, cpu_flags
from matching.engine import Matcher
from matching.lazy_encoder import FAILED, LOADING, READY, Identity, LazyEncoder, known, remember
from tests.test_engine import add_postings, add_seeker, external


def gated(encoder: Any, gate: threading.Event) -> LazyEncoder:
    """A LazyEncoder over the session's real model whose "load" ends when the test says."""

    def load() -> Any:
        gate.wait(30)
        return encoder

    return LazyEncoder(Identity(encoder.model_id, encoder.dim), load)


async def test_the_matcher_serves_stored_vectors_before_the_model_and_waits_for_the_rest(
    db, encoder, tmp_path: Path, clock
) -> None:
    ids = await add_postings(db, clock())
    seeker = await add_seeker(db, clock(), "小李", wish="想找保洁的活，西青区")
    first = await Matcher.open(db, encoder, tmp_path / "one", phrases=t)  # stores every vector
    await first.close()
    gate = threading.Event()
    lazy = gated(encoder, gate)
    matcher = await Matcher.open(db, lazy, tmp_path / "two", phrases=t, background=True)
    try:
        assert lazy.state == LOADING
        await asyncio.wait_for(matcher._synced(), 30)  # stored vectors: no model needed
        assert matcher.state == READY
        assert lazy.state == LOADING
        assert matcher.opened is not None
        assert matcher.opened.encoded == 0
        profile = await first._seekers.get(seeker)
        assert profile is not None
        stored = await matcher.search(profile, 3, clock())  # the seeker's vector is indexed
        matcher.ids = ids
        assert external(matcher, stored)[0] == "t-clean"
        new_text = asyncio.create_task(matcher.search_text("南开区送外卖", 3, clock()))
        ready = asyncio.create_task(matcher.ready())
        await asyncio.sleep(0.3)
        assert not new_text.done()
        assert not ready.done()
        gate.set()
        assert external(matcher, await asyncio.wait_for(new_text, 30))[0] == "t-rider"
        assert (await asyncio.wait_for(ready, 30)) is matcher.opened
        assert lazy.state == READY
    finally:
        gate.set()
        await matcher.close()


async def test_a_model_other_than_the_recorded_one_fails_the_load(db, encoder, tmp_path) -> None:
    lazy = LazyEncoder(Identity("another-model-0123", encoder.dim), lambda: encoder)
    matcher = await Matcher.open(db, lazy, tmp_path, phrases=t, background=True)
    with pytest.raises(RuntimeError, match="not as recorded"):
        await asyncio.wait_for(matcher.ready(), 30)
    assert lazy.state == FAILED
    await matcher.close()


def test_the_identity_record_follows_the_model_folders_configs(tmp_path: Path) -> None:
    folder, cache = tmp_path / "model", tmp_path / "cache"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "config.json").write_text('{"hidden_size": 384}')
    (folder / "1_Pooling" / "config.json").write_text('{"embedding_dimension": 384}')
    assert known(folder, cache, "onnx") is None  # never loaded here: the caller loads it first
    remember(folder, cache, "onnx", Identity("model-abc", 384))
    assert known(folder, cache, "onnx") == Identity("model-abc", 384)
    assert known(folder, cache, "onnx-int8") is None  # another path keeps its own record
    remember(folder, cache, "onnx-int8", Identity("model-abc-int8", 384))
    assert known(folder, cache, "onnx") == Identity("model-abc", 384)
    (folder / "1_Pooling" / "config.json").write_text('{"embedding_dimension": 768}')
    assert known(folder, cache, "onnx") is None  # another model in the same folder


def test_loading_the_model_records_its_identity(encoder, model_cache_dir: Path) -> None:
    from matching.model_files import model_folder

    folder = model_folder(None, model_cache_dir)
    assert known(folder, model_cache_dir, encoder.backend) == Identity(
        encoder.model_id, encoder.dim
    )


def test_asking_for_auto_and_for_the_path_it_picks_shares_one_model(
    encoder, model_cache_dir: Path
) -> None:
    chosen = choose_backend("auto", cpu_flags())
    assert encoder.backend == chosen
    assert shared_encoder(None, model_cache_dir, chosen) is encoder


@pytest.mark.slow  # loads a second copy of the model on another path (seconds, 500 MB)
async def test_the_backend_setting_is_the_path_the_served_matcher_runs(
    encoder, model_cache_dir: Path, tmp_path: Path
) -> None:
    forced = "torch" if encoder.backend != "torch" else "torch-bf16"
    settings = Settings(db=tmp_path / "y.db", cache_dir=model_cache_dir, encoder_backend=forced)
    async with open_services(settings) as services:
        assert services.matcher is not None
        assert getattr(services.matcher.encoder, "backend", None) == forced
