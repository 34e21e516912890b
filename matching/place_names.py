"""District names as seekers type them: pinyin-input typos (西清, 北臣, 津难) and pinyin or
English names (Binhai New Area, Xiqing), on top of `matching.districts.find_districts`.

A typo table, not fuzzy matching: a same-sound character is what pinyin input produces, and a
short explicit list cannot turn an ordinary word into a district by accident.
"""

from __future__ import annotations

import re

from matching.districts import BARE_URBAN, TIANJIN_DISTRICTS, find_districts

# Same-sound (or near-sound) characters chosen from the pinyin candidate list.
_TYPOS = {
    "西清": "西青区", "西庆": "西青区", "希青": "西青区", "北臣": "北辰区", "北陈": "北辰区",
    "北晨": "北辰区", "津难": "津南区", "金南": "津南区", "津楠": "津南区", "武青": "武清区",
    "武情": "武清区", "五清": "武清区", "东力": "东丽区", "东立": "东丽区", "东莉": "东丽区",
    "南凯": "南开区", "难开": "南开区", "红乔": "红桥区", "宏桥": "红桥区", "和西": "河西区",
    "合西": "河西区", "河溪": "河西区", "和东": "河东区", "合东": "河东区", "和北": "河北区",
    "宝低": "宝坻区", "宝底": "宝坻区", "宝地": "宝坻区", "静嗨": "静海区", "静孩": "静海区",
    "宁和": "宁河区", "宁合": "宁河区", "吉州": "蓟州区", "继州": "蓟州区", "滨嗨": "滨海新区",
    "宾海": "滨海新区", "和平去": "和平区", "净海": "静海区", "径海": "静海区", "蓟洲": "蓟州区",
    "季州": "蓟州区", "记州": "蓟州区", "宝抵": "宝坻区", "宝邸": "宝坻区", "武庆": "武清区",
    "红侨": "红桥区", "鸿桥": "红桥区", "静海县": "静海区", "宝坻县": "宝坻区", "武清县": "武清区",
    "宁河县": "宁河区",
}  # fmt: skip
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
_TYPO_FIND = re.compile("|".join(sorted(_TYPOS, key=len, reverse=True)))


def find_places(text: str) -> list[str]:
    """Districts named in `text`: correct names, pinyin typos and pinyin/English names."""
    found: list[tuple[int, str]] = []
    fixed = _TYPO_FIND.sub(lambda m: _TYPOS[m.group()], text)
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
