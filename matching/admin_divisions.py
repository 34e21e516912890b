"""China's province / city / county table, read on first use from the CSV files in `data/`.

`data/adcodes.csv` is cpca 0.5.5's table, vendored (MIT; source, date and licence in
`data/NOTICE.md`); `data/adcodes_added.csv` holds the districts created since. 3,500 rows, ~30 ms.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeGuard

import ahocorasick  # type: ignore[import-not-found,unused-ignore]

# cpca's own rule: strip 省/市/自治区/特别行政区 for the short name people write ("深圳");
# 区/县 stay, because without them county names collide with ordinary words.
_STRIP = re.compile(r"(?:省|市|特别行政区|自治区)$")
_SPECIAL = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "新疆维吾尔自治区": "新疆",
    "宁夏回族自治区": "宁夏",
}
PROVINCE, CITY, COUNTY = 0, 1, 2
MUNICIPALITIES = ("11", "12", "31", "50")  # adcode prefixes of 北京, 天津, 上海, 重庆
DATA_DIR = Path(__file__).parent / "data"
# cpca's table first: a code in both files keeps cpca's row.
DATA_FILES = (DATA_DIR / "adcodes.csv", DATA_DIR / "adcodes_added.csv")


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative unit: 6-digit adcode, name, level (0/1/2), seat (nan if unknown)."""

    adcode: str
    name: str
    level: int
    lat: float
    lon: float

    def within(self, other: Division) -> bool:
        """Whether this unit lies inside `other` (adcode prefix of other's level)."""
        return self.adcode.startswith(other.adcode[: (other.level + 1) * 2])


@dataclass(frozen=True, slots=True)
class DivisionTable:
    """All divisions by adcode and an Aho–Corasick automaton from names and short names."""

    by_code: dict[str, Division]
    automaton: ahocorasick.Automaton
    # Counties' short forms that are no name of their own (南山 of 南山区, 闵行 of 闵行区): too
    # loose for the automaton, read only right after a work-location label (`scan`).
    shorts: dict[str, tuple[Division, ...]]

    def name_of(self, prefix: str) -> str | None:
        """The name of the division whose adcode starts with `prefix` padded with zeros."""
        found = self.by_code.get(prefix.ljust(6, "0"))
        return None if found is None else found.name


@cache
def load_table() -> DivisionTable:
    """The division table, built once from the files in `DATA_FILES`."""
    by_code: dict[str, Division] = {}
    names: dict[str, list[Division]] = {}
    rows: list[tuple[str, str, float, float]] = []
    for path in DATA_FILES:
        with path.open(encoding="utf-8", newline="") as fh:
            rows.extend(
                (
                    r["adcode"][:6],
                    r["name"],
                    float(r["latitude"] or "nan"),
                    float(r["longitude"] or "nan"),
                )
                for r in csv.DictReader(fh)
            )
    for code, name, lat, lon in rows:
        if code in by_code:
            continue
        level = PROVINCE if code.endswith("0000") else CITY if code.endswith("00") else COUNTY
        div = Division(code, name, level, lat, lon)
        by_code[code] = div
        if div.name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue  # placeholders in the national table, never written by people
        for key in {div.name, _SPECIAL.get(div.name) or _STRIP.sub("", div.name)}:
            if len(key) >= 2:
                names.setdefault(key, []).append(div)
    shorts: dict[str, list[Division]] = {}
    for div in by_code.values():
        short = county_short(div.name)
        if div.level == COUNTY and short != div.name and short not in names:
            shorts.setdefault(short, []).append(div)
    automaton = ahocorasick.Automaton()
    for key, divs in names.items():
        # Higher levels first so "吉林" means the province before the city of the same name.
        automaton.add_word(key, (key, tuple(sorted(divs, key=lambda d: (d.level, d.adcode)))))
    automaton.make_automaton()
    return DivisionTable(by_code, automaton, {k: tuple(v) for k, v in shorts.items()})


