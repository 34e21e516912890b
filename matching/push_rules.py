"""The push decision: whether a posting may interrupt a seeker, separate from ranking order.

Ranking orders what a seeker sees when they ask; a push interrupts them, so it must clear
explicit bars, each on positive evidence: no risk hold, inside the service area, the trade
(the seeker's category, or a calibrated semantic fit), the place the seeker accepted, pay not
below their floor, and no requirement the seeker visibly lacks. Unreadable fields narrow a
push: a posting whose trade cannot be read, or that names a place the reader cannot locate,
reaches only seekers whose own words match it strongly (or who accept any place). A post that
names no place at all leaves it open, so it reaches seekers whatever districts they named.
`decide` is pure: the caller gives it the profile, the posting and the pair's match features.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from matching.admin_divisions import home_city, place_short, same_place
from matching.districts import (
    CENTRAL_DISTRICTS,
    adjacent,
    canonical,
    haversine_km,
    nearest_district,
    parse_area,
)
from matching.post_terms import find_licences
from matching.taxonomy import codes_in
from models.posting import Posting
from models.seeker import SeekerProfile
from models.values import Pay, PayUnit

# Semantic bars on the e5 cosine of a seeker's profile text ("query:") and a posting
# ("passage:"), calibrated on scripts/data/eval_labels.csv (625 postings, 34 free-text wishes)
# by scripts/calibrate_push.py: the lowest bar where >= 90% of the wish/posting pairs above it
# share the trade is 0.925 (precision 0.96, recall 2%); 97% needs 0.93 (precision 1.0). The
# curve is steep: at 0.90 precision is only 0.66, so meaning alone rarely proves a trade.
SEMANTIC_BAR = 0.925
STRONG_BAR = 0.93
# parse_area's confidence from which a city read from a posting's free text is believed: a
# named city ("天津师范大学": 0.6) yes, a province alone ("山东人优先": 0.5) no.
CITY_CONFIDENCE = 0.6
# Travel limit used for a shared location without a stated max_km: a one-hour bus ride.
DEFAULT_MAX_KM = 25.0


class Bar(StrEnum):
    """The bars a push clears, named in each verdict and stored with each delivery."""

    RISK = "risk"
    AREA = "area"
    TRADE = "trade"
    PLACE = "place"
    PAY = "pay"
    REQUIREMENTS = "requirements"


@dataclass(frozen=True, slots=True)
class PushRules:
    """The decision's settings; built from Settings/Policy at the edge."""

    service_area: str = "天津市"
    risk_hold_threshold: float = 0.5
    semantic_bar: float = SEMANTIC_BAR
    strong_bar: float = STRONG_BAR


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """What matching measured for one (seeker, posting) pair."""

    score: float
    cosine: float | None = None  # e5 cosine of profile text and posting text


@dataclass(frozen=True, slots=True)
class Verdict:
    """A push decision: the bars cleared (each "bar:how"), or the one that failed and why."""

    cleared: tuple[str, ...]
    failed: str | None = None  # "bar:why"

    @property
    def push(self) -> bool:
        """Whether the posting may be pushed to this seeker."""
        return self.failed is None

    @property
    def reason(self) -> str:
        """One line for storage and the CLI: the failed bar, else the bars cleared."""
        return self.failed if self.failed else " ".join(self.cleared)


def tier(verdict: Verdict) -> int:
    """Where a match stands in the order a seeker sees when they ask (lower first): 0 clears
    every bar; 1 the trade fits but place, pay or a requirement does not; 2 another trade;
    3 outside the service area or held for risk."""
    if verdict.push:
        return 0
    bar = (verdict.failed or "").split(":", 1)[0]
    if bar in (Bar.RISK, Bar.AREA):
        return 3
    return 2 if bar == Bar.TRADE else 1


def failed_bar(verdict: Verdict) -> Bar | None:
    """The bar a verdict failed, if any."""
    return Bar(verdict.failed.split(":", 1)[0]) if verdict.failed else None


