"""The language texts are written in: set once per turn or push, read where text is made.

The router sets it for a turn from the user who wrote (`speaking(user.lang)`), `/lang` switches
it for the rest of that turn, and the dispatcher sets it for each push from its recipient; `t()`
and the adapters' own hints read it. Outside all of those (the CLI, logs, system texts) it is
Chinese, the catalogue's first language. A context variable, not a global: every asyncio task
runs in a copy of its creator's context, so two turns in flight never see each other's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT = "zh"  # the catalogue's first language: system texts and anyone whose language is unknown

_current: ContextVar[str] = ContextVar("yizhan_lang", default=DEFAULT)


def current() -> str:
    """The language of the turn or push being written (Chinese outside them)."""
    return _current.get()


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Write in `lang` inside the block (None: the default); the language before comes back."""
    token = _current.set(lang or DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def switch(lang: str) -> None:
    """Change the language for the rest of the enclosing `speaking` block (`/lang en`)."""
    _current.set(lang)
