"""The job-post parser: one free-text message (chat, WeChat group, import row) → structured jobs.

"急招！西青区张家窝 物流仓库分拣 10名 … 日结180 包午饭 明早7点 联系 138… 王经理" becomes a
`ParsedPost` with title, categories, headcount, pay, district, start, age, gender, benefits and
contact, each with a confidence; "招保洁2名…另招厨工1名…" becomes two. Per-job fields (title,
headcount, pay, age, gender) come from each job's own part of the message; place, contact, start
and benefits are shared by every job in it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from matching import post_fields as pf
from matching.admin_divisions import Division, home_city
from matching.districts import parse_area
from matching.normalize import normalize_text
from matching.pay import find_all_pay
from matching.pay_figures import RUN_GAP, PayMatch
from matching.pay_offer import choose_offer, pay_doubt
from matching.pay_words import PAY_LEAD
from matching.post_terms import find_hours, find_licences
from matching.post_time import find_duration, find_start
from matching.post_titles import JobAnchor, find_title, job_anchors
from matching.taxonomy import classify
from models.posting import Posting, PostingStatus, Trust
from models.values import Pay, PayUnit

# The longest text read: a Telegram message (4,096), a WeChat one (2,048 bytes) or an import cell's
# description fit; beyond it a post is cut. Every step is linear; the cap bounds the constant.
MAX_POST_CHARS = 10_000
# The next job's list marker left at the end of a job's part ("1.保洁2名 150/天 2.").
_NEXT_MARKER = re.compile(r"\s*(?:\d{1,2}\s*[.、)）]|[①-⑩]|\d\s*\u20e3)\s*$")
# A category below this confidence is not kept (the taxonomy's weakest single synonym hit).
MIN_CATEGORY_CONFIDENCE = 0.3
MAX_CATEGORIES = 2
# Essentials asked about when missing or below this confidence (employer flow).
LOW_CONFIDENCE = 0.6


@dataclass(frozen=True, slots=True)
class ParsedPost:
    """One job found in a message; `confidence` maps each found field to 0..1."""

    title: str
    text: str  # this job's part of the message plus the shared parts, normalised
    original: str  # the whole message as received
    categories: tuple[str, ...] = ()
    headcount: int | None = None
    many_wanted: bool = False  # 若干/多名: no number, and none should be asked for
    pay: Pay = field(default_factory=Pay)  # what a typical worker earns (pay.choose_offer)
    pay_base: float | None = None  # the guaranteed base beside it (底薪3000+提成)
    pay_typical: float | None = None  # a typical figure inside the range (一般5000)
    pay_doubt: Pay | None = None  # a second reading of the pay (pay_offer.pay_doubt): asked
    district: str | None = None
    address: str | None = None
    city: str | None = None
    start: str | None = None
    duration: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    gender: str | None = None  # a requirement (限女); never a preference
    gender_preference: str | None = None  # "女工优先": shown on the card, excludes nobody
    hours: str | None = None  # "08:00-18:00" (早8晚6)
    licences: tuple[str, ...] = ()  # required: "电工证", "叉车证", "持证" (none named)
    benefits: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    contact_name: str | None = None
    work_form: str | None = None
    employer: str | None = None
    confidence: Mapping[str, float] = field(default_factory=dict)
    # Trade codes to ask the poster between when the trade reader is unsure (matching/post_trade).
    trade_options: tuple[str, ...] = ()

    def missing_essentials(self) -> list[str]:
        """Essentials to ask the poster about: district, pay, headcount (absent or unsure)."""
        out: list[str] = []
        if self.district is None or self.confidence.get("district", 0.0) < LOW_CONFIDENCE:
            out.append("district")
        unsure = self.confidence.get("pay", 0.0) < LOW_CONFIDENCE
        if not (self.pay.known or self.pay.negotiable) or (unsure and not self.pay.negotiable):
            out.append("pay")
        if self.headcount is None and not self.many_wanted:
            out.append("headcount")
        return out

    def to_json(self) -> dict[str, object]:
        """The `yizhan parse` line: the import schema's names plus the parser's extra fields."""
        return {
            "title": self.title,
            "description": self.text,
            "district": self.district,
            "address": self.address,
            "city": self.city,
            "pay_min": self.pay.min,
            "pay_max": self.pay.max,
            "pay_unit": self.pay.unit.value if self.pay.unit else None,
            "pay_period": self.pay.period,
            "pay_base": self.pay_base,
            "pay_typical": self.pay_typical,
            "negotiable": self.pay.negotiable,
            "work_form": self.work_form,
            "contact": contact_text(self.contact_name, self.phones),
            "contact_name": self.contact_name,
            "phones": list(self.phones),
            "headcount": self.headcount,
            "age_min": self.age_min,
            "age_max": self.age_max,
            "gender": self.gender,
            "gender_preference": self.gender_preference,
            "hours": self.hours,
            "licences": list(self.licences),
            "benefits": list(self.benefits),
            "start": self.start,
            "duration": self.duration,
            "categories": list(self.categories),
            "trade_options": list(self.trade_options),
            "employer": self.employer,
            "confidence": {k: round(v, 2) for k, v in self.confidence.items()},
            "doubts": self.doubts(),
        }

    def doubts(self) -> list[dict[str, object]]:
        """What the parser is unsure of, for `yizhan parse` and the draft card: two readings of
        the pay (the offer first), no district."""
        out: list[dict[str, object]] = []
        if self.pay_doubt is not None:
            readings = [self.pay.to_json(), self.pay_doubt.to_json()]
            out.append({"field": "pay", "readings": readings})
        if self.district is None:
            out.append({"field": "district", "readings": []})
        return out


@dataclass(frozen=True, slots=True)
class _Shared:
    """Fields stated once for the whole message."""

    district: str | None
    address: str | None
    city: str | None
    start: str | None
    duration: str | None
    benefits: tuple[str, ...]
    phones: tuple[str, ...]
    contact_name: str | None
    employer: str | None
    work_form: pf.Found | None  # the message's, for jobs that do not state their own
    confidence: dict[str, float]


def parse_post(text: str, now: datetime, *, city: str | None = None) -> list[ParsedPost]:
    """Parse one message into its jobs (empty for an empty message); never raises on odd text.

    `city` is where the message was sent when that is not Tianjin ("广州"): its districts'
    short forms then count as Tianjin's do (`parse_area`).
    """
    norm = normalize_text(text[:MAX_POST_CHARS])
    if not norm:
        return []
    home = home_city(city) if city else None
    shared = _shared_fields(norm, now, home=home)
    pays = find_all_pay(norm)
    anchors = job_anchors(norm, [p.span[0] for p in pays if p.pay.has_figure])
    if len(anchors) >= 2:
        return _several(norm, text, shared, pays, anchors, home)
    job = _single(norm, text, shared, pays)
    terms = _terms(norm, pays)
    return [_on_terms(job, term, pay) for term, pay in terms] if terms else [job]


# One job offered on two or three sets of terms, each with its own pay ("全职4500+ 兼职时薪20",
# "女工一天140 男工一天180"): a job each, as a seeker compares them. Shifts (白班/夜班) are not
# terms: a list of shifts is one job.
_TERM = re.compile(r"全职|兼职|女工|男工|男的|女的")
_LEAD_GAP = re.compile(rf"[\s:：]*{PAY_LEAD}?[\s:：]*")  # "女工一天140": the term, then its figure
_TERM_FAMILIES = (frozenset({"全职", "兼职"}), frozenset({"女工", "男工", "男的", "女的"}))
_TERM_GENDER = {"女工": "女", "女的": "女", "男工": "男", "男的": "男"}


def _terms(norm: str, pays: list[PayMatch]) -> list[tuple[str, PayMatch]]:
    """(term, pay) for each set of terms with its own figure; empty unless 2-3 differ."""
    found: list[tuple[str, PayMatch]] = []
    for p in pays:
        if not p.pay.has_figure:
            continue
        window = norm[max(0, p.span[0] - 8) : p.span[0]]
        near = list(_TERM.finditer(window))  # the nearest: "招全职 兼职 全职4500" is 全职's
        last = near[-1] if near else None
        if last is not None and _LEAD_GAP.fullmatch(window, last.end()):
            found.append((last.group(), p))
    terms = {t for t, _ in found}
    if not 2 <= len(found) <= 3 or len(terms) != len(found):
        return []
    if not any(terms <= family for family in _TERM_FAMILIES):
        return []
    if len({_pay_key(p) for _, p in found}) != len(found):
        return []
    return found


def _on_terms(job: ParsedPost, term: str, pay: PayMatch) -> ParsedPost:
    """The job on one set of its terms: that pay, and the form or gender the term names."""
    gender = _TERM_GENDER.get(term)
    return replace(
        job,
        title=f"{job.title}（{term}）" if job.title else term,
        pay=pay.pay,
        pay_base=pay.base,
        pay_typical=pay.typical,
        pay_doubt=None,
        gender=gender or job.gender,
        work_form=job.work_form if gender else term,
        confidence={**job.confidence, "pay": pay.confidence},
    )


def parse_one(
    text: str,
    now: datetime,
    *,
    title: str | None = None,
    skip: Collection[str] = (),
    city: str | None = None,
) -> ParsedPost | None:
    """Parse text known to describe one job (an import row): never split into several.

    `title` is the job's known title; fields in `skip` (district, address, pay, phones,
    contact_name, headcount) are ones the caller already has, and are not looked for; `city`
    is the importing station's, as in `parse_post`.
    """
    norm = normalize_text(text[:MAX_POST_CHARS])
    if not norm:
        return None
    shared = _shared_fields(norm, now, skip, home_city(city) if city else None)
    pays = [] if "pay" in skip else find_all_pay(norm)
    return _single(norm, text, shared, pays, title, skip)


def contact_text(name: str | None, phones: tuple[str, ...] | list[str]) -> str | None:
    """The contact as one line ("王经理 13812345678"), or None."""
    parts = ([name] if name else []) + list(phones)
    return " ".join(parts) or None


def to_posting(
    parsed: ParsedPost,
    *,
    trust: Trust,
    now: datetime,
    source: str | None = None,
    status: PostingStatus = PostingStatus.DRAFT,
    poster_user_id: int | None = None,
    external_id: str | None = None,
) -> Posting:
    """The storable `Posting` for a parsed job (risk, hash and expiry are set by intake)."""
    return Posting(
        id=None,
        title=parsed.title,
        description=parsed.text,
        external_id=external_id,
        source=source,
        categories=parsed.categories,
        category_confidence=parsed.confidence.get("categories", 0.0),
        district=parsed.district,
        address=parsed.address,
        pay=parsed.pay,
        work_form=parsed.work_form,
        contact=parsed.contact_name,
        phones=parsed.phones,
        headcount=parsed.headcount,
        age_min=parsed.age_min,
        age_max=parsed.age_max,
        gender=parsed.gender,
        benefits=parsed.benefits,
        start=parsed.start,
        trust=trust,
        status=status,
        poster_user_id=poster_user_id,
        original_text=parsed.original,
        created_at=now,
    )


def _shared_fields(
    norm: str, now: datetime, skip: Collection[str] = (), home: Division | None = None
) -> _Shared:
    conf: dict[str, float] = {}
    district = address = city = None
    area = None if "district" in skip else parse_area(norm, home)
    if area is not None:
        city = area.city
        if area.district is not None:
            district = area.district
            conf["district"] = area.confidence
            address = pf.find_address(norm, district, area.address)
            if address is not None:
                conf["address"] = 0.6
    labelled = None if "address" in skip else pf.find_labelled_address(norm)
    if labelled is not None:
        address = str(labelled.value)
        conf["address"] = labelled.confidence
        if district is None and (inner := parse_area(address, home)) and inner.district:
            district, city = inner.district, inner.city
            conf["district"] = inner.confidence
    start = find_start(norm, now)
    if start is not None:
        conf["start"] = start.confidence
    duration = find_duration(norm)
    if duration is not None:
        conf["duration"] = duration[1]
    benefits = tuple(str(b.value) for b in pf.find_benefits(norm))
    if benefits:
        conf["benefits"] = 0.9
    phones = () if "phones" in skip else tuple(str(p.value) for p in pf.find_phones(norm))
    if phones:
        conf["phones"] = 0.95
    name = None if "contact_name" in skip else pf.find_contact_name(norm)
    if name is not None:
        conf["contact_name"] = name.confidence
    employer = pf.find_employer(norm)
    return _Shared(
        district=district,
        address=address,
        city=city,
        start=start.value if start else None,
        duration=duration[0] if duration else None,
        benefits=benefits,
        phones=phones,
        contact_name=str(name.value) if name else None,
        employer=str(employer.value) if employer else None,
        work_form=pf.find_work_form(norm),
        confidence=conf,
    )


def _single(
    norm: str,
    original: str,
    shared: _Shared,
    pays: list[PayMatch],
    title: str | None = None,
    skip: Collection[str] = (),
) -> ParsedPost:
    headcount = None if "headcount" in skip else pf.find_headcount(norm)
    found = (title, 1.0) if title else find_title(norm, headcount.span if headcount else None)
    pay = _best_pay(pays)
    return _assemble(
        title=found,
        text=norm,
        original=original,
        shared=shared,
        pay=pay,
        doubt=pay_doubt(pays, pay),
        headcount=headcount,
        part=norm,
        fallback=norm,
    )


def _several(
    norm: str,
    original: str,
    shared: _Shared,
    pays: list[PayMatch],
    anchors: list[JobAnchor],
    home: Division | None,
) -> list[ParsedPost]:
    preamble = norm[: anchors[0].start]
    bounds = [a.start for a in anchors[1:]] + [len(norm)]
    parts = [
        _NEXT_MARKER.sub("", norm[a.start : end]) for a, end in zip(anchors, bounds, strict=True)
    ]
    assigned = _assign_pay(norm, pays, anchors, bounds)
    run = _figure_run(norm, pays)
    if len(run) == len(anchors) and all(assigned.get(i) in (None, *run) for i in assigned):
        assigned = dict(enumerate(run))  # "服务员2名 厨师1名 4000 6000": one figure per job
    preamble_pay = _best_pay([p for p in pays if p.span[1] <= anchors[0].start])
    with_pay = {i for i, p in assigned.items() if p is not None}
    shared_pay = None
    distinct = {_pay_key(assigned[i]) for i in with_pay}
    if preamble_pay is not None:
        shared_pay = preamble_pay
    elif len(distinct) == 1 and with_pay:
        shared_pay = assigned[next(iter(with_pay))]  # "保洁2名，厨工1名，日结200"
    periods = {p.pay.period for p in pays if p.pay.period}
    if len(periods) == 1:  # "工资日结，电工350/天，焊工380/天": one settlement for all
        period = periods.pop()
        assigned = {i: _settled(p, period) for i, p in assigned.items()}
        shared_pay = _settled(shared_pay, period)
    tail = _shared_tail(norm, anchors[-1], assigned.get(len(anchors) - 1))
    districts = _job_districts(norm, anchors, tail, shared.district, home)
    jobs: list[ParsedPost] = []
    for i, anchor in enumerate(anchors):
        last = i == len(anchors) - 1
        text = (preamble + parts[i] + ("" if last else "\n" + tail)).strip()
        fallback = preamble + ("" if last else tail)
        jobs.append(
            _assemble(
                title=(anchor.title, 0.85),
                text=text,
                original=original,
                shared=replace(shared, district=districts[i]),
                pay=assigned.get(i) or shared_pay,
                headcount=anchor.headcount,
                part=parts[i],
                fallback=fallback,
            )
        )
    return jobs


def _job_districts(
    norm: str, anchors: list[JobAnchor], tail: str, shared: str | None, home: Division | None
) -> list[str | None]:
    """Each job's district: the message's, unless the jobs' own lines name different ones
    ("1、王串场物业 招保安… 3、红桥区西站饭店 招传菜员…"); a job whose lines name none then takes
    the preamble's, else none (one job's district is not the others'). A job's lines start at
    its line (the place before its title is its own) and stop before the shared tail."""
    starts = [
        max(norm.rfind("\n", 0, a.start) + 1, before.end if before else 0)
        for a, before in zip(anchors, [None, *anchors[:-1]], strict=True)
    ]
    ends = [*starts[1:], len(norm) - len(tail)]
    own = [_district_in(norm[a:b], home) for a, b in zip(starts, ends, strict=True)]
    if len({d for d in own if d is not None}) < 2:
        return [shared] * len(anchors)
    before = _district_in(norm[: starts[0]], home)
    return [d or before for d in own]


def _district_in(text: str, home: Division | None) -> str | None:
    area = parse_area(text, home)
    return area.district if area is not None else None


def _assemble(
    *,
    title: tuple[str, float],
    text: str,
    original: str,
    shared: _Shared,
    pay: PayMatch | None,
    headcount: pf.Found | None,
    part: str,
    fallback: str,
    doubt: Pay | None = None,
) -> ParsedPost:
    """Per-job fields from the job's part (else the shared part) plus the message-wide ones."""
    conf = dict(shared.confidence)
    conf["title"] = title[1]
    cats = [(c, s) for c, s in classify(text, title[0]) if s >= MIN_CATEGORY_CONFIDENCE]
    cats = cats[:MAX_CATEGORIES]
    if cats:
        conf["categories"] = cats[0][1]
    if pay is not None:
        conf["pay"] = pay.confidence
    if headcount is not None:
        conf["headcount"] = headcount.confidence
    age_min, age_max = pf.find_age(part)
    if age_min is None and age_max is None:
        age_min, age_max = pf.find_age(fallback)
    gender = pf.find_gender(part) or pf.find_gender(fallback)
    preference = None
    if gender is None:  # "女工优先" is shown, never a requirement
        preference = pf.find_gender_preference(part) or pf.find_gender_preference(fallback)
    form = pf.find_work_form(part) or pf.find_work_form(text)
    if form is None and (pay is None or pay.pay.unit != PayUnit.MONTH):
        form = shared.work_form  # "工资日结" said once for all day-rate jobs
    for key, found in (("age", age_min or age_max), ("gender", gender), ("work_form", form)):
        if found is not None:
            conf[key] = found.confidence
    return ParsedPost(
        title=title[0],
        text=text,
        original=original,
        categories=tuple(c for c, _ in cats),
        headcount=int(str(headcount.value)) if headcount else None,
        many_wanted=headcount is None and pf.many_wanted(part),
        pay=pay.pay if pay else Pay(),
        pay_base=pay.base if pay else None,
        pay_typical=pay.typical if pay else None,
        pay_doubt=doubt,
        district=shared.district,
        address=shared.address,
        city=shared.city,
        start=shared.start,
        duration=shared.duration,
        age_min=int(str(age_min.value)) if age_min else None,
        age_max=int(str(age_max.value)) if age_max else None,
        gender=str(gender.value) if gender else None,
        gender_preference=str(preference.value) if preference else None,
        hours=find_hours(part) or find_hours(fallback),
        licences=find_licences(part) or find_licences(fallback),
        benefits=shared.benefits,
        phones=shared.phones,
        contact_name=shared.contact_name,
        work_form=str(form.value) if form else None,
        employer=shared.employer,
        confidence=conf,
    )