class HoldPolicy(Protocol):
    """What `is_held` reads of a policy (handlers.context.Policy, PushRules)."""

    @property
    def risk_hold_threshold(self) -> float:
        """Risk score from which a posting waits for a caseworker."""


def is_held(risk: Posting | float, policy: HoldPolicy) -> bool:
    """Whether a posting (or a risk score) is held for a caseworker instead of going live."""
    score = risk.risk_score if isinstance(risk, Posting) else risk
    return score >= policy.risk_hold_threshold


def decide(
    profile: SeekerProfile, posting: Posting, features: PairFeatures, rules: PushRules
) -> Verdict:
    """Check every bar in order; the first that fails decides, else all are cleared."""
    cleared: list[str] = []
    for bar in Bar:
        ok, how = _CHECKS[bar](profile, posting, features, rules)
        if not ok:
            return Verdict(tuple(cleared), f"{bar}:{how}")
        cleared.append(f"{bar}:{how}")
    return Verdict(tuple(cleared))


Check = Callable[[SeekerProfile, Posting, PairFeatures, PushRules], tuple[bool, str]]


def _risk(
    _profile: SeekerProfile, posting: Posting, _features: PairFeatures, rules: PushRules
) -> tuple[bool, str]:
    return (False, "held") if is_held(posting, rules) else (True, "clear")


def _area(
    profile: SeekerProfile, posting: Posting, _features: PairFeatures, rules: PushRules
) -> tuple[bool, str]:
    if works_abroad(posting):
        asked = profile.wish and _ABROAD_WISH.search(profile.wish)
        return (True, "asked") if asked else (False, "abroad")
    inside = in_service_area(posting, rules.service_area)
    if inside is False:
        named = asked_for(profile, posting, rules.service_area)
        return (True, "asked") if named else (False, "outside")
    return True, "inside" if inside else "unknown"


# --- the service area ---------------------------------------------------------------------------


def posting_city(posting: Posting, home: str = "天津市") -> str | None:
    """The city a posting is in, read from its district and address as a reader in `home` (the
    service area) reads them; None when unreadable."""
    return _city(posting.district, posting.address, posting.title, posting.text, home)


@lru_cache(maxsize=8192)
def _city(
    district: str | None, address: str | None, title: str, text: str, home: str
) -> str | None:
    """posting_city on a posting's place fields (cached: one posting meets many seekers)."""
    if district and canonical(district):
        return "天津市"  # every canonical district name is one of Tianjin's 16
    city = home_city(home)
    for field in (address, district, title):
        if field and (area := parse_area(field, city)) is not None and area.city:
            return area.city
    # Last, the whole text, but only a confident reading ("深圳市南山区", not "山东人优先").
    area = parse_area(text, city)
    if area is not None and area.city and area.confidence >= CITY_CONFIDENCE:
        return area.city
    return None


def in_service_area(posting: Posting, area: str) -> bool | None:
    """True inside the area, False outside it, None when the posting names no city."""
    city = posting_city(posting, area)
    if city is None:
        return None
    return same_place(city, area)


# Work abroad is outside any city's service area (the poster's office may be local: "公司在
# 南开区"). A country named together with going abroad, or 赴/驻 + country.
_COUNTRIES = (
    "新加坡|日本|韩国|澳洲|澳大利亚|新西兰|加拿大|美国|英国|德国|法国|意大利|以色列|迪拜|阿联酋"
    "|沙特|卡塔尔|老挝|柬埔寨|缅甸|越南|泰国|马来西亚|印尼|印度尼西亚|菲律宾|俄罗斯|波兰|塞尔维亚"
    "|匈牙利|非洲|欧洲|中东|东南亚"
)
_ABROAD = re.compile(
    rf"(?:出国|出境|境外|海外|国外)(?:劳务|务工|工作|打工|就业)|劳务输出|(?:赴|驻|去)(?:{_COUNTRIES})"
)
_ABROAD_WISH = re.compile(rf"出国|出境|境外|海外|国外|{_COUNTRIES}")


