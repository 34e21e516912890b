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
    ("海河教育园", ("海河教育园区", "大学城"), "津南区", 38.9900, 117.3100, "university"),
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
    ("银河国际购物中心", ("银河购物中心",), "河西区", 39.0870, 117.2030, "mall"),
    ("天津文化中心", (), "河西区", 39.0880, 117.2060, "mall"),
    ("佛罗伦萨小镇", ("京津佛罗伦萨小镇",), "武清区", 39.3700, 117.0600, "mall"),
    ("河东万达广场", (), "河东区", 39.1200, 117.2650, "mall"),
    ("奥城商业广场", ("天津奥城",), "南开区", 39.0880, 117.1620, "mall"),
    ("古文化街", (), "南开区", 39.1440, 117.1900, "mall"),
    ("南市食品街", (), "和平区", 39.1340, 117.1880, "mall"),
    ("和平路", ("和平路金街",), "和平区", 39.1290, 117.1990, "mall"),
    ("营口道", (), "和平区", 39.1210, 117.2020, "mall"),
    ("津湾广场", (), "和平区", 39.1300, 117.2050, "mall"),
    ("民园广场", ("民园体育场",), "和平区", 39.1140, 117.2000, "mall"),
    ("海光寺", (), "南开区", 39.1220, 117.1880, "mall"),
    ("意大利风情区", (), "河北区", 39.1330, 117.2040, "mall"),
    ("北宁公园", (), "河北区", 39.1580, 117.2050, "park"),
    ("洋货市场", ("塘沽洋货市场",), "滨海新区", 39.0200, 117.6600, "mall"),
    ("金钟市场", ("金钟农产品批发市场",), "东丽区", 39.2000, 117.2500, "mall"),
    ("韩家墅", ("韩家墅农产品批发市场",), "北辰区", 39.2200, 117.0700, "mall"),
    ("黄崖关长城", ("黄崖关",), "蓟州区", 40.2400, 117.4600, "park"),
    ("天津欢乐谷", (), "东丽区", 39.1280, 117.3020, "park"),
    ("军粮城北站", (), "东丽区", 39.0700, 117.4300, "station"),
    ("武清站", (), "武清区", 39.3900, 117.0600, "station"),
    ("滨海西站", (), "滨海新区", 39.0600, 117.6300, "station"),
    ("天津师范大学", ("天师大",), "西青区", 39.0650, 117.1250, "university"),
    ("天津财经大学", (), "河西区", 39.0730, 117.2060, "university"),
    ("天津工业大学", (), "西青区", 39.0650, 117.1060, "university"),
    ("天津理工大学", (), "西青区", 39.0650, 117.1300, "university"),
    ("天津城建大学", (), "西青区", 39.0600, 117.1100, "university"),
    ("天津农学院", (), "西青区", 39.1000, 117.1000, "university"),
    ("天津外国语大学", (), "河西区", 39.1050, 117.2080, "university"),
    ("天津商业大学", (), "北辰区", 39.2260, 117.1560, "university"),
    ("中国民航大学", ("民航大学",), "东丽区", 39.1050, 117.3530, "university"),
    ("天津中医药大学", (), "静海区", 38.9000, 117.1500, "university"),
    ("天津体育学院", (), "静海区", 38.9000, 117.1600, "university"),
    ("天津美术学院", (), "河北区", 39.1450, 117.2050, "university"),
    ("天津音乐学院", (), "河东区", 39.1300, 117.2150, "university"),
    ("南开大学津南校区", (), "津南区", 38.9900, 117.3400, "university"),
    ("天津大学北洋园校区", ("北洋园",), "津南区", 38.9950, 117.3150, "university"),
    ("天津市第三中心医院", ("第三中心医院", "三中心医院"), "河东区", 39.1290, 117.2420,
     "hospital"),
    ("天津市第四中心医院", ("第四中心医院", "四中心医院"), "河北区", 39.1550, 117.2000,
     "hospital"),
    ("天津市第五中心医院", ("第五中心医院", "五中心医院"), "滨海新区", 39.0200, 117.6500,
     "hospital"),
    ("天津市肿瘤医院", ("天津肿瘤医院",), "河西区", 39.0870, 117.1800, "hospital"),
    ("天津市海河医院", ("海河医院",), "津南区", 38.9900, 117.3000, "hospital"),
    ("天津医科大学第二医院", ("医大二院",), "河西区", 39.0800, 117.2050, "hospital"),
    ("京津新城", (), "宝坻区", 39.6700, 117.2600, "park"),
    ("南港工业区", (), "滨海新区", 38.7800, 117.5500, "park"),
)  # fmt: skip
# Names that in a seeker's wish mean the Tianjin place but in a post may be any town's (a
# county's 人民医院, another city's airport, 南大 = 南京大学, 天大的 …, the 大学城 of 西青 or of
# 津南): `post_names` leaves them out.
_WISH_ONLY = frozenset({"人民医院", "总医院", "机场", "大学城", "南大", "天大", "中北"})

LANDMARKS: tuple[Landmark, ...] = tuple(
    Landmark(name, district, lat, lon, kind) for name, _, district, lat, lon, kind in _PLACES
)
_BY_WORD: dict[str, Landmark] = {}
for (_name, _others, *_), _landmark in zip(_PLACES, LANDMARKS, strict=True):
    for _word in (_name, *_others):
        _BY_WORD[_word.lower()] = _landmark
_WORDS = sorted(_BY_WORD, key=len, reverse=True)


def post_names() -> dict[str, str]:
    """Chinese landmark names → district, for reading a post's place (no wish-only names)."""
    return {
        word: landmark.district
        for word, landmark in _BY_WORD.items()
        if not word.isascii() and word not in _WISH_ONLY
    }


def university_names() -> frozenset[str]:
    """The names of the universities, which posts also name as schooling ("南开大学毕业")."""
    return frozenset(w for w, landmark in _BY_WORD.items() if landmark.kind == "university")


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
