"""Tianjin's 16 districts: names people write, where they are, which touch, and how far apart.

Also `parse_area` for addresses in any Chinese city, on the national division table from cpca's
data; Tianjin answers keep the canonical district names used everywhere else in Yizhan.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from matching.admin_divisions import (
    COUNTY,
    MUNICIPALITIES,
    PROVINCE,
    Division,
    after_label,
    away_from_tianjin,
    county_short,
    load_table,
    scan,
)
from matching.district_typos import fix_standalone_typos
from matching.landmarks import post_names, university_names

TIANJIN_DISTRICTS = (
    "滨海新区",
    "和平区",
    "河东区",
    "河西区",
    "南开区",
    "河北区",
    "红桥区",
    "东丽区",
    "西青区",
    "津南区",
    "北辰区",
    "武清区",
    "宝坻区",
    "静海区",
    "宁河区",
    "蓟州区",
)
# The compact urban core (DESIGN.md); the other ten are suburbs and outer districts.
CENTRAL_DISTRICTS = ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区")

# District government seats (lat, lon), approximate (±1 km): the coordinates in cpca's national
# division table, which match the seats (滨海新区 at 塘沽, 西青区 at 杨柳青, 武清区 at 杨村).
_CENTRES = {
    "滨海新区": (39.0173, 117.6984),
    "和平区": (39.1172, 117.2147),
    "河东区": (39.1283, 117.2516),
    "河西区": (39.1096, 117.2234),
    "南开区": (39.1382, 117.1507),
    "河北区": (39.1479, 117.1966),
    "红桥区": (39.1673, 117.1515),
    "东丽区": (39.0868, 117.3136),
    "西青区": (39.1412, 117.0088),
    "津南区": (38.9379, 117.3573),
    "北辰区": (39.2248, 117.1355),
    "武清区": (39.3841, 117.0444),
    "宝坻区": (39.7176, 117.3099),
    "静海区": (38.9475, 116.9742),
    "宁河区": (39.3301, 117.8267),
    "蓟州区": (40.0459, 117.4083),
}
# Shared borders, read off the district map (the Haihe counts as a border: 和平|河东, 河东|河西).
_BORDERS = (
    ("和平区", "河东区"), ("和平区", "河西区"), ("和平区", "南开区"), ("和平区", "河北区"),
    ("和平区", "红桥区"), ("河东区", "河西区"), ("河东区", "河北区"), ("河东区", "东丽区"),
    ("河西区", "南开区"), ("河西区", "东丽区"), ("河西区", "津南区"), ("河西区", "西青区"),
    ("南开区", "红桥区"), ("南开区", "西青区"), ("河北区", "红桥区"), ("河北区", "北辰区"),
    ("河北区", "东丽区"), ("红桥区", "北辰区"), ("红桥区", "西青区"), ("东丽区", "北辰区"),
    ("东丽区", "津南区"), ("东丽区", "滨海新区"), ("东丽区", "宁河区"), ("西青区", "北辰区"),
    ("西青区", "津南区"), ("西青区", "静海区"), ("西青区", "武清区"), ("津南区", "静海区"),
    ("津南区", "滨海新区"), ("北辰区", "武清区"), ("北辰区", "宁河区"), ("武清区", "宝坻区"),
    ("宝坻区", "蓟州区"), ("宝坻区", "宁河区"), ("静海区", "滨海新区"), ("宁河区", "滨海新区"),
    ("河东区", "津南区"), ("南开区", "河北区"),  # across the Haihe (东南 of 河东; 三岔河口)
)  # fmt: skip
# Not neighbours: 南开区 and 北辰区 (红桥区 lies between them).
_ADJACENT = frozenset(frozenset(pair) for pair in _BORDERS)

# Short forms, old names and areas → district. 和平/河东/河西/河北 are ordinary words (河北 is
# also the province), so only their full names count. Streets and towns are in
# data/tianjin_streets.tsv, landmarks in matching/landmarks.py.
_ALIASES = {
    **{n[:-1]: n for n in TIANJIN_DISTRICTS if n[:2] not in ("和平", "河东", "河西", "河北")},
    "滨海": "滨海新区", "TEDA": "滨海新区", "开发区": "滨海新区", "经济技术开发区": "滨海新区",
    "空港": "滨海新区", "响螺湾": "滨海新区", "生态城": "滨海新区", "中新天津生态城": "滨海新区",
    "临港": "滨海新区", "东疆": "滨海新区", "蓟县": "蓟州区", "盘山": "蓟州区", "赛达": "西青区",
    "华明": "东丽区", "小海地": "河西区", "友谊路": "河西区", "鞍山西道": "南开区",
    "长虹公园": "南开区",
}  # fmt: skip
STREETS_FILE = Path(__file__).parent / "data" / "tianjin_streets.tsv"
# Read as places but giving no district: 天津大学生 are students, 姜子牙 a legend.
_NOT_PLACES = ("天津大学生", "姜子牙")


def _read_streets(path: Path) -> tuple[dict[str, str], frozenset[str]]:
    """Street/town names and their short forms → district, and the names two districts share."""
    names: dict[str, str] = {}
    shared: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "name\t")):
            continue
        name, district, short = (*line.split("\t"), "", "")[:3]
        keys = [name, *(k.strip() for k in short.split(",") if k.strip())]
        if "|" in district:
            shared.update(keys)
        else:
            names.update(dict.fromkeys(keys, district))
    return names, frozenset(shared)


STREETS, SHARED_STREETS = _read_streets(STREETS_FILE)
_NAMES = {
    **{name: name for name in TIANJIN_DISTRICTS},
    **_ALIASES,
    **STREETS,
    **post_names(),
}
# Names read (so that no shorter name inside them is) that give no district.
_NO_DISTRICT = SHARED_STREETS | frozenset(_NOT_PLACES)
_UNIVERSITIES = university_names()
# A university named as schooling ("南开大学、天津大学毕业优先") is a requirement, not the place.
_SCHOOLING = re.compile(
    r"(?:[、/或和及][\u4e00-\u9fff]{2,12}?(?:大学|学院))*(?:等|及以上)?(?:院校|高校|名校)?"
    r"(?:毕业|学历|优先|硕士|本科|博士|研究生|校友|在读|学生)"
)


# Names that are part of a longer ordinary word when these characters come right before or
# after them: 线下营销 is no 下营 (蓟州), 开发区域 / 开发区块链 / 高新技术开发区 (any city's)
# no TEDA, 京东站内 no 天津东站. On the real postings of other cities these were 16 of 23 Tianjin
# districts read.
_WORD_AROUND = {"下营": ("线", ""), "开发区": ("术", "域块"), "东站": ("京", "")}


def _gives_district(text: str, m: re.Match[str]) -> bool:
    """Whether a name found in `text` places it: not shared, not a legend, not schooling, not
    inside an ordinary word."""
    if m.group() in _NO_DISTRICT:
        return False  # 八里台 is in 南开 and in 津南: no guess
    before, after = _WORD_AROUND.get(m.group(), ("", ""))
    prev, nxt = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
    if (prev and prev in before) or (nxt and nxt in after):
        return False
    if m.group() in _UNIVERSITIES:
        return not _SCHOOLING.match(text, m.end())
    return True


_FIND = re.compile(
    "(?:"
    + "|".join(re.escape(k) for k in sorted({*_NAMES, *_NO_DISTRICT}, key=len, reverse=True))
    + r")(?![县市省区])"  # 滨海县 (盐城), 梅江区 (梅州) are elsewhere
)
# 河东 / 河西 / 和平 without 区 are districts when they stand alone as a place ("河东 离家近"),
# not inside a word (和平路 is a street; 河北 is left out: it is also the province).
# 河东去: 去 typed for 区 (the same qu).
BARE_URBAN = re.compile(
    r"(?:(?<![\u4e00-\u9fff])|(?<=或者)|(?<=或)|(?<=和)|(?<=还是)|(?<=跟))"
    r"(河东|河西|和平)去?(?=$|[\s,，。、这那附的一边都也或和])"
)


_SHORT_FORMS = frozenset(n[:-1] for n in TIANJIN_DISTRICTS) | {"滨海", "蓟县"}
_TIANJIN = re.compile(r"天津市?")
_DEV_ZONE = ("开发区", "经济技术开发区")
_GENERIC_FULL = ("和平区", "河东区", "河西区", "河北区")
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Area:
    """Where a text says a place is; Tianjin districts carry their canonical names."""

    province: str | None
    city: str | None
    district: str | None
    address: str | None
    confidence: float


def centre(name: str) -> tuple[float, float]:
    """(lat, lon) of a district's government seat (approximate, ±1 km); KeyError if unknown."""
    return _CENTRES[canonical(name) or name]