def works_abroad(posting: Posting) -> bool:
    """Whether the work itself is abroad (出国劳务, 赴日务工, 驻老挝)."""
    return bool(_ABROAD.search(posting.text))


def asked_for(profile: SeekerProfile, posting: Posting, area: str = "天津市") -> bool:
    """Whether the seeker named the posting's own place (a city or district outside the area)."""
    city = posting_city(posting, area)
    said = " ".join((*profile.districts, profile.wish or ""))
    places = [p for p in (posting.district, city) if p]
    return any(place_short(p) and place_short(p) in said for p in places)


# --- the trade ----------------------------------------------------------------------------------


def _trade(
    profile: SeekerProfile, posting: Posting, features: PairFeatures, rules: PushRules
) -> tuple[bool, str]:
    cosine = features.cosine if features.cosine is not None else -1.0
    if not posting.categories:
        # Unknown trade: only a seeker whose own words name the work, strongly.
        if cosine >= rules.strong_bar and _own_words_match(profile, posting):
            return True, "own_words"
        return False, "unknown"
    wanted = set(profile.categories) | set(_other_codes(profile))
    # The posting's main trade only: a second code is the parser's hedge ("普工" read as
    # 普工/技工 and 文员), and pushing it to the second trade's seekers interrupts them with
    # work they never asked for.
    if posting.categories[0] in wanted:
        return True, "category"
    if cosine >= rules.semantic_bar and (not wanted or _own_words_match(profile, posting)):
        return True, "semantic"
    return False, "mismatch"


def _other_codes(profile: SeekerProfile) -> list[str]:
    return codes_in(profile.other_category) if profile.other_category else []


def _own_words_match(profile: SeekerProfile, posting: Posting) -> bool:
    """Whether two or more characters of the seeker's own words appear in the posting text."""
    words = " ".join(w for w in (profile.other_category, profile.skills, profile.wish) if w)
    text = posting.text
    return any(
        words[i : i + 2] in text
        for i in range(len(words) - 1)
        if _cjk(words[i]) and _cjk(words[i + 1]) and words[i : i + 2] not in _COMMON_BIGRAMS
    )


# Bigrams of how people ask, not what they ask for.
_COMMON_BIGRAMS = frozenset(
    {"想找", "找个", "工作", "什么", "都行", "可以", "最好", "附近", "这边", "一点", "能干",
     "的活", "干活", "上班", "时间", "离家", "家近", "日结", "工资", "一天", "每天", "一个"}
)  # fmt: skip


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# --- the place ----------------------------------------------------------------------------------


def _place(
    profile: SeekerProfile, posting: Posting, features: PairFeatures, rules: PushRules
) -> tuple[bool, str]:
    district = canonical(posting.district) if posting.district else None
    located = profile.location is not None
    if district is None and posting.lat is None:
        if not profile.districts and not located:
            return True, "any"
        if _REMOTE.search(posting.text):
            return True, "remote"
        if in_service_area(posting, rules.service_area):
            # The city is named ("天津师范大学") but no district: inside the area, place unsure.
            return True, "city_only"
        if not names_place(posting.text):
            # The post names no place at all: the work may be anywhere in the city, so it is
            # not evidence against a seeker's districts.
            return True, "unstated"
        # It names a place the reader could not locate ("沙井子 循环经济产业区"): probably
        # somewhere specific, so only seekers the trade and their own words tie strongly to it.
        cosine = features.cosine if features.cosine is not None else -1.0
        if cosine >= rules.strong_bar and _own_words_match(profile, posting):
            return True, "unknown_strong"
        return False, "unplaced"
    chosen = [canonical(d) or d for d in profile.districts]
    if located and profile.location is not None:
        chosen.append(nearest_district(profile.location.lat, profile.location.lon))
    if not chosen:
        return True, "any"
    if district is not None and district in chosen:
        return True, "district"
    if located and profile.location is not None and posting.lat is not None:
        # Both points known: the seeker's travel limit decides, whatever the districts.
        assert posting.lon is not None
        limit = profile.max_km if profile.max_km is not None else DEFAULT_MAX_KM
        km = haversine_km(profile.location.lat, profile.location.lon, posting.lat, posting.lon)
        return (True, "distance") if km <= limit else (False, "too_far")
    if district is None:
        assert posting.lat is not None
        assert posting.lon is not None
        district = nearest_district(posting.lat, posting.lon)
        if district in chosen:
            return True, "district"
    # The posting is known only by its district. Neighbouring seats are 5-70 km apart (塘沽 to
    # 静海) while the job may sit just across the seeker's border, so a seat distance says
    # nothing of the job's: the districts decide (the seeker's, their home's, and neighbours),
    # and a travel limit waits for a point to measure.
    if any(_neighbours(d, district) for d in chosen):
        return True, "neighbour"
    return False, "too_far" if located else "outside_districts"