def _best_pay(pays: list[PayMatch]) -> PayMatch | None:
    """The most credible figure; a bare 日结/面议 marker only when no figure is stated."""
    best = choose_offer(pays)
    if best is not None:
        if best.pay.period is None:
            period = next((p.pay.period for p in pays if p.pay.period), None)
            if period is not None:
                best = replace(best, pay=replace(best.pay, period=period))
        return best
    negotiable = next((p for p in pays if p.pay.negotiable), None)
    return negotiable or next((p for p in pays if p.pay.period or p.pay.unit), None)


def _pay_key(p: PayMatch | None) -> tuple[object, ...]:
    return () if p is None else (p.pay.min, p.pay.max, p.pay.unit)


def _assign_pay(
    norm: str, pays: list[PayMatch], anchors: list[JobAnchor], bounds: list[int]
) -> dict[int, PayMatch | None]:
    """Each figure goes to the job named just before it ("厨师月薪7000"), else to its part."""
    out: dict[int, PayMatch | None] = {}
    figures = [p for p in pays if p.pay.has_figure]
    markers = [p for p in pays if p not in figures]
    for p in figures:
        before = norm[max(0, p.span[0] - 8) : p.span[0]]
        named = [i for i, a in enumerate(anchors) if a.title in before]
        if not named:  # "招炒锅师傅1名…炒锅月薪七千": a job named again by its first two chars
            heads = [a.title[:2] for a in anchors]
            named = [
                i
                for i, h in enumerate(heads)
                if len(anchors[i].title) > 2 and heads.count(h) == 1 and h in before
            ]
        if named:
            index = max(named, key=lambda i: before.rfind(anchors[i].title))
        else:
            index = next(
                (i for i, a in enumerate(anchors) if a.start <= p.span[0] < bounds[i]), -1
            )
        if index >= 0 and out.get(index) is None:
            out[index] = _with_period(p, markers, anchors[index].start, bounds[index])
    return out


