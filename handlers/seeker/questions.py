"""The question each onboarding step asks, with its choices (buttons or numbered options).

Button payloads are "ob:<key>:<value>"; `PAYLOAD_STEPS` says which step a key answers, so a
button tapped under an earlier question still answers that question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from handlers import language
from handlers.payloads import OnboardingButton
from handlers.seeker.onboarding_state import FIELD_STEPS, Ctx, Step
from handlers.seeker.profile_view import education_text, need_text, summary, work_form_text
from handlers.texts import t
from matching.districts import TIANJIN_DISTRICTS
from matching.place_names import district_name
from matching.taxonomy import CATEGORIES, label
from models.messages import Choice, Reply
from models.values import EDUCATION_LEVELS, NEEDS, PayUnit, WorkForm

PREFIX = OnboardingButton.prefix
KM_CHOICES = (3, 5, 10, 20)  # the 15-minute circle is ~3 km on foot; 20 km is a long commute

PAYLOAD_STEPS: dict[str, Step] = {
    "form": Step.WORK_FORM,
    "cat": Step.CATEGORIES,
    "other": Step.OTHER_CATEGORY,
    "pay": Step.PAY,
    "unit": Step.PAY_UNIT,
    "district": Step.DISTRICTS,
    "keep": Step.KEEP_LOCATION,
    "km": Step.DISTANCE,
    "edu": Step.EDUCATION,
    "skills": Step.SKILLS,
    "need": Step.NEEDS,
    "consent": Step.CONSENT,
    "confirm": Step.CONFIRM,
    "edit": Step.EDIT_FIELD,
}


def payload(key: str, value: str) -> str:
    """The payload of an onboarding button."""
    return OnboardingButton(key, value).pack()


def parse_payload(data: str | None) -> tuple[str, str] | None:
    """ "ob:cat:A" -> ("cat", "A") when the key is one of ours; None for anything else."""
    button = OnboardingButton.unpack(data)
    if button is None or button.key not in PAYLOAD_STEPS:
        return None
    return button.key, button.value


def _c(label_text: str, key: str, value: str) -> Choice:
    return Choice(label_text, payload(key, value))


def _mark(selected: bool, text: str) -> str:
    return f"✓ {text}" if selected else text


def _work_form(ctx: Ctx) -> Reply:
    choices = [_c(work_form_text(f), "form", f.value) for f in WorkForm]
    return Reply(t("onboarding.ask.work_form"), tuple(choices))


def _categories(ctx: Ctx) -> Reply:
    chosen = ctx.profile.categories
    choices = [
        _c(_mark(code in chosen, f"{code} {label(code, language.current())}"), "cat", code)
        for code in CATEGORIES
    ]
    choices.append(_c(t("onboarding.choice.other"), "cat", "other"))
    choices.append(_c(t("word.done"), "cat", "done"))
    return Reply(t("onboarding.ask.categories"), tuple(choices), multi=True)


def _other_category(ctx: Ctx) -> Reply:
    back = _c(t("onboarding.choice.back"), "other", "back")
    return Reply(t("onboarding.ask.other_category"), (back,))


def _pay(ctx: Ctx) -> Reply:
    choices = (
        _c(t("word.negotiable"), "pay", "negotiable"),
        _c(t("onboarding.unit.piece"), "pay", "piece"),
    )
    return Reply(t("onboarding.ask.pay"), choices, numeric=True)


def _pay_unit(ctx: Ctx) -> Reply:
    amount = ctx.scratch.amount
    shown = f"{amount:g}" if amount is not None else ""
    choices = tuple(  # 年薪 is read from what seekers type, never offered as a button
        _c(t(f"onboarding.unit.{u.value}"), "unit", u.value) for u in PayUnit if u != PayUnit.YEAR
    )
    return Reply(t("onboarding.ask.pay_unit", amount=shown), choices)


def _districts(ctx: Ctx) -> Reply:
    chosen = ctx.profile.districts
    choices = [
        _c(_mark(d in chosen, district_name(d, language.current())), "district", d)
        for d in TIANJIN_DISTRICTS
    ]
    choices.append(_c(t("onboarding.choice.any"), "district", "any"))
    choices.append(_c(t("word.done"), "district", "done"))
    text = t("onboarding.ask.districts")
    return Reply(text, tuple(choices), multi=True, request_location=True)


def _keep_location(ctx: Ctx) -> Reply:
    near = ctx.scratch.near or ""
    choices = (
        _c(t("onboarding.choice.keep_yes"), "keep", "yes"),
        _c(t("onboarding.choice.keep_no"), "keep", "no"),
    )
    return Reply(t("onboarding.ask.keep_location", district=near), choices)


def _distance(ctx: Ctx) -> Reply:
    choices = [_c(t("onboarding.choice.km", km=km), "km", str(km)) for km in KM_CHOICES]
    choices.append(_c(t("onboarding.choice.any"), "km", "any"))
    return Reply(t("onboarding.ask.distance"), tuple(choices), numeric=True)


def _education(ctx: Ctx) -> Reply:
    choices = tuple(
        _c(education_text(level), "edu", str(i)) for i, level in enumerate(EDUCATION_LEVELS)
    )
    return Reply(t("onboarding.ask.education"), choices)


def _skills(ctx: Ctx) -> Reply:
    skip = _c(t("word.skip"), "skills", "skip")
    return Reply(t("onboarding.ask.skills"), (skip,))


def _needs(ctx: Ctx) -> Reply:
    chosen = ctx.profile.needs
    choices = [
        _c(_mark(need in chosen, need_text(need)), "need", str(i)) for i, need in enumerate(NEEDS)
    ]
    choices.append(_c(t("onboarding.choice.none"), "need", "none"))
    choices.append(_c(t("word.done"), "need", "done"))
    return Reply(t("onboarding.ask.needs"), tuple(choices), multi=True)


def _consent(ctx: Ctx) -> Reply:
    choices = (
        _c(t("onboarding.choice.consent_yes"), "consent", "yes"),
        _c(t("onboarding.choice.consent_no"), "consent", "no"),
    )
    return Reply(t("onboarding.ask.consent"), choices)


def _confirm(ctx: Ctx) -> Reply:
    text = t("onboarding.ask.confirm", summary=summary(ctx.profile, ctx.answered))
    choices = (
        _c(t("word.confirm"), "confirm", "yes"),
        _c(t("onboarding.choice.edit"), "confirm", "edit"),
    )
    return Reply(text, choices)


def _edit_field(ctx: Ctx) -> Reply:
    choices = [_c(t(f"profile.field.{name}"), "edit", name) for name in FIELD_STEPS]
    choices.append(_c(t("onboarding.choice.back"), "edit", "back"))
    return Reply(t("onboarding.ask.edit_field"), tuple(choices))


QUESTIONS: dict[Step, Callable[[Ctx], Reply]] = {
    Step.WORK_FORM: _work_form,
    Step.CATEGORIES: _categories,
    Step.OTHER_CATEGORY: _other_category,
    Step.PAY: _pay,
    Step.PAY_UNIT: _pay_unit,
    Step.DISTRICTS: _districts,
    Step.KEEP_LOCATION: _keep_location,
    Step.DISTANCE: _distance,
    Step.EDUCATION: _education,
    Step.SKILLS: _skills,
    Step.NEEDS: _needs,
    Step.CONSENT: _consent,
    Step.CONFIRM: _confirm,
    Step.EDIT_FIELD: _edit_field,
}


def typed_choice(ctx: Ctx, step: Step, text: str) -> str | None:
    """The payload of the choice whose label was typed ("可以推送" at the consent question)."""
    wanted = text.strip().lower()
    if not wanted or step not in QUESTIONS:
        return None
    question = QUESTIONS[step](ctx)
    if question.multi:
        return None  # in a multiple choice typed words answer at once ("西青区 南开区")
    for choice in question.choices:
        if choice.label.removeprefix("✓ ").strip().lower() == wanted:
            return choice.payload
    return None


def ask(ctx: Ctx, step: Step, before: list[str] | None = None) -> Reply:
    """The question of `step`, preceded by any notes (what was understood, what went wrong)."""
    question = QUESTIONS[step](ctx)
    lines = [*(before or []), question.text]
    return replace(question, text="\n".join(lines))