# How a post locates its work: a name before a kind of place (银河国际购物中心, 京津新城,
# 和平路, 新港), a landmark with 附近/对面, or a station. A kind alone is the workplace, not a
# place ("商场保洁", "招小区保安"), so a name of two or more characters must precede it (one
# before 港/镇/村); a modifier (各大, 大型, 知名, 连锁) is not a name. 市场 is left out
# (市场营销), and 路 is no place in 路费 or 路线.
_PLACE_KINDS = (
    "购物中心|商场|广场|大厦|商城|小镇|新城|大学|学院|学校|医院|诊所|园区|产业区|工业区|开发区"
    "|街道|社区|小区|花园|街|路(?![费程线况子上边])"
)
_PLACE_WORDS = re.compile(
    rf"(?<![各大型名锁])(?!各大|大型|知名|连锁)[\u4e00-\u9fff]{{2,}}?(?:{_PLACE_KINDS})"
    r"|(?<![各大型名锁])(?!招)[\u4e00-\u9fff]{1,}?[港镇村](?![子长民里])"
    r"|[\u4e00-\u9fff]{2,}(?:附近|对面|旁边)|(?:车|地铁|[东南西北])站"
)


def names_place(text: str) -> bool:
    """Whether a post names a place at all (read or not), so a missing district means the
    reader failed rather than the post leaving the place open."""
    return bool(_PLACE_WORDS.search(text))


# Work done from home, where the seeker's districts do not matter.
_REMOTE = re.compile(r"居家办公|在家办公|远程办公|线上办公|在家工作|居家工作")


def _neighbours(a: str, b: str) -> bool:
    """Bordering districts, or two of the six central ones (one compact urban core)."""
    return adjacent(a, b) or (a in CENTRAL_DISTRICTS and b in CENTRAL_DISTRICTS)


# --- pay ----------------------------------------------------------------------------------------


def _pay(
    profile: SeekerProfile, posting: Posting, _features: PairFeatures, _rules: PushRules
) -> tuple[bool, str]:
    # A floor is a floor: the top of the offer must reach it. (A 5% tolerance for rounding
    # pushed 31 cards below the floor on the dev push kit and reached no one it should.)
    ratio = _top_ratio(posting.pay, profile.pay)
    if ratio is None:
        return True, "unknown"
    return (True, "meets") if ratio >= 1.0 else (False, "below_floor")


def _top_ratio(offer: Pay, floor: Pay) -> float | None:
    """The top of the offered pay over the seeker's floor, in monthly terms (piece rates and
    unstated pay: unknown)."""
    if PayUnit.PIECE in (offer.unit, floor.unit):
        return None
    top, base = offer.monthly("max"), floor.monthly("min")
    if top is None:
        top = offer.monthly("min")
    if top is None or not base:
        return None
    return top / base


# --- requirements the seeker visibly lacks -------------------------------------------------------

