"""One-line reasons ("保洁类 · 西青区 距您约 3 公里 · 日结 200 元 · 已核实"), as data first.

matching/ may not import the text catalogue (handlers/), so a reason is built here as a tuple
of `ReasonPart(key, values)` naming catalogue keys ("match.reason.*", in
handlers/texts/matching.py), and `render` turns the parts into text with the catalogue lookup
it is given (`handlers.texts.t`). The parts are stored with a match, so a card can be rendered
again in the reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from matching.columns import CODES
from matching.rank import Scored
from matching.taxonomy import label
from models.posting import Posting
from models.values import Pay, PayUnit


class Phrases(Hashable, Protocol):
    """The catalogue lookup, `handlers.texts.t(key, lang, **values)` (a plain function)."""

    def __call__(self, key: str, lang: str = "zh", **values: object) -> str:
        """The text of `key` in `lang` with the values filled in."""


@dataclass(frozen=True, slots=True)
class ReasonPart:
    """One phrase of a reason: a catalogue key and the values it quotes."""

    key: str
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PostingFacts:
    """What a reason quotes about a posting (kept per indexed posting)."""

    title: str
    district: str | None
    pay: Pay
    category: str | None = None  # the posting's main code, named when no wanted one fits


def facts_of(posting: Posting) -> PostingFacts:
    """The quotable facts of a posting."""
    main = next((c for c in posting.categories if c in CODES), None)
    return PostingFacts(posting.title, posting.district, posting.pay, main)


def reason_parts(
    facts: PostingFacts, scored: Scored, i: int, verified: bool
) -> tuple[ReasonPart, ...]:
    """The phrases explaining pair `i` of a scoring, most telling first."""
    km = float(scored.km[i])
    measured = bool(scored.km_measured[i]) and math.isfinite(km)
    return _parts(
        facts,
        int(scored.category[i]),
        _km(km) if measured else "",
        bool(scored.beyond[i]),
        bool(scored.neighbour[i]),
        bool(scored.pay_below[i]),
        verified,
    )


@lru_cache(maxsize=65_536)
def _parts(
    facts: PostingFacts,
    code: int,
    km: str,
    beyond: bool,
    neighbour: bool,
    pay_below: bool,
    verified: bool,
) -> tuple[ReasonPart, ...]:
    # Cached: a posting reaching 800 seekers has a few dozen distinct reasons (same district
    # picks, km rounded), so reverse matching builds each one once.
    parts: list[ReasonPart] = []
    if code >= 0 or facts.category:
        parts.append(_category(CODES[code] if code >= 0 else str(facts.category), facts.title))
    parts.extend(_place(facts.district, km, beyond, neighbour))
    parts.extend(_pay(facts.pay))
    if pay_below:
        parts.append(ReasonPart("match.reason.pay_below"))
    if verified:
        parts.append(ReasonPart("match.reason.verified"))
    return tuple(parts)


def render(parts: Sequence[ReasonPart], phrases: Phrases, lang: str = "zh") -> str:
    """The parts as one line of text in `lang`."""
    return _render(tuple(parts), phrases, lang)


def render_many(
    reasons: Sequence[tuple[ReasonPart, ...]], phrases: Phrases, lang: str = "zh"
) -> list[str]:
    """Render many reasons; a reason shared by hundreds of results is rendered once."""
    done: dict[int, str] = {}
    out = []
    for parts in reasons:
        text = done.get(id(parts))
        if text is None:
            text = done[id(parts)] = _render(tuple(parts), phrases, lang)
        out.append(text)
    return out


@lru_cache(maxsize=65_536)
def _render(parts: tuple[ReasonPart, ...], phrases: Phrases, lang: str) -> str:
    texts: list[str] = []
    for part in parts:
        values = dict(part.values)
        if "code" in values:
            names = [name.strip() for name in label(values.pop("code"), lang).split("/")]
            values["name"] = names[min(int(values.pop("segment", "0")), len(names) - 1)]
        texts.append(phrases(part.key, lang, **values))
    return phrases("match.reason.sep", lang).join(texts)


def _category(code: str, title: str) -> ReasonPart:
    names = label(code, "zh").split("/")
    segment = next((i for i, name in enumerate(names) if name and name in title), 0)
    return ReasonPart("match.reason.category", (("code", code), ("segment", str(segment))))


def _place(district: str | None, km: str, beyond: bool, neighbour: bool) -> list[ReasonPart]:
    where = (("district", district),) if district else ()
    if km:
        key = "match.reason.km_beyond" if beyond else "match.reason.km"
        return [ReasonPart(key if district else f"{key}_only", (*where, ("km", km)))]
    if not district:
        return []
    if neighbour:
        return [ReasonPart("match.reason.neighbour", where)]
    return [ReasonPart("match.reason.district", where)]


def _pay(pay: Pay) -> list[ReasonPart]:
    if pay.unit == PayUnit.PIECE:
        return [ReasonPart("match.reason.pay_piece")]
    if not pay.known:
        return [ReasonPart("match.reason.pay_negotiable")] if pay.negotiable else []
    amount = _amount(pay)
    if pay.unit == PayUnit.DAY:
        key = "match.reason.pay_daily" if pay.period in (None, "日结") else "match.reason.pay_day"
    elif pay.unit == PayUnit.HOUR:
        key = "match.reason.pay_hour"
    elif pay.unit == PayUnit.YEAR:
        key = "match.reason.pay_year"
    else:
        key = "match.reason.pay_month"
    return [ReasonPart(key, (("amount", amount),))]


def _amount(pay: Pay) -> str:
    low, high = pay.min, pay.max
    if low is not None and high is not None and high > low:
        return f"{_figure(low)}-{_figure(high)}"
    return _figure(low if low is not None else high or 0.0)


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _km(km: float) -> str:
    # Under 1 km is said as "1"; tenths are noise for a commute (seats are ±1 km).
    return str(max(1, round(km)))
