"""A seeker profile in words: the summary the dialog confirms and `我的资料` / the CLI show."""

from __future__ import annotations

from collections.abc import Iterable

from handlers import language
from handlers.texts import t
from matching.taxonomy import label
from models.seeker import SeekerProfile
from models.values import EDUCATION_LEVELS, NEEDS, Pay, WorkForm

# The fields of the form in the order the dialog asks them; each has a `profile.field.*` name.
FIELDS = (
    "work_form",
    "categories",
    "pay",
    "districts",
    "max_km",
    "education",
    "skills",
    "needs",
    "consent",
)


# Catalogue ids for the Chinese values the form stores: keys stay ASCII, the values are data.
_EDUCATION_IDS = dict(
    zip(
        EDUCATION_LEVELS,
        ("primary", "junior", "senior", "college", "bachelor", "master"),
        strict=True,
    )
)
_NEED_IDS = dict(zip(NEEDS, ("subsidy", "guidance", "skills", "startup"), strict=True))


def work_form_text(form: WorkForm) -> str:
    """稳定就业 / 灵活就业 / 自主创业 in the user's language."""
    return t(f"profile.work_form.{form.name.lower()}")


def education_text(level: str) -> str:
    """An education level of `EDUCATION_LEVELS` in the user's language."""
    return t(f"profile.education.{_EDUCATION_IDS[level]}")


def need_text(need: str) -> str:
    """One of the `NEEDS` (补贴申领 …) in the user's language."""
    return t(f"profile.need.{_NEED_IDS[need]}")


def number(value: float) -> str:
    """150.0 -> "150", 7.5 -> "7.5" (people write whole yuan and kilometres without ".0")."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_pay(pay: Pay) -> str:
    """Pay as the seeker would say it: "150 元/天 起", "5000–8000 元/月", "面议"."""
    if pay.negotiable and not pay.known:
        return t("profile.pay.negotiable")
    if pay.unit is None or (pay.min is None and pay.max is None):
        text = t("profile.pay.piece") if pay.unit is not None else t("profile.pay.negotiable")
    else:
        unit = t(f"profile.pay.unit.{pay.unit.value}")
        if pay.min is not None and pay.max is not None and pay.max != pay.min:
            text = t("profile.pay.range", low=number(pay.min), high=number(pay.max), unit=unit)
        elif pay.min is not None:
            text = t("profile.pay.from", low=number(pay.min), unit=unit)
        else:
            text = t("profile.pay.upto", high=number(pay.max or 0), unit=unit)
    if pay.period:
        text = t("profile.pay.period", pay=text, period=pay.period)
    return text


def _join(items: Iterable[str]) -> str:
    return t("profile.list_sep").join(items)


def field_value(profile: SeekerProfile, name: str, answered: bool = True) -> str:
    """One field's value in words; empty answers read "不限"/"无", unanswered ones "未填"."""
    unset = t("profile.value.unset")
    if name == "work_form":
        return work_form_text(profile.work_form) if profile.work_form else unset
    if name == "categories":
        items = [f"{code} {label(code, language.current())}" for code in profile.categories]
        if profile.other_category:
            items.append(t("profile.value.other", text=profile.other_category))
        if items:
            return _join(items)
        return t("profile.value.any") if answered else unset  # 干啥都行: any job
    if name == "pay":
        if not (profile.pay.known or profile.pay.negotiable or profile.pay.unit):
            return unset
        text = format_pay(profile.pay)
        return text + t("profile.value.hard") if profile.pay_hard else text
    if name == "districts":
        if profile.districts:
            return _join(profile.districts)
        return t("profile.value.any") if answered else unset
    if name == "max_km":
        if profile.max_km is not None:
            return t("profile.value.km", km=number(profile.max_km))
        return t("profile.value.any") if answered else unset
    if name == "education":
        return education_text(profile.education) if profile.education else unset
    if name == "skills":
        if profile.skills:
            return profile.skills
        return t("profile.value.none") if answered else unset
    if name == "needs":
        if profile.needs:
            return _join(need_text(n) for n in profile.needs)
        return t("profile.value.none") if answered else unset
    if name == "consent":
        if profile.consent is None:
            return unset
        text = t("profile.value.yes" if profile.consent else "profile.value.no")
        return text + t("profile.value.paused") if profile.paused else text
    raise KeyError(name)


def summary(profile: SeekerProfile, answered: Iterable[str] | None = None) -> str:
    """Every field on its own line; `answered` tells empty answers ("不限") from missing ones."""
    done = set(FIELDS) if answered is None else set(answered)
    lines = [
        t(
            "profile.line",
            field=t(f"profile.field.{name}"),
            value=field_value(profile, name, name in done),
        )
        for name in FIELDS
    ]
    if profile.daily_settlement_only:
        lines.append(
            t(
                "profile.line",
                field=t("profile.field.daily_only"),
                value=t("profile.value.yes"),
            )
        )
    if profile.location is not None:
        lines.append(
            t(
                "profile.line",
                field=t("profile.field.location"),
                value=t("profile.value.location_kept"),
            )
        )
    if profile.wish:
        lines.append(t("profile.line", field=t("profile.field.wish"), value=profile.wish))
    return "\n".join(lines)


def describe(profile: SeekerProfile, names: Iterable[str]) -> str:
    """Fields as "岗位意愿：A 家政/保洁；地点：西青区" (what a wish filled or changed)."""
    sep = "；" if language.current() == "zh" else "; "
    return sep.join(
        t(
            "profile.line",
            field=t(f"profile.field.{name}"),
            value=field_value(profile, name),
        )
        for name in names
    )