# A licence or certificate the posting requires (not one it offers to arrange or merely
# prefers), with the words by which a seeker would say they hold it.
_LICENCES: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("forklift", re.compile(r"叉车(?:证|司机|工)"), ("叉车",)),
    ("driving", re.compile(r"驾照|驾驶证|驾龄|[ABC][12](?:驾照|照|证|及以上|以上)"),
     ("驾照", "驾驶证", "C1", "C2", "B1", "B2", "A1", "A2", "开车", "司机")),
    ("electrician", re.compile(r"电工(?:证|上岗证)"), ("电工",)),
    ("welder", re.compile(r"焊工证|焊接证"), ("焊",)),
    ("crane", re.compile(r"(?:塔吊|吊车|天车|行车)证"), ("塔吊", "吊车", "天车", "行车")),
    ("security", re.compile(r"保安(?:员)?证"), ("保安",)),
    ("nurse", re.compile(r"护士(?:执业)?证|执业护士"), ("护士",)),
    ("teacher", re.compile(r"教师资格证"), ("教师", "老师")),
    ("accountant", re.compile(r"会计(?:从业|资格)?证|初级会计|中级会计|注册会计师"), ("会计",)),
)  # fmt: skip
# Words that turn a named licence into something optional or provided.
_SOFT = re.compile(r"优先|可办|代办|包办|帮办|免费办|公司办|入职后|统一办理|可培训|带证|无证可")
_SENIOR = re.compile(r"总经理|总监|经理|主管|店长|厂长|主任|负责人")
_SENIOR_OWN = ("经理", "主管", "总监", "店长", "管理", "负责人", "带团队", "厂长", "主任")


def _requirements(
    profile: SeekerProfile, posting: Posting, _features: PairFeatures, _rules: PushRules
) -> tuple[bool, str]:
    """A firm licence the seeker's own words (skills, experience, wish) leave out blocks; a
    seeker who wrote nothing about themselves does not visibly lack it, so the push only
    records it. A senior title (经理, 主管, 总监 …) blocks unless they speak of managing."""
    own = " ".join(
        w.upper()
        for w in (profile.skills, profile.experience, profile.wish, profile.other_category)
        if w
    )
    text = posting.text
    unverified = ""
    for name, pattern, held_words in _LICENCES:
        for m in pattern.finditer(text):
            if _SOFT.search(_clause(text, m.start(), m.end())):
                continue
            if any(w in own for w in held_words):
                break
            if own:
                return False, f"lacks_{name}"
            unverified = unverified or f"unstated_{name}"
    if "持证" in find_licences(text):  # "需持证上岗": the licence of the job's own trade
        name, held_words = _trade_licence(posting.title)
        said = _NO_LICENCE.sub("", own)  # "没有证" holds none
        if not any(w in said for w in held_words):
            if own:
                return False, f"lacks_{name}"
            unverified = unverified or f"unstated_{name}"
    if _SENIOR.search(posting.title) and not any(w in own for w in _SENIOR_OWN):
        return False, "seniority"
    return True, unverified or "none_lacking"


_NO_LICENCE = re.compile(r"(?:没有|没|无|不会|未)[^，,。；;\s]{0,4}?[证照]")


def _trade_licence(title: str) -> tuple[str, tuple[str, ...]]:
    """The licence a 持证 job of this title needs (电工 → electrician), else any licence (证)."""
    for name, _pattern, held_words in _LICENCES:
        if any(w in title for w in held_words):
            return name, held_words
    return "licence", ("证", "照")


def _clause(text: str, start: int, end: int) -> str:
    """The clause around a match: from the previous to the next separator."""
    stops = "，,。；;\n！!（(）)"
    left = max((text.rfind(s, 0, start) for s in stops), default=-1) + 1
    rights = [i for i in (text.find(s, end) for s in stops) if i >= 0]
    return text[left : min(rights) if rights else len(text)]


# --- places by name -----------------------------------------------------------------------------


# The bars in the order they are checked (Bar's order): the first failure decides.
_CHECKS: dict[Bar, Check] = {
    Bar.RISK: _risk,
    Bar.AREA: _area,
    Bar.TRADE: _trade,
    Bar.PLACE: _place,
    Bar.PAY: _pay,
    Bar.REQUIREMENTS: _requirements,
}