def canonical(name: str) -> str | None:
    """The canonical district for a name, short form or town ("西青" → "西青区"), else None."""
    return _NAMES.get(name.strip())


def adjacent(a: str, b: str) -> bool:
    """Whether two districts share a border (a district is not adjacent to itself)."""
    ca, cb = canonical(a), canonical(b)
    return ca is not None and cb is not None and frozenset((ca, cb)) in _ADJACENT


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def district_distance_km(a: str, b: str) -> float:
    """Km between two districts' seats (0 for the same district); KeyError if unknown."""
    ca, cb = canonical(a) or a, canonical(b) or b
    if ca == cb:
        return 0.0
    return haversine_km(*_CENTRES[ca], *_CENTRES[cb])


def nearest_district(lat: float, lon: float, home: Division | None = None) -> str:
    """The district whose seat is closest to a point (a fair guess inside the city): one of
    Tianjin's, or of `home`'s counties when the station is in another city."""
    if away_from_tianjin(home) and (counties := _counties(home.adcode)):
        return min(counties, key=lambda d: haversine_km(lat, lon, d.lat, d.lon)).name
    return min(TIANJIN_DISTRICTS, key=lambda d: haversine_km(lat, lon, *_CENTRES[d]))


def district_answer(text: str, home: Division | None = None) -> str | None:
    """The district a short answer names ("西青", "河西区那边"; "番禺" at a Guangzhou station),
    or None: the answer to "哪个区" and a 区 edit read the same way."""
    found = [] if away_from_tianjin(home) else find_districts(text)
    if found:
        return found[0]
    area = parse_area(text, home)
    return area.district if area is not None else None


