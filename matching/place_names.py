"""District names as seekers type them: pinyin-input typos (西清, 北臣, 津难) and pinyin or
English names (Binhai New Area, Xiqing), on top of `matching.districts.find_districts`.

A typo table, not fuzzy matching: a same-sound character is what pinyin input produces, and a
short explicit list cannot turn an ordinary word into a district by accident.
"""

from __future__ import annotations

import re

from matching.district_typos import fix_typos
from matching.districts import BARE_URBAN, TIANJIN_DISTRICTS, find_districts

# 市内六区 / 市区: the six central districts, each one a place the seeker accepts.
_CENTRAL = ("和平区", "河东区", "河西区", "南开区", "河北区", "红桥区")
_CENTRAL_FIND = re.compile(r"(?<!离)(?:市内六区|市内|中心城区|市区|六区)")
# Pinyin / English names, one per district, as the English texts print them.
PINYIN = {
    "滨海新区": "Binhai", "和平区": "Heping", "河东区": "Hedong", "河西区": "Hexi",
    "南开区": "Nankai", "河北区": "Hebei", "红桥区": "Hongqiao", "东丽区": "Dongli",
    "西青区": "Xiqing", "津南区": "Jinnan", "北辰区": "Beichen", "武清区": "Wuqing",
    "宝坻区": "Baodi", "静海区": "Jinghai", "宁河区": "Ninghe", "蓟州区": "Jizhou",
}  # fmt: skip
assert set(PINYIN) == set(TIANJIN_DISTRICTS)
_EXTRA_EN = {"tanggu": "滨海新区", "teda": "滨海新区", "jixian": "蓟州区", "ji county": "蓟州区"}
_EN = {name.lower(): district for district, name in PINYIN.items()} | _EXTRA_EN
_EN_FIND = re.compile(
    r"(?<![a-z])(" + "|".join(sorted(map(re.escape, _EN), key=len, reverse=True)) + r")"
    r"(?:\s*(?:new\s+area|district|qu))?(?![a-z])",
    re.IGNORECASE,
)


def find_places(text: str) -> list[str]:
    """Districts named in `text`: correct names, pinyin typos and pinyin/English names."""
    found: list[tuple[int, str]] = []
    fixed = fix_typos(text)
    fixed = BARE_URBAN.sub(lambda m: m.group(1) + "区", fixed)
    for name in find_districts(fixed):
        found.append((fixed.find(name[:2]), name))
    for m in _EN_FIND.finditer(text):
        found.append((m.start(), _EN[m.group(1).lower()]))
    if central := _CENTRAL_FIND.search(text):
        found.extend((central.start(), name) for name in _CENTRAL)
    out: list[str] = []
    for _, name in sorted(found, key=lambda f: f[0] if f[0] >= 0 else len(text)):
        if name not in out:
            out.append(name)
    return out


def district_name(name: str, lang: str) -> str:
    """A district as the seeker reads it: "西青区", or "Xiqing" in English."""
    return PINYIN[name] if lang == "en" and name in PINYIN else name
