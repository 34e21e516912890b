"""The one catalogue of user-facing text: 简体中文 first, English available.

The catalogue is split by area into modules of this package; `t()` is the only way to read it.
Each entry maps a key to {"zh": ..., "en": ...}; `str.format` fields fill in values.
"""

from __future__ import annotations

from handlers.texts import common

Catalogue = dict[str, dict[str, str]]

CATALOGUE: Catalogue = {}
for _part in (common.TEXTS,):
    _clash = CATALOGUE.keys() & _part.keys()
    if _clash:
        raise RuntimeError(f"duplicate text keys: {sorted(_clash)}")
    CATALOGUE.update(_part)

LANGS = ("zh", "en")


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for `key` in `lang` (falling back to Chinese), with values filled in."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text
