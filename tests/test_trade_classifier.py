"""The trained trade classifier: a trade from the meaning of a post whose words name none."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from matching.parser import parse_post
from matching.post_trade import TradeReader
from matching.taxonomy import classify
from matching.trade_classifier import NONE, TradeClassifier, bundled_classifier
from tests.conftest import FakeClock

TOY = TradeClassifier(
    coef=np.array([[4.0, 0.0], [0.0, 4.0], [-4.0, -4.0]], dtype=np.float32),
    intercept=np.zeros(3, dtype=np.float32),
    classes=("A", NONE, "P"),
    model_id="model-abc",
    bar=0.7,
)
# No keyword of the tables in it (asserted below); the trained weights read it as 物业/绿化 (H).
GARDENING = "负责园区绿化带的修剪和浇水"  # no trade word and no workplace (小区 would say H)


def test_the_likeliest_trade_is_answered_only_at_the_bar() -> None:
    assert TOY.answer(np.array([1.0, 0.0], dtype=np.float32)) == "A"  # p(A) = 0.98
    assert TOY.answer(np.array([0.1, 0.0], dtype=np.float32)) is None  # p(A) = 0.42
    assert TOY.answer(np.array([0.1, 0.0], dtype=np.float32), bar=0.4) == "A"
    assert TOY.answer(np.array([-1.0, -1.0], dtype=np.float32)) == "P"


def test_work_outside_the_trades_is_no_answer() -> None:
    assert TOY.answer(np.array([0.0, 1.0], dtype=np.float32)) is None  # likeliest: none


def test_the_weights_read_only_their_models_vectors() -> None:
    assert TOY.reads("model-abc")
    assert TOY.reads("model-abc-int8")  # int8 vectors: cosine 0.997 with the fp32 ones
    assert not TOY.reads("model-xyz")


def test_saved_weights_load_the_same(tmp_path: Path) -> None:
    path = tmp_path / "clf.npz"
    TOY.save(path)
    loaded = TradeClassifier.load(path)
    assert (loaded.classes, loaded.model_id, loaded.bar) == (TOY.classes, TOY.model_id, TOY.bar)
    np.testing.assert_array_equal(loaded.coef, TOY.coef)


def test_the_shipped_weights_are_for_the_bundled_model(encoder: Any) -> None:
    clf = bundled_classifier()
    assert clf.reads(encoder.model_id)
    assert clf.coef.shape == (len(clf.classes), encoder.dim)
    assert 0.5 < clf.bar < 1.0


class _OtherModel:
    """The session's encoder under another model's id (another YIZHAN_EMBEDDING_MODEL)."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self.model_id = "another-model-0123"
        self.dim = encoder.dim

    def encode(self, texts: Any, kind: Any, **kw: Any) -> Any:
        return self._encoder.encode(texts, kind, **kw)


def test_a_post_without_a_trade_word_gets_the_classifiers_trade(encoder: Any) -> None:
    assert not [code for code, s in classify(GARDENING, "") if s >= 0.3]
    (job,) = parse_post(GARDENING, FakeClock()())
    (read,) = TradeReader(encoder).read([replace(job, categories=())])
    assert read.categories == ("H",)
    assert not read.trade_options
    # With another model the weights are not used: the cosine bar decides, and here says nothing.
    (other,) = TradeReader(_OtherModel(encoder)).read([replace(job, categories=())])
    assert other.categories == ()
    assert other.trade_options  # the likeliest codes become the question


def test_java_work_gets_no_trade(encoder: Any) -> None:
    text = "负责Java后端服务开发，熟悉Spring Boot和MySQL"
    vector = encoder.encode([text], "passage")[0]
    assert bundled_classifier().answer(vector) is None
