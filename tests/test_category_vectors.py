"""The embedding fallback for postings the keyword taxonomy leaves without a category."""

import numpy as np

from matching.category_vectors import CODES, MARGIN, category_queries, nearest_category


def _centroids() -> np.ndarray:
    return np.eye(len(CODES), 8 * len(CODES), dtype=np.float32)


def _towards(code_index: int, other_index: int, gap: float) -> np.ndarray:
    vector = np.zeros(8 * len(CODES), dtype=np.float32)
    vector[code_index] = 0.6 + gap
    vector[other_index] = 0.6
    return vector / np.linalg.norm(vector)


def test_every_code_has_a_query_text():
    queries = category_queries()
    assert len(queries) == len(CODES) == 17
    assert queries[0].startswith("家政")  # code A leads with its Chinese name


def test_a_clear_winner_is_taken():
    vector = _towards(CODES.index("I"), CODES.index("A"), gap=0.2)
    assert nearest_category(vector, _centroids()) == "I"


def test_a_near_tie_is_left_alone():
    vector = _towards(CODES.index("I"), CODES.index("A"), gap=MARGIN / 4)
    assert nearest_category(vector, _centroids()) is None


def test_an_empty_text_vector_gets_nothing():
    assert nearest_category(np.zeros(8 * len(CODES), dtype=np.float32), _centroids()) is None