def find_districts(text: str) -> list[str]:
    """Canonical Tianjin districts named in `text` (full, short, old names or towns), in order."""
    found: list[str] = []
    last_end = -1
    for m in _FIND.finditer(text):
        if m.group() in _DEV_ZONE and m.start() == last_end:
            last_end = m.end()
            continue  # "西青开发区" is 西青's own zone, not TEDA
        last_end = m.end()
        if not _gives_district(text, m):
            continue
        if m.group() in _GENERIC_FULL and text[m.end() : m.end() + 1] == "域":
            continue  # "河北区域经理" is a regional manager for Hebei
        name = _NAMES[m.group()]
        if name not in found:
            found.append(name)
    return found


def parse_area(text: str, home: Division | None = None) -> Area | None:
    """Province, city, district and the rest of an address in any Chinese city; None if none found.

    Tianjin districts are recognised by `find_districts` first (towns included); elsewhere the
    national division table decides, preferring a county that lies inside the named city.
    `home` is the city the text was written in when it is not Tianjin (a post sent to another
    city's service, an import row of that city): its counties count by their short forms, and a
    Tianjin name counts only where the text names Tianjin.
    """
    if not text or not text.strip():
        return None
    text = fix_standalone_typos(text)
    away = away_from_tianjin(home)
    # Tianjin's streets and landmarks (中山路, 临港) are read only where Tianjin may be meant.
    local = [] if away and not _TIANJIN.search(text) else [m.span() for m in _FIND.finditer(text)]
    # A division's name inside a Tianjin place's (中山门, 天津理工大学) is not that division.
    matches = [
        (start, end, divs)
        for start, end, divs in scan(text, home if away else None)
        if not any(s < end and start < e for s, e in local)
    ]
    named_other = [divs[0] for _, _, divs in matches if not divs[0].adcode.startswith("12")]
    # 天津 inside a place's own name (天津理工大学 in a Shanghai post) is not the city named.
    mentions = any(not any(s <= t.start() < e for s, e in local) for t in _TIANJIN.finditer(text))
    tianjin = _tianjin_area(text, mentions_tianjin=mentions, other=bool(named_other) or away)
    if tianjin is not None:
        return tianjin
    return _national_area(text, matches)


