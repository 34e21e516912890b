"""The one catalogue of user-facing text: 简体中文 first, English available.

The catalogue is split by area into modules of this package; `t()` is the only way to read it.
Each entry maps a key to {"zh": ..., "en": ...}; `str.format` fields fill in values. A field whose
format spec holds a bar picks a word by the count: `"{n} {n:job|jobs}"` reads "1 job", "3 jobs".
"""

from __future__ import annotations

import string

from handlers import language
from handlers.texts import caseworker as _caseworker
from handlers.texts import commands as _commands
from handlers.texts import common
from handlers.texts import console as _console
from handlers.texts import delivery as _delivery
from handlers.texts import groups as _groups
from handlers.texts import intake as _intake
from handlers.texts import jobs as _jobs
from handlers.texts import matching as _matching
from handlers.texts import onboarding as _onboarding
from handlers.texts import profile as _profile
from handlers.texts import telegram as _telegram
from handlers.texts import web as _web
from handlers.texts import wechat as _wechat

Catalogue = dict[str, dict[str, str]]

CATALOGUE: Catalogue = {}
for _part in (
    common.TEXTS,
    _caseworker.TEXTS,
    _commands.TEXTS,
    _console.TEXTS,
    _delivery.TEXTS,
    _groups.TEXTS,
    _intake.TEXTS,
    _jobs.TEXTS,
    _matching.TEXTS,
    _onboarding.TEXTS,
    _profile.TEXTS,
    _telegram.TEXTS,
    _wechat.TEXTS,
    _web.TEXTS,
):
    _clash = CATALOGUE.keys() & _part.keys()
    if _clash:
        raise RuntimeError(f"duplicate text keys: {sorted(_clash)}")
    CATALOGUE.update(_part)

LANGS = ("zh", "en")


class _CountFormatter(string.Formatter):
    """`str.format`, plus `{n:one|other}`: the singular when n is 1, else the plural."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return one if str(value) == "1" else other  # counts arrive as int or digits
        return str(super().format_field(value, format_spec))


_FORMATTER = _CountFormatter()


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text for `key` in `lang`, else the current turn's or push's (falling back to Chinese).

    Pass `lang` only for a text addressed to someone else than the one the turn or push is for
    (a notice to a posting's author written during a caseworker's turn).
    """
    entry = CATALOGUE[key]
    text = entry.get(lang or language.current()) or entry["zh"]
    return _FORMATTER.format(text, **values) if values else text
