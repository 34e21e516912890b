"""Gold city and district of a real posting, from the platform's own fields, never the parser.

The poster chose the place on the platform (地区, 地址), and each platform writes it its own way:
51JOB "湖州·德清县"; LIEPIN "广州-黄埔区"; BOSS 地区 "杭州", 地址 "杭州滨江区…"; JOBONLINE
地区 "金华市", 地址 "浙江金华永康市古山镇…" or "中原区桐柏路…"; LAGOU 地址 sometimes
"中国大陆北京北京市海淀区…", mostly a building; ZHILIAN 地址 a street or town (no district).
The national division table
(matching/data/adcodes*.csv, data only) says which counties lie in the platform's city, so a label
is a real county of that city written with the table's name, the name the parser answers with.

A row is a district example when its description names the platform's district in full
("德清县") or by its short form ("德清"), and the short form is not a street named after it
("南京路" is no 南京).
"""

from __future__ import annotations

import re
from functools import cache

from matching.admin_divisions import CITY, COUNTY, PROVINCE, Division, load_table

_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京, 天津, 上海, 重庆: the province is the city
_SUFFIXES = ("自治县", "新区", "区", "县", "市", "旗")
# A short form right before one of these is a street or road named after the place.
_STREET_AFTER = re.compile(r"(?:路|街|大道|道|大街)")


def platform_city(row: dict[str, str]) -> str | None:
    """The platform's city as people write it ("湖州", "黔西南布依族苗族自治州"), or None."""
    city = re.split(r"[·\-]", row.get("地区") or "")[0].strip().removesuffix("市")
    return city if len(city) >= 2 else None


@cache
def _city_division(city: str) -> Division | None:
    table = load_table()
    found = [
        d
        for d in table.by_code.values()
        if d.name.removesuffix("市") == city
        and (d.level == CITY or (d.level == PROVINCE and d.adcode[:2] in _MUNICIPALITIES))
    ]
    return min(found, key=lambda d: d.level) if found else None


@cache
def _counties(adcode: str) -> tuple[Division, ...]:
    table = load_table()
    parent = table.by_code[adcode]
    return tuple(d for d in table.by_code.values() if d.level == COUNTY and d.within(parent))


def short_form(name: str) -> str:
    """A county's name without its suffix ("德清县" → "德清", "浦东新区" → "浦东"); two
    characters at least, else the name itself ("陇县")."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def city_counties(city: str) -> tuple[Division, ...]:
    """The counties the division table places in a platform city; () for an unknown city."""
    parent = _city_division(city)
    return _counties(parent.adcode) if parent is not None else ()


def _county_named(city: str, written: str) -> str | None:
    """The table's name for a county of `city` written in full or short ("海安市" → 海安县)."""
    counties = city_counties(city)
    for county in counties:
        if county.name == written:
            return county.name
    short = short_form(written)
    same = [c.name for c in counties if short_form(c.name) == short]
    return same[0] if len(same) == 1 else None


def platform_district(row: dict[str, str]) -> str | None:
    """The county the poster chose on the platform, with the table's name ("德清县"), or None.

    地区's second part (51JOB, LIEPIN, BOSS) first, else the first county of the platform's city
    named in full in 地址 (BOSS, JOBONLINE, LAGOU); ZHILIAN's towns give none.
    """
    city = platform_city(row)
    if city is None or not city_counties(city):
        return None
    region = re.split(r"[·\-]", row.get("地区") or "")
    if len(region) >= 2 and (name := region[1].strip()).endswith(_SUFFIXES):
        return _county_named(city, name)
    address = row.get("地址") or ""
    if row.get("发布平台") == "ZHILIAN" or not address:
        return None
    hits = [(address.find(c.name), c.name) for c in city_counties(city) if c.name in address]
    return min(hits)[1] if hits else None


def district_in_text(district: str, text: str) -> bool:
    """Whether the description names the district, in full or by its short form, and the short
    form is not a street named after it."""
    if district in text:
        return True
    short = short_form(district)
    if len(short) < 2 or short == district:
        return False
    return any(not _STREET_AFTER.match(text, m.end()) for m in re.finditer(re.escape(short), text))


def city_of(district: str, city: str) -> bool:
    """Whether a district read by the parser lies in the platform's city."""
    return any(c.name == district for c in city_counties(city))