def _tianjin_area(text: str, *, mentions_tianjin: bool, other: bool) -> Area | None:
    m = next((m for m in _FIND.finditer(text) if _gives_district(text, m)), None)
    if m is None and not other and (bare := BARE_URBAN.search(text)):
        # "河西 家政公司": the bare name standing alone as a place
        return Area("天津市", "天津市", bare.group(1) + "区", _rest(text, bare.end()), 0.6)
    if m is None or (other and not mentions_tianjin):
        city = _TIANJIN.search(text)
        if city is not None and not other:
            return Area("天津市", "天津市", None, _rest(text, city.end()), 0.6)
        return None
    district = _NAMES[m.group()]
    full = m.group() == district
    confidence = 0.95 if mentions_tianjin else 0.85 if full else 0.7
    # A town or landmark is part of the address; a district name is not.
    town = not full and m.group() not in _SHORT_FORMS
    return Area(
        "天津市", "天津市", district, _rest(text, m.start() if town else m.end()), confidence
    )


def _county_after(parent: Division, rest: str) -> tuple[Division, int] | None:
    """A county of `parent` named by its short form right after it ("广州天河", "北京延庆", or
    with a space or dot between: "廊坊 固安", "深圳·龙华"): the city just named is the evidence a
    bare short form lacks ("天河" alone is not enough)."""
    if parent.level == PROVINCE and parent.adcode[:2] not in MUNICIPALITIES:
        return None
    gap = len(rest) - len(rest.lstrip(" \u3000·・-"))
    if gap > 2:
        return None
    after = rest[gap:]
    counties = _counties(parent.adcode)
    for county in counties:  # a full name first: 岳阳楼区 is not 岳阳县's short form
        if after.startswith(county.name):
            return county, gap + len(county.name)
    for county in counties:
        short = county_short(county.name)
        if len(short) >= 2 and after.startswith(short):
            return county, gap + len(short)
    return None


@lru_cache(maxsize=512)
def _counties(adcode: str) -> tuple[Division, ...]:
    table = load_table()
    parent = table.by_code[adcode]
    return tuple(d for d in table.by_code.values() if d.level == COUNTY and d.within(parent))


def _national_area(text: str, matches: list[tuple[int, int, tuple[Division, ...]]]) -> Area | None:
    if not matches:
        return None
    # The place after a work-location label is the workplace, wherever the company's own city
    # was named before it ("深圳某公司 … 【工作地点】 成都市武侯区").
    labelled = next((i for i, (start, _, _) in enumerate(matches) if after_label(text, start)), 0)
    matches = matches[labelled:]
    table = load_table()
    chosen: list[Division] = []
    last_end = 0
    ambiguous = False
    for _, end, divs in matches:
        parent = chosen[-1] if chosen else None
        if parent is None:
            pick = divs[0]
        else:
            inside = [d for d in divs if d.level > parent.level and d.within(parent)]
            if not inside:
                continue
            pick = inside[0]
        chosen.append(pick)
        last_end = end
        if parent is None:
            ambiguous = len(divs) > 1 and divs[0].level == divs[1].level
        if pick.level == COUNTY:
            break
        if short := _county_after(pick, text[end:]):
            # "佛山顺德北滘 … 禅城区": the short form right after the city comes first
            chosen.append(short[0])
            last_end = end + short[1]
            break
    if not chosen:
        return None
    if chosen[-1].level < COUNTY:
        # The city may be written again later with its county's short form ("深圳市某公司 …
        # 地址：深圳龙岗…"): each time it is named is a place to look.
        named_again = [end for _, end, divs in matches if chosen[-1] in divs and end >= last_end]
        for end in named_again:
            if short := _county_after(chosen[-1], text[end:]):
                chosen.append(short[0])
                last_end = end + short[1]
                break
    deepest = chosen[-1]
    code = deepest.adcode
    province = table.name_of(code[:2])
    city = table.name_of(code[:4]) if deepest.level > PROVINCE else None
    if city in (None, "市辖区", "县") and deepest.level > PROVINCE:
        city = province  # 北京/上海/重庆: the municipality is the city
    district = deepest.name if deepest.level == COUNTY else None
    confidence = {1: 0.5, 2: 0.8, 3: 0.95}[min(len(chosen), 3)]
    if len(chosen) == 1 and deepest.level == COUNTY:
        confidence = 0.4 if ambiguous else 0.7
    if deepest.level == PROVINCE:
        confidence = 0.5
        if code[:2] in MUNICIPALITIES:
            city, confidence = province, 0.8  # 北京, 上海, 重庆 are cities as well
    return Area(province, city, district, _rest(text, last_end), confidence)


def _rest(text: str, start: int) -> str | None:
    rest = text[start:].strip(" ·,，、:：-()（）")
    return rest or None
