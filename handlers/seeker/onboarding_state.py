"""The onboarding dialog's states and the per-turn context its steps work on.

Kept apart from the steps (`handlers.seeker.onboarding`) so that the questions
(`handlers.seeker.questions`) can be built from the same names without an import cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from handlers.context import Services, Turn
from handlers.seeker.profile_view import FIELDS
from models.repos.dialogs import DialogState
from models.seeker import SeekerProfile

FLOW = "onboarding"
VERSION = 2


class Step(StrEnum):
    """Where a seeker stands in onboarding; the value is what `dialog_states.step` stores."""

    WORK_FORM = "ask_work_form"
    CATEGORIES = "ask_categories"
    OTHER_CATEGORY = "ask_other_category"
    PAY = "ask_pay"
    PAY_UNIT = "ask_pay_unit"
    DISTRICTS = "ask_districts"
    KEEP_LOCATION = "ask_keep_location"
    DISTANCE = "ask_distance"
    EDUCATION = "ask_education"
    SKILLS = "ask_skills"
    NEEDS = "ask_needs"
    CONSENT = "ask_consent"
    CONFIRM = "confirm"
    EDIT_FIELD = "ask_edit_field"
    # Not resting states: NEXT is "the first field still missing, else CONFIRM (DONE when a
    # completed profile is being edited)"; DONE ends the flow and clears the stored state.
    NEXT = "next"
    DONE = "done"


# The field each asking step fills, in the order the dialog asks them (the form's order).
FIELD_STEPS: dict[str, Step] = {
    "work_form": Step.WORK_FORM,
    "categories": Step.CATEGORIES,
    "pay": Step.PAY,
    "districts": Step.DISTRICTS,
    "max_km": Step.DISTANCE,
    "education": Step.EDUCATION,
    "skills": Step.SKILLS,
    "needs": Step.NEEDS,
    "consent": Step.CONSENT,
}
assert tuple(FIELD_STEPS) == FIELDS
STEP_FIELD: dict[Step, str] = {step: name for name, step in FIELD_STEPS.items()} | {
    Step.OTHER_CATEGORY: "categories",
    Step.PAY_UNIT: "pay",
    Step.KEEP_LOCATION: "districts",
}


@dataclass(frozen=True, slots=True)
class Again:
    """Stay on this step: say `text` (why the answer did not fit, or what is chosen), re-ask."""

    text: str


@dataclass(slots=True)
class Scratch:
    """A step's unfinished input: a bare pay figure waiting for its unit (步骤 ask_pay_unit), or a
    shared point and its district waiting for consent to keep it (ask_keep_location)."""

    amount: int | float | None = None
    location: tuple[float, float] | None = None
    near: str | None = None

    def to_data(self) -> dict[str, Any]:
        """JSON with only what is set, the keys every version has stored."""
        out: dict[str, Any] = {}
        if self.amount is not None:
            out["amount"] = self.amount
        if self.location is not None:
            out["location"] = list(self.location)
        if self.near is not None:
            out["near"] = self.near
        return out

    @classmethod
    def from_data(cls, data: Any) -> Scratch:
        """Inverse of `to_data`; a value of the wrong shape reads as not set."""
        if not isinstance(data, Mapping):
            return cls()
        amount, point, near = data.get("amount"), data.get("location"), data.get("near")
        return cls(
            amount=amount if isinstance(amount, int | float) else None,
            location=(float(point[0]), float(point[1]))
            if isinstance(point, list) and len(point) == 2
            else None,
            near=str(near) if near is not None else None,
        )


@dataclass(frozen=True, slots=True)
class OnboardingData:
    """What onboarding keeps between turns in `dialog_states.data`, typed.

    Versions 1 and 2 of the flow stored the same keys (`answered`, `scratch`, `editing`); they
    differ in step names only (`handlers.seeker.onboarding.RENAMED`).
    """

    answered: frozenset[str] = frozenset()
    scratch: Scratch = field(default_factory=Scratch)
    editing: bool = False

    def to_state(self, step: str) -> DialogState:
        """The dialog state to store at `step`, stamped with this version of the flow."""
        data = {
            "answered": sorted(self.answered),
            "scratch": self.scratch.to_data(),
            "editing": self.editing,
        }
        return DialogState(FLOW, VERSION, step, data)

    @classmethod
    def from_state(cls, state: DialogState | None) -> OnboardingData:
        """The data of a stored onboarding state of any version; empty for another flow's."""
        if state is None or state.flow != FLOW:
            return cls()
        data = state.data
        stored = data.get("answered", [])
        answered = {str(n) for n in stored if n in FIELDS} if isinstance(stored, list) else set()
        return cls(
            answered=frozenset(answered),
            scratch=Scratch.from_data(data.get("scratch")),
            editing=bool(data.get("editing", False)),
        )


@dataclass(slots=True)
class Ctx:
    """One turn inside onboarding: the profile being filled and the dialog's own notes.

    `answered` names the fields the seeker has answered, including empty answers (不限, 跳过);
    `scratch` holds a step's unfinished input (a figure waiting for its unit, a shared location
    waiting for consent); `editing` is set when a completed profile is being changed.
    """

    turn: Turn
    services: Services
    profile: SeekerProfile
    answered: set[str]
    scratch: Scratch = field(default_factory=Scratch)
    editing: bool = False
    notes: list[str] = field(default_factory=list)

    def data(self) -> OnboardingData:
        """What this turn leaves for the next one."""
        return OnboardingData(frozenset(self.answered), self.scratch, self.editing)

    def answer(self, name: str, **changes: Any) -> None:
        """Record an answer to field `name` (the profile is saved after the step)."""
        self.profile = self.profile.with_(**changes)
        self.answered.add(name)

    def next_missing(self) -> Step:
        """The step of the first unanswered field; CONFIRM, or DONE when editing, if none."""
        for name, step in FIELD_STEPS.items():
            if name not in self.answered:
                return step
        return Step.DONE if self.editing else Step.CONFIRM


def filled(profile: SeekerProfile) -> set[str]:
    """Fields that hold a value in the stored profile (a completed profile has answered all)."""
    if profile.completed_at is not None:
        return set(FIELDS)
    present = {
        "work_form": profile.work_form is not None,
        "categories": bool(profile.categories or profile.other_category),
        # 日结 with no figure yet (能日结最好) stays a preference: still ask the figure.
        "pay": bool(
            profile.pay.known
            or profile.pay.negotiable
            or (profile.pay.unit and profile.pay.period is None)
        ),
        "districts": bool(profile.districts),
        "max_km": profile.max_km is not None,
        "education": profile.education is not None,
        "skills": bool(profile.skills),
        "needs": bool(profile.needs),
        "consent": profile.consent is not None,
    }
    return {name for name, yes in present.items() if yes}
