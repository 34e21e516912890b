"""The texts catalogue checks itself: both languages, the same fields, counts, ASCII keys."""

from __future__ import annotations

import re
import string

import pytest

from handlers.texts import CATALOGUE, LANGS, t

_FORMAT = string.Formatter()

# Plural nouns the catalogue counts; "1 new pushes" and "1 job seekers" are caught too.
_PLURALS = (
    "characters|codes|days|duplicates|errors|hours|items|jobs|kinds|lines|matches|messages"
    "|minutes|months|people|postings|profiles|pushes|replies|rows|seekers|times|tries|weeks"
)
_COUNTED = re.compile(rf"\b1 (?:[A-Za-z-]+ ){{0,2}}?(?:{_PLURALS})\b")
# Fields that name something rather than count it ("{what} jobs" is "保洁 jobs").
_NOT_COUNTS = {"what", "district", "date"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in _FORMAT.parse(text) if name}


def test_every_key_has_every_language_with_the_same_fields() -> None:
    assert len(CATALOGUE) > 500
    for key, entry in CATALOGUE.items():
        assert set(entry) == set(LANGS), key
        assert all(entry[lang].strip() for lang in LANGS), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key


def test_keys_are_ascii_ids_never_built_from_chinese_values() -> None:
    for key in CATALOGUE:
        assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", key), key


def test_every_text_formats_with_its_fields() -> None:
    for key, entry in CATALOGUE.items():
        for lang in LANGS:
            values = {name: 2 for name in _fields(entry[lang])}
            assert t(key, lang, **values) if values else t(key, lang), key


def test_a_count_of_one_reads_singular_in_english() -> None:
    wrong = []
    for key, entry in CATALOGUE.items():
        names = _fields(entry["en"])
        if not names:
            continue
        text = t(key, "en", **{n: "地名" if n in _NOT_COUNTS else 1 for n in names})
        wrong += [f"{key}: {m.group(0)}" for m in _COUNTED.finditer(text)]
    assert wrong == []


@pytest.mark.parametrize(
    ("n", "expected"), [(1, "1 job that fits you:"), (3, "3 jobs that fit you:"), ("1", "1 job")]
)
def test_plural_fields_pick_the_form_by_the_count(n: object, expected: str) -> None:
    assert t("delivery.digest.header", "en", n=n).startswith(expected)
    assert f"{n} 个" in t("delivery.digest.header", "zh", n=n)


def test_the_web_login_link_says_how_long_it_lasts_in_english_too() -> None:
    # Before the fix the English text had no {minutes}: "One-time link:".
    assert "15 minutes" in t("web.cli.link", "en", minutes=15)
    assert "1 minute)" in t("web.cli.link", "en", minutes=1)
