"""District names as pinyin input mistypes them (西清, 宝抵, 宁和区): one table, read two ways.

A typo table, not fuzzy matching: a same-sound character is what pinyin input produces, and a
short explicit list cannot turn an ordinary word into a district by accident. A seeker's wish
is short and about places, so every typo in it counts (`fix_typos`); a post is long and about
everything, so there a typo counts only standing alone or with its suffix ("宝抵 大棚",
"宁和区"), never inside other words ("风水宝地", "和北京的客户": `fix_standalone_typos`).
"""

from __future__ import annotations

import re

# Same-sound (or near-sound) characters chosen from the pinyin candidate list.
TYPOS = {
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
_ANY = re.compile("|".join(sorted(TYPOS, key=len, reverse=True)))
_EDGE = r"\s,，.。;；:：!！?？、()（）【】/|"
_STANDALONE = re.compile(
    rf"(?:(?<=[{_EDGE}])|^)({_ANY.pattern})(?:区|县)?(?=[{_EDGE}]|$)"
    rf"|({_ANY.pattern})(?:区|县)"
)


def fix_typos(text: str) -> str:
    """Every typo replaced by its district's name (a wish)."""
    return _ANY.sub(lambda m: TYPOS[m.group()], text)


def fix_standalone_typos(text: str) -> str:
    """Typos replaced where they stand alone or carry their suffix (a post)."""
    return _STANDALONE.sub(lambda m: TYPOS[m.group(1) or m.group(2)], text)
