"""The A–Q codes and the texts their vectors are encoded from."""

from matching.category_vectors import CODES, category_queries


def test_every_code_has_a_query_text():
    queries = category_queries()
    assert len(queries) == len(CODES) == 17
    assert queries[0].startswith("家政")  # code A leads with its Chinese name