def _figure_run(norm: str, pays: list[PayMatch]) -> list[PayMatch]:
    """The longest run of figures in one unit written side by side ("4000 6000", "200、180"),
    which a list of jobs takes in order; shorter than two is no run."""
    figures = [p for p in pays if p.pay.known]
    best: list[PayMatch] = []
    current: list[PayMatch] = []
    for p in figures:
        if current and (
            p.pay.unit != current[-1].pay.unit
            or not RUN_GAP.fullmatch(norm[current[-1].span[1] : p.span[0]])
        ):
            current = []
        current.append(p)
        if len(current) > len(best):
            best = list(current)
    return best if len(best) >= 2 else []


def _with_period(p: PayMatch, markers: list[PayMatch], start: int, end: int) -> PayMatch:
    if p.pay.period is not None:
        return p
    period = next(
        (m.pay.period for m in markers if m.pay.period and start <= m.span[0] < end), None
    )
    if period is None:
        return p
    return replace(p, pay=replace(p.pay, period=period))


def _settled(p: PayMatch | None, period: str) -> PayMatch | None:
    if p is None or p.pay.period is not None or p.pay.unit == PayUnit.MONTH:
        return p
    return replace(p, pay=replace(p.pay, period=period))


def _shared_tail(norm: str, last: JobAnchor, pay: PayMatch | None) -> str:
    """What follows the last job's own details: place, contact and benefits for every job."""
    end = last.end
    if pay is not None:
        end = max(end, pay.span[1])
    for found in (*pf.find_age(norm[last.start :]), pf.find_gender(norm[last.start :])):
        if found is not None:
            end = max(end, last.start + found.span[1])
    return norm[end:].lstrip(" ,，;；。")
