"""A small gazetteer of Tianjin places seekers name instead of a district ("天津站附近").

Each landmark has its district and coordinates, so a wish anchored on one keeps a point to
measure distance from, not just a district. Coordinates are approximate (about ±1–2 km: the
station building, hospital gate, mall, campus centre or town seat), which is finer than the
3 km circle a "附近" wish asks for. Longer names win ("天津西站" is not "天津站").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Landmark:
    """A named place with its district and (lat, lon)."""

    name: str
    district: str
    lat: float
    lon: float
    kind: str  # station / hospital / mall / university / park (industrial) / town


# (name, other names, district, lat, lon, kind)
_PLACES: tuple[tuple[str, tuple[str, ...], str, float, float, str], ...] = (
    ("天津站", ("天津火车站", "东站", "tianjin railway station", "tianjin station"),
     "河北区", 39.1365, 117.2107, "station"),
    ("天津西站", ("西站", "tianjin west station"), "红桥区", 39.1580, 117.1636, "station"),
    ("天津南站", ("南站", "tianjin south station"), "西青区", 39.0575, 117.0590, "station"),
    ("滨海站", ("于家堡站", "于家堡", "binhai station"), "滨海新区", 39.0190, 117.7010, "station"),
    ("塘沽站", ("塘沽火车站",), "滨海新区", 39.0640, 117.6470, "station"),
    ("滨海国际机场", ("天津机场", "机场", "tianjin airport"), "东丽区", 39.1244, 117.3462,
     "station"),
    ("天津医科大学总医院", ("总医院", "医大总医院"), "和平区", 39.1222, 117.1950, "hospital"),
    ("天津市第一中心医院", ("一中心医院", "第一中心医院"), "南开区", 39.1030, 117.1650,
     "hospital"),
    ("天津医院", ("天津骨科医院",), "河西区", 39.0930, 117.2180, "hospital"),
    ("天津市人民医院", ("人民医院",), "红桥区", 39.1640, 117.1510, "hospital"),
    ("泰达医院", (), "滨海新区", 39.0420, 117.6700, "hospital"),
    ("滨江道", ("滨江道步行街",), "和平区", 39.1245, 117.2030, "mall"),
    ("劝业场", (), "和平区", 39.1270, 117.1990, "mall"),
    ("小白楼", (), "和平区", 39.1190, 117.2150, "mall"),
    ("大悦城", ("南开大悦城",), "南开区", 39.1420, 117.1760, "mall"),
    ("鼓楼", (), "南开区", 39.1413, 117.1767, "mall"),
    ("天津之眼", (), "红桥区", 39.1535, 117.1800, "mall"),
    ("意式风情区", ("意风区",), "河北区", 39.1330, 117.2040, "mall"),
    ("天塔", (), "河西区", 39.1063, 117.1895, "mall"),
    ("梅江", ("梅江会展中心",), "河西区", 39.0600, 117.2200, "mall"),
    ("南开大学", ("南大", "nankai university"), "南开区", 39.1030, 117.1690, "university"),
    ("天津大学", ("天大", "tianjin university"), "南开区", 39.1100, 117.1730, "university"),
    ("海河教育园", ("大学城",), "津南区", 38.9900, 117.3100, "university"),
    ("水上公园", (), "南开区", 39.0930, 117.1680, "park"),
    ("泰达", ("开发区", "经济技术开发区", "teda"), "滨海新区", 39.0430, 117.6900, "park"),
    ("空港经济区", ("空港",), "滨海新区", 39.1500, 117.3900, "park"),
    ("天津港", (), "滨海新区", 38.9850, 117.7500, "park"),
    ("北辰开发区", ("北辰经济技术开发区",), "北辰区", 39.2300, 117.1400, "park"),
    ("杨柳青", ("杨柳青镇",), "西青区", 39.1370, 117.0130, "town"),
    ("中北镇", ("中北",), "西青区", 39.1120, 117.0880, "town"),
    ("咸水沽", (), "津南区", 38.9900, 117.3840, "town"),
    ("杨村", (), "武清区", 39.3840, 117.0440, "town"),
    ("芦台", ("芦台镇",), "宁河区", 39.3301, 117.8267, "town"),
    ("天津北站", ("北站",), "河北区", 39.1628, 117.2083, "station"),
    ("五大道", (), "和平区", 39.1130, 117.2000, "mall"),
    ("宜兴埠", (), "北辰区", 39.2050, 117.1900, "town"),
    ("果园新村", (), "北辰区", 39.2248, 117.1355, "town"),
    ("小站", ("小站镇",), "津南区", 38.9050, 117.4050, "town"),
    ("军粮城", (), "东丽区", 39.0500, 117.4200, "town"),
    ("张家窝", (), "西青区", 39.0700, 117.0300, "town"),
    ("汉沽", (), "滨海新区", 39.2490, 117.8000, "town"),
    ("大港", (), "滨海新区", 38.8400, 117.4600, "town"),
    ("渔阳镇", ("蓟州城区",), "蓟州区", 40.0459, 117.4083, "town"),
    ("静海镇", ("静海城区",), "静海区", 38.9475, 116.9742, "town"),
    ("塘沽", (), "滨海新区", 39.0030, 117.6470, "town"),
    ("中山门", (), "河东区", 39.1130, 117.2530, "town"),
)  # fmt: skip

LANDMARKS: tuple[Landmark, ...] = tuple(
    Landmark(name, district, lat, lon, kind) for name, _, district, lat, lon, kind in _PLACES
)
_BY_WORD: dict[str, Landmark] = {}
for (_name, _others, *_), _landmark in zip(_PLACES, LANDMARKS, strict=True):
    for _word in (_name, *_others):
        _BY_WORD[_word.lower()] = _landmark
_WORDS = sorted(_BY_WORD, key=len, reverse=True)


def find_landmark(text: str) -> Landmark | None:
    """The first landmark named in `text` (the longest name at the earliest place), else None."""
    found = find_landmark_at(text)
    return found[0] if found else None


def find_landmark_at(text: str) -> tuple[Landmark, tuple[int, int]] | None:
    """The first landmark and where its name is written: 天津南站 holds no 津南 district."""
    lowered = text.lower()
    best: tuple[int, int, Landmark] | None = None
    for word in _WORDS:
        at = lowered.find(word)
        if at < 0 or (word.isascii() and not _bounded(lowered, at, at + len(word))):
            continue
        if best is None or at < best[0] or (at == best[0] and len(word) > best[1]):
            best = (at, len(word), _BY_WORD[word])
    return (best[2], (best[0], best[0] + best[1])) if best else None


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not (after.isascii() and after.isalnum())
