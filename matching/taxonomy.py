"""The 17 job categories of the registration form (A–Q), their words, and a keyword classifier.

Classification is one Aho–Corasick pass (longest match) over every title, synonym and brand word,
so a 50-character text takes microseconds. Word segmentation (jieba) was not needed: the false hits
it would prevent ("公司机构" → 司机, "水电工程师" → 电工) are handled by blocker words that win the
longest-match, and jieba would cost a 1 s dictionary load and ~10x the time per text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import ahocorasick  # type: ignore[import-not-found,unused-ignore]

from matching.taxonomy_words import (
    BLOCKERS,
    BRANDS,
    CATEGORY_WORDS,
    OFF_FORM,
    PERSON_TITLES,
    PORTABLE,
    SITE_TRADES,
    WORK_FORM_TITLES,
    WORKPLACES,
)

__all__ = ["BRANDS", "CATEGORIES", "Category", "classify", "codes_in", "deciding_place", "label"]

# Weights: a word in the title counts 3x a word in the text; a job title 1.0, a looser synonym
# 0.6, a brand or slang word 0.8. Confidence = score / (score + 1.5): one job title in the title
# → 0.67, one in the text → 0.4, two distinct text words → 0.57.
TITLE_WEIGHT = 3.0
_KIND_WEIGHT = {"title": 1.0, "synonym": 0.6, "brand": 0.8, "name": 1.0}
_HALF = 1.5
_REPEAT_CAP = 2  # a word repeated five times in a long post counts at most twice


@dataclass(frozen=True, slots=True)
class Category:
    """One form category: code, names, loose synonyms, common job titles, a description."""

    code: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...]
    titles: tuple[str, ...]
    description: str


CATEGORIES: dict[str, Category] = {
    code: Category(code, w["name_zh"], w["name_en"], w["synonyms"], w["titles"], w["description"])
    for code, w in CATEGORY_WORDS.items()
}


def _build() -> ahocorasick.Automaton:
    entries: dict[str, dict[str, float]] = defaultdict(dict)
    titles: set[str] = set()

    def add(word: str, code: str, kind: str) -> None:
        key = unicodedata.normalize("NFKC", word).lower()
        weight = _KIND_WEIGHT[kind]
        entries[key][code] = max(entries[key].get(code, 0.0), weight)
        if kind == "title":
            titles.add(key)

    for cat in CATEGORIES.values():
        for part in cat.name_zh.split("/"):
            add(part, cat.code, "name")
        for word in cat.synonyms:
            add(word, cat.code, "synonym")
        for word in cat.titles:
            add(word, cat.code, "title")
    for word, codes in BRANDS.items():
        for code in codes:
            add(word, code, "brand")
    automaton = ahocorasick.Automaton()
    for key, weights in entries.items():
        automaton.add_word(key, (key, tuple(weights.items()), key in titles))
    for word in (*BLOCKERS, *OFF_FORM):
        key = unicodedata.normalize("NFKC", word).lower()
        if key not in entries:
            automaton.add_word(key, (key, (), word in OFF_FORM))
    automaton.make_automaton()
    return automaton


_AUTOMATON = _build()


def _hits(text: str, beside: Collection[str] = ()) -> dict[str, float]:
    """Keyword weights by category; `beside` are the categories the words around the text
    name (a title's post), which a person word in it must not contradict."""
    scores: dict[str, float] = defaultdict(float)
    if not text:
        return scores
    folded = unicodedata.normalize("NFKC", text).lower()
    seen: dict[str, int] = defaultdict(int)
    hits: list[tuple[str, tuple[tuple[str, float], ...], bool]] = []
    off_form = False
    for end, (key, weights, is_title) in _AUTOMATON.iter_long(folded):
        if key.isascii() and not _word_bounded(folded, end - len(key) + 1, end + 1):
            continue  # "ems" inside "systems", "hr" inside "three"
        if not weights:
            off_form = off_form or is_title  # blockers carry False, off-form words True
            continue
        if seen[key] < _REPEAT_CAP:
            seen[key] += 1
            hits.append((key, weights, is_title))
    # 小时工 beside another job title ("普工小时工") says how the job is paid, not what it is.
    named = any(is_title and key not in WORK_FORM_TITLES for key, _w, is_title in hits)
    # A person word ("阿姨") counts unless the other words, here or beside, name trades and
    # none of them its own: "采摘草莓…阿姨都可以" is farm work.
    own = {code for key, weights, _t in hits if key in PERSON_TITLES for code, _ in weights}
    other = {code for key, weights, _t in hits if key not in PERSON_TITLES for code, _ in weights}
    other |= set(beside)
    traded = bool(other) and not own & other
    for key, weights, is_title in hits:
        if off_form and not is_title:
            continue
        if (named and key in WORK_FORM_TITLES) or (traded and key in PERSON_TITLES):
            continue
        for code, weight in weights:
            scores[code] += weight
    return scores


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (
        after.isascii() and after.isalnum()
    )


def _automaton(words: dict[str, str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, code in words.items():
        key = unicodedata.normalize("NFKC", word).lower()
        automaton.add_word(key, (key, code))
    automaton.make_automaton()
    return automaton


_PLACES = _automaton(WORKPLACES)
_PORTABLE = _automaton(dict.fromkeys(PORTABLE, ""))


def deciding_place(text: str) -> str | None:
    """The trade of the first workplace the text names ("汽修厂" → G, "饭店" → I), else None."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    for _end, (_key, code) in _PLACES.iter_long(folded):
        if code:
            return str(code)
    return None


def _names_a_title(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return any(is_title and w for _end, (_key, w, is_title) in _AUTOMATON.iter_long(folded))


def _only_portable(noun: str) -> bool:
    """Whether the job noun is a portable one (学徒, 服务员…) and names no real trade beside it."""
    folded = unicodedata.normalize("NFKC", noun or "").lower()
    if not any(True for _ in _PORTABLE.iter_long(folded)):
        return False
    titles = {key for _end, (key, _w, is_title) in _AUTOMATON.iter_long(folded) if is_title}
    return all(key in PORTABLE for key in titles)


def _site_codes(noun: str) -> frozenset[str]:
    """The categories a workplace may give the job noun's trades: any code for portable nouns
    only (学徒, 服务员…), a site trade's own codes (木工: H, O), none beside any other trade."""
    folded = unicodedata.normalize("NFKC", noun or "").lower()
    titles = {key for _end, (key, _w, is_title) in _AUTOMATON.iter_long(folded) if is_title}
    titles -= WORK_FORM_TITLES if titles - WORK_FORM_TITLES else set()
    portable = {key for key in titles if key in PORTABLE}
    trades = titles - portable
    if not trades:
        return frozenset(CATEGORIES) if _only_portable(noun) else frozenset()
    allowed = [set(SITE_TRADES.get(key, ())) for key in trades]
    return frozenset(set.intersection(*allowed))


def classify(text: str, title: str = "") -> list[tuple[str, float]]:
    """Categories the text is about, as (code, confidence 0..1), best first; empty when none.

    A portable job noun (学徒, 服务员, 小工…) takes the trade of the workplace the post names
    (汽修厂学徒 → G); a site trade takes it among its own categories (工地木工 → O, 装修木工 H,
    工厂电工 J); any other real trade (厨师, 保洁, 司机) keeps its own wherever it works. A job
    no title of the tables names counts its workplace as one title (纸箱厂 开机长 → J, 超市门口
    推酸奶 → M).
    """
    scores = _hits(text)
    titled = _hits(title, beside=scores.keys())
    for code, score in titled.items():
        scores[code] += TITLE_WEIGHT * score
    where = f"{title}\n{text}"
    place = deciding_place(where)
    if place is not None and not _names_a_title(where):
        scores[place] += _KIND_WEIGHT["title"]
    codes = _site_codes(title or text)
    if place is not None and place in codes:
        scores[place] = max(scores.values(), default=0.0) + TITLE_WEIGHT
        if codes != frozenset(CATEGORIES):
            # A site trade's other codes are the readings the workplace ruled out (工地木工 is
            # no 装修 job).
            for code in codes - {place}:
                scores.pop(code, None)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(code, round(score / (score + _HALF), 3)) for code, score in ranked]


# A letter A–Q on its own ("A", "a、c", "选B") or glued to its category's name ("J普工").
_LETTER = re.compile(r"(?<![A-Za-z])([A-Qa-q])(?![A-Za-z])")
_CONNECTORS = "和与及跟或类项也都吧啊呀的行可以、"
_NAME_WORDS: dict[str, list[str]] = {
    code: [*cat.name_zh.split("/"), *cat.synonyms] for code, cat in CATEGORIES.items()
}
_EXPLICIT = ahocorasick.Automaton()
for _code, _words in _NAME_WORDS.items():
    for _word in _words:
        _EXPLICIT.add_word(_word.lower(), (_word.lower(), _code))
for _blocker in BLOCKERS:
    if _blocker.lower() not in _EXPLICIT:
        _EXPLICIT.add_word(_blocker.lower(), (_blocker.lower(), ""))
_EXPLICIT.make_automaton()


def codes_in(text: str) -> list[str]:
    """Form codes the user names outright, by letter ("a、c", "J普工") or by name, in order."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[tuple[int, str]] = []
    for m in _LETTER.finditer(text):
        code = m.group(1).upper()
        following = text[m.end() : m.end() + 4]
        glued = following[:1] and _is_cjk(following[0]) and following[0] not in _CONNECTORS
        if glued and not any(w.startswith(following[:2]) for w in _NAME_WORDS[code]):
            continue  # "B超" is an ultrasound, not category B; "J普工" is J
        found.append((m.start(), code))
    lowered = text.lower()
    for end, (word, code) in _EXPLICIT.iter_long(lowered):
        start = end - len(word) + 1
        if code and (not word.isascii() or _word_bounded(lowered, start, end + 1)):
            found.append((start, code))
    out: list[str] = []
    for _, code in sorted(found):
        if code not in out:
            out.append(code)
    return out


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def label(code: str, lang: str = "zh") -> str:
    """The category's display name ("家政/保洁", "Housekeeping / Cleaning"); else the code."""
    cat = CATEGORIES.get(code.upper())
    if cat is None:
        return code
    return cat.name_en if lang == "en" else cat.name_zh