def county_short(name: str) -> str:
    """A county's name without its suffix, as people write it after the city: 天河 of 天河区."""
    for suffix in ("新区", "自治县", "区", "县", "市", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


# Short forms of divisions that are first of all ordinary words in a job post ("与客户合作" is not
# 合作市, "城关" is any county seat, "新城" any new town): without their suffix they never count.
ORDINARY_WORDS = frozenset(
    [
        "合作",
        "天桥",
        "城关",
        "新城",
        "市南",
        "市北",
        "西湖",
        "和平",
        "城中",
        "城区",
        "郊区",
        "矿区",
        "新区",
        "平安",
        "安定",
        "和顺",
        "永和",
        "东方",
        "开发区",
        "高新区",
        "新华",
        "长安",
        "中山",
        "白银",
        "和龙",  # "坂田和龙华": 和 then 龙华, not 和龙市
    ]
)
# A suffix that begins a longer word: 合作市场 (market), 城区域 (area), 新华县城 … are no division.
_WORD_AFTER = {"市": "场民值面内区", "区": "域别间块", "县": "城"}
# A bare short form before 路/道/街 is a street named after the place (天津's 南京路, 成都道,
# 营口道), not the place; a full name (朝阳区街道) still counts, and so do 深圳路况, 北京道路,
# 上海街头 (the second character makes a word about the city itself).
_STREET = re.compile(r"(?:路(?![况线费程途])|道(?![路德理])|街(?![头道]))")
_LEVEL_SUFFIXES = ("省", "市", "区", "县", "旗")
# A first character ending the word before it: 民营口腔 / 经营口碑 are no 营口, 提高平台 no 高平.
_WORD_BEFORE = {"营口": "民经国运私联合自", "高平": "提"}


def scan(text: str, home: Division | None = None) -> list[tuple[int, int, tuple[Division, ...]]]:
    """Longest non-overlapping division names in `text`: (start, end, candidates) in order.

    Skipped: a bare ordinary word (ORDINARY_WORDS), a name whose suffix starts a longer word or
    whose first character ends one, a bare short form naming a street (南京路), and a county
    named too loosely to stand alone (`_needs_its_parent`) whose city or province the text does
    not name, unless a work-location label comes right before it: 常熟 in 非常熟练, 高安 in
    高安全, 和县 in 和县城 (but "工作地点：常熟" counts).

    `home` is the city the post was sent in: its counties count by their short forms anywhere
    (`_home_shorts`), as a local reader takes "番禺CBD" in a Guangzhou post, and its name is
    the parent a loose county name needs.
    """
    if not text:
        return []
    table = load_table()
    out: list[tuple[int, int, tuple[Division, ...]]] = []
    for end, (key, divs) in table.automaton.iter_long(text):
        if key in ORDINARY_WORDS:
            continue
        after = text[end + 1 : end + 2]
        if after and after in _WORD_AFTER.get(key[-1], ""):
            continue
        if _STREET.match(text, end + 1) and not key.endswith(_LEVEL_SUFFIXES):
            continue
        start = end - len(key) + 1
        if start > 0 and text[start - 1] in _WORD_BEFORE.get(key, ""):
            continue
        out.append((start, end + 1, divs))
    if home is not None:
        out = _home_readings(text, home, out)
    labelled = _labelled_shorts(text, out)
    labelled += _home_shorts(text, home, out + labelled) if home is not None else []
    short_spans = {(start, end) for start, end, _ in labelled}
    out = sorted(out + labelled, key=lambda m: m[0])
    named = {d.adcode for _, _, divs in out for d in divs if d.level < COUNTY}
    named |= {home.adcode} if home is not None else set()
    kept = []
    for start, end, divs in out:
        if (start, end) in short_spans:
            # 南山 (深圳 or 鹤岗): the city named in the text decides; unnamed, only a unique one
            divs = tuple(d for d in divs if _parents(d) & named) or divs
            if len(divs) > 1:
                continue
        elif _needs_its_parent(text[start:end], divs) and not after_label(text, start):
            divs = tuple(d for d in divs if _parents(d) & named)
            if not divs:
                continue
        kept.append((start, end, divs))
    return kept


# A place right after a work-location label ("工作地点：常熟") is meant as a place.
_LABEL = (
    r"(?:工作地点|上班地点|办公地点|工作地址|上班地址|办公地址|工作地|地址|地点|位于)"
    r"[】\]:：\s\-—]*(?:在|为)?[:：\s]*"
)
_LABELLED = re.compile(_LABEL + "$")
_LABEL_THEN = re.compile(_LABEL)


def after_label(text: str, start: int) -> bool:
    """Whether a work-location label (工作地点：, 【工作地点】, 办公地点在) ends at `start`."""
    return _LABELLED.search(text, 0, start) is not None


def _labelled_shorts(
    text: str, found: list[tuple[int, int, tuple[Division, ...]]]
) -> list[tuple[int, int, tuple[Division, ...]]]:
    """Counties written by their short form right after a work-location label ("工作地点：
    南山", "公司地点：闵行马桥"), where the automaton found no name; not a street (龙华路)."""
    table = load_table()
    starts = {start for start, _, _ in found}
    out = []
    for label in _LABEL_THEN.finditer(text):
        at = label.end()
        if at in starts:
            continue
        for size in (3, 2):
            key = text[at : at + size]
            divs = table.shorts.get(key)
            if divs and key not in ORDINARY_WORDS and not _STREET.match(text, at + size):
                out.append((at, at + size, divs))
                break
    return out


def _home_readings(
    text: str, home: Division, found: list[tuple[int, int, tuple[Division, ...]]]
) -> list[tuple[int, int, tuple[Division, ...]]]:
    """The home city's own reading of a name first: 朝阳 in a Beijing post is 朝阳区, not the
    city in Liaoning, and 南山区 in a Shenzhen post is Shenzhen's, not Hegang's; but "辽宁朝阳" (a
    division named right before) keeps the other reading, and 朝阳 in a post of 朝阳市 stays the
    city, not 朝阳县."""
    homes = _home_short_forms(home.adcode)
    ends = {end for _, end, _ in found}
    out: list[tuple[int, int, tuple[Division, ...]]] = []
    for start, end, divs in found:
        key = text[start:end]
        if start not in ends and home not in divs:
            if key in homes:
                divs = (homes[key],)
            elif own := tuple(d for d in divs if d.level > home.level and d.within(home)):
                divs = own
        out.append((start, end, divs))
    return out


# A short form that begins an ordinary word with the characters after it: 朝阳产业 / 朝阳市场
# (a rising trade), 换成华为 (a brand); on real postings these were the home reads that were wrong.
_HOME_WORD_AFTER = {"朝阳": "产行市", "成华": "为"}


def _home_shorts(
    text: str, home: Division, found: list[tuple[int, int, tuple[Division, ...]]]
) -> list[tuple[int, int, tuple[Division, ...]]]:
    """The home city's counties written by their short form where no name was found: not an
    ordinary word, not a street (番禺路), not the start of a longer name (天河 in 天河城 is
    still 天河; 白云 in 白云山 too)."""
    spans = [(start, end) for start, end, _ in found]
    out: list[tuple[int, int, tuple[Division, ...]]] = []
    for short, county in _home_short_forms(home.adcode).items():
        for m in re.finditer(re.escape(short), text):
            start, end = m.span()
            if any(s < end and start < e for s, e in spans) or _STREET.match(text, end):
                continue
            if text[end : end + 1] and text[end] in _HOME_WORD_AFTER.get(short, ""):
                continue
            out.append((start, end, (county,)))
            spans.append((start, end))
    return out


@cache
def _home_short_forms(adcode: str) -> dict[str, Division]:
    """Short form → county for the counties of one city, longest first; ordinary words left
    out."""
    table = load_table()
    home = table.by_code[adcode]
    shorts = {
        county_short(d.name): d
        for d in table.by_code.values()
        if d.level == COUNTY and d.within(home) and county_short(d.name) != d.name
    }
    return {
        k: shorts[k]
        for k in sorted(shorts, key=len, reverse=True)
        if len(k) >= 2 and k not in ORDINARY_WORDS
    }


def away_from_tianjin(home: Division | None) -> TypeGuard[Division]:
    """Whether a home city is given and is not Tianjin, the city the district tables hold."""
    return home is not None and not home.adcode.startswith("12")


def place_short(name: str) -> str:
    """A place's name without its level suffix ("天津市" → "天津", "南山区" → "南山")."""
    return name[:-1] if len(name) > 2 and name[-1] in "市区县省" else name


def same_place(a: str, b: str) -> bool:
    """Whether two names stand for one place ("天津市" and "天津")."""
    return place_short(a) == place_short(b)


def home_city(name: str) -> Division | None:
    """The city (or municipality) a name such as "广州", "广州市" or "北京" stands for."""
    found = load_table().automaton.get(_STRIP.sub("", name.strip()) or name, None)
    if found is None:
        return None
    cities = [d for d in found[1] if d.level == CITY or d.adcode[:2] in MUNICIPALITIES]
    return cities[0] if cities else None


def _needs_its_parent(key: str, divs: tuple[Division, ...]) -> bool:
    """A county-level name that is first of all part of ordinary words: a county-level
    city's short form (常熟 of 常熟市, 大理 in 远大理想, 乐平 in 音乐平台) or a two-character
    full name (和县, 成县, 东区). On real postings naming no county of their own city, these
    gave most of the districts read outside the posting's city."""
    if any(d.level < COUNTY for d in divs):
        return False
    return len(key) <= 2 or all(key != d.name for d in divs)


def _parents(div: Division) -> set[str]:
    """The adcodes of the city and province a county lies in."""
    return {div.adcode[:4] + "00", div.adcode[:2] + "0000"}
