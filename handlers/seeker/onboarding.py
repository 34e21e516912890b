"""Seeker onboarding: a declared state machine whose state lives in `dialog_states`.

One small async function per step (`handlers.seeker.onboarding_steps`) reads the answer and returns
the next step, or `Again` with a short explanation; the questions are in
`handlers.seeker.questions`. This module runs a turn; the transition table is at the bottom and
`handlers/seeker/onboarding.mmd` draws it. A free-text wish is read at every step and fills
whatever it states, so the dialog only asks what is still missing. The profile is saved after every
step, so a partly filled profile is stored too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from handlers.context import Services, Turn
from handlers.routing import Router
from handlers.seeker.answers import WISH_MAX, apply_wish, clip, join_wish, readable
from handlers.seeker.faq import answer, question_in
from handlers.seeker.onboarding_state import (
    FIELD_STEPS,
    FLOW,
    STEP_FIELD,
    VERSION,
    Again,
    Ctx,
    OnboardingData,
    Step,
    filled,
)
from handlers.seeker.onboarding_steps import (
    StepHandler,
    on_categories,
    on_confirm,
    on_consent,
    on_distance,
    on_districts,
    on_edit_field,
    on_education,
    on_keep_location,
    on_needs,
    on_other_category,
    on_pay,
    on_pay_unit,
    on_skills,
    on_work_form,
    stated_pay,
)
from handlers.seeker.profile_view import FIELDS, describe, summary
from handlers.seeker.questions import PAYLOAD_STEPS, ask, parse_payload, typed_choice
from handlers.texts import t
from matching.wish import NEAR_HOME_KM, WishFields, parse_wish
from models.messages import EventKind, Reply
from models.repos.dialogs import DialogState
from models.seeker import SeekerProfile
from models.values import Role

log = logging.getLogger(__name__)

# Version 1 was this flow's first draft: it asked 地点 and 距离 together in "ask_area" and used
# shorter step names. States saved by it continue at the renamed step; unknown names restart at
# the first field still missing.
RENAMED: dict[int, dict[str, str]] = {
    1: {
        "ask_form": Step.WORK_FORM,
        "ask_jobs": Step.CATEGORIES,
        "ask_area": Step.DISTRICTS,
        "ask_skill": Step.SKILLS,
        "ask_push": Step.CONSENT,
        "summary": Step.CONFIRM,
    },
}


_FREE_TEXT_STEPS = frozenset({Step.SKILLS, Step.OTHER_CATEGORY})
# At a field already answered (reached through 修改), these keep the answer and move on.
_LEAVE_WORDS = ("返回", "取消", "确认", "确定", "不改了", "不改", "back", "cancel", "keep")

# --- running a turn ----------------------------------------------------------------------------


def new_profile(turn: Turn, services: Services) -> SeekerProfile:
    """An empty profile with the station's delivery defaults."""
    policy = services.policy
    return SeekerProfile(
        user_id=turn.user.id,
        quiet_start=policy.quiet_start,
        quiet_end=policy.quiet_end,
        daily_cap=policy.daily_cap,
    )


async def _context(turn: Turn, services: Services, state: DialogState | None) -> tuple[Ctx, Step]:
    """Rebuild the turn's context from storage, upgrading a state saved by an older version."""
    profile = await services.seekers.get(turn.user.id) or new_profile(turn, services)
    data = OnboardingData.from_state(state)
    ctx = Ctx(
        turn=turn,
        services=services,
        profile=profile,
        answered=set(data.answered) | filled(profile),
        scratch=data.scratch,
        editing=data.editing,
    )
    name = state.step if state is not None else Step.NEXT.value
    if state is not None and state.version != VERSION:
        log.info("upgrading onboarding state from version %s (%s)", state.version, name)
        name = RENAMED.get(state.version, {}).get(name, name)
    try:
        step = Step(name)
    except ValueError:
        step = Step.NEXT  # a step this version no longer has: ask the first missing field
    if step in (Step.NEXT, Step.DONE):
        step = ctx.next_missing()
    return ctx, step


def read_wish(text: str) -> WishFields:
    """The wish in a message; a bare figure ("5", "180") is not a pay wish (it may be km)."""
    plain = readable(text)
    fields = parse_wish(plain)
    if fields.pay is not None and fields.pay.known and stated_pay(plain) is None:
        fields = replace(fields, pay=None)
    return fields


def _read_wish(ctx: Ctx, step: Step, text: str, result: Step | Again) -> Step | Again:
    """Fill what a free-text wish states; at the summary a wish changes answers already given."""
    overwrite = step is Step.CONFIRM
    wish_fields = read_wish(text)
    # A later statement replaces an earlier one at any step (不对不对 我不想送外卖了 想干保洁):
    # only the field this step asks is left to the step's own reading; free-text steps (技能,
    # 其他) describe the seeker and change nothing else.
    protected = ctx.answered if step in _FREE_TEXT_STEPS else {STEP_FIELD.get(step, "")}
    before = set(ctx.answered)
    profile, changed = apply_wish(ctx.profile, wish_fields, protected, overwrite=overwrite)
    ctx.profile = profile  # age, gender, benefits are kept even when no form field changed
    if not changed:
        return result
    # A place (天津站) anchors a 3 km circle; a town (汉沽) is an area, its distance is asked.
    place = wish_fields.landmark
    if (
        place is not None
        and place.kind != "town"
        and wish_fields.max_km is None
        and ("max_km" not in before)
    ):
        ctx.profile = ctx.profile.with_(max_km=NEAR_HOME_KM)
        changed.append("max_km")
    ctx.answered |= set(changed) & filled(ctx.profile.with_(completed_at=None))
    if wish_fields.any_job:
        ctx.answered.add("categories")
    overwrite = overwrite or bool(set(changed) & before)
    if isinstance(result, Again) or set(changed) - {STEP_FIELD.get(step)}:
        wish = clip(text, WISH_MAX)
        # A correction replaces the stored wish: 您的原话 must not keep what the seeker took back.
        old = None if overwrite else ctx.profile.wish
        ctx.profile = ctx.profile.with_(wish=join_wish(old, wish.text))
        if wish.cut:
            ctx.notes.append(t("onboarding.truncated", limit=WISH_MAX))
    key = "onboarding.updated" if overwrite else "onboarding.noted"
    ctx.notes.insert(0, t(key, items=describe(ctx.profile, changed)))
    return Step.NEXT if isinstance(result, Again) else result


async def run_step(ctx: Ctx, step: Step) -> list[Reply]:
    """Feed the turn's message to `step`, save the answers and state, and ask what comes next."""
    msg = ctx.turn.msg
    if msg.payload is None and msg.location is None:
        typed = typed_choice(ctx, step, readable(msg.text))
        if typed is not None:  # a button's label typed out is a tap on it
            msg = replace(msg, text="", payload=typed)
    button = parse_payload(msg.payload)
    if button is not None:
        step = PAYLOAD_STEPS[button[0]]  # a button under an earlier question answers that one
    elif msg.location is not None:
        step = Step.DISTRICTS  # a shared location answers 地点 whatever was asked
    raw = msg.text
    msg = replace(msg, text=readable(raw))
    result: Step | Again
    asked = question_in(msg.text) if button is None else None
    field = STEP_FIELD.get(step)
    if asked is None and field in ctx.answered and msg.text.lower() in _LEAVE_WORDS:
        result = Step.NEXT  # 修改 → 期望薪酬 → 返回: keep the answer, go back to where we were
    elif asked is not None:  # answer the question, then re-ask the form's question
        district = ctx.profile.districts[0] if ctx.profile.districts else None
        result = Again(await answer(ctx.turn, ctx.services, asked, district))
    elif not raw.strip() and msg.location is None and msg.payload is None:
        result = Again(t("onboarding.bad.empty"))
    else:
        result = await STEPS[step](msg, ctx)
    if msg.text and button is None:
        noted = _read_wish(ctx, step, raw, result)
        result = result if asked is not None else noted  # an answered question re-asks
    if isinstance(result, Again):
        ctx.notes.append(result.text)
        target = step
    else:
        if result not in TRANSITIONS[step]:
            raise RuntimeError(f"onboarding: {step} -> {result} is not a declared transition")
        target = ctx.next_missing() if result is Step.NEXT else result
    return await _finish(ctx, target)


async def _finish(ctx: Ctx, step: Step) -> list[Reply]:
    services, turn = ctx.services, ctx.turn
    if step is Step.DONE:
        first = ctx.profile.completed_at is None
        ctx.profile = ctx.profile.with_(completed_at=ctx.profile.completed_at or turn.now)
        await services.seekers.save(ctx.profile, turn.now)
        await services.dialogs.clear(turn.user.id)
        await profile_changed(services, turn.user.id)
        if first:
            key = "onboarding.done" if ctx.profile.consent else "onboarding.done_no_push"
            return [Reply("\n".join([*ctx.notes, t(key)]))]
        shown = t("commands.profile.show", summary=summary(ctx.profile))
        return [Reply("\n".join([*ctx.notes, shown]))]
    await services.seekers.save(ctx.profile, turn.now)
    await services.dialogs.save(turn.user.id, ctx.data().to_state(step), turn.now)
    return [ask(ctx, step, ctx.notes)]


async def profile_changed(services: Services, user_id: int) -> None:
    """Tell the matcher (when one runs) that a seeker's profile changed or went away."""
    if services.matcher is not None:
        await services.matcher.seeker_changed(user_id)


# --- entry points used by the router, the commands and the fallback ---------------------------


class OnboardingFlow:
    """The flow object the router calls while a seeker's state is in "onboarding"."""

    name = FLOW
    version = VERSION

    async def handle(self, turn: Turn, services: Services) -> list[Reply]:
        """Continue onboarding with this message."""
        ctx, step = await _context(turn, services, turn.state)
        return await run_step(ctx, step)


async def start(turn: Turn, services: Services, *, read_message: bool = True) -> list[Reply]:
    """Begin (or pick up) onboarding: greet a newcomer, read any wish, ask what is missing."""
    ctx, _ = await _context(turn, services, None)
    newcomer = not ctx.answered
    text = turn.msg.text if read_message else ""
    asked = question_in(readable(text)) if readable(text) else None
    if readable(text):
        _read_wish(ctx, Step.NEXT, text, Step.NEXT)
    if asked is not None:
        district = ctx.profile.districts[0] if ctx.profile.districts else None
        ctx.notes.append(await answer(turn, services, asked, district))
    if newcomer:  # the welcome comes first, then what the first message already told us
        ctx.notes.insert(0, t("onboarding.welcome"))
    return await _finish(ctx, ctx.next_missing())


async def edit(turn: Turn, services: Services, name: str | None) -> list[Reply]:
    """Jump to one field (or the list of fields); afterwards return to where the seeker was."""
    state = turn.state if turn.state is not None and turn.state.flow == FLOW else None
    ctx, _ = await _context(turn, services, state)
    if state is None:
        ctx.editing = ctx.profile.completed_at is not None
    step = FIELD_STEPS[name] if name is not None else Step.EDIT_FIELD
    return await _finish(ctx, step)


async def pending_question(turn: Turn, services: Services) -> Reply | None:
    """The question onboarding is waiting for, to re-ask after a command; None outside it."""
    state = await services.dialogs.load(turn.user.id)
    if state is None or state.flow != FLOW:
        return None
    ctx, step = await _context(turn, services, state)
    return ask(ctx, step)


async def _update_completed(turn: Turn, services: Services, profile: SeekerProfile) -> list[Reply]:
    """Free text from a seeker with a completed profile is an updated wish: re-parse, save, say."""
    msg = turn.msg
    if msg.location is not None or parse_payload(msg.payload) is not None:
        ctx, _ = await _context(turn, services, None)
        ctx.editing = True
        return await run_step(ctx, Step.DISTRICTS)
    text = msg.text
    if not readable(text):  # a returning follower, an empty message: nothing to update
        return [Reply(t("onboarding.welcome_back"))]
    asked = question_in(readable(text))
    if asked is not None:
        district = profile.districts[0] if profile.districts else None
        return [Reply(await answer(turn, services, asked, district))]
    updated, changed = apply_wish(profile, read_wish(text), set(FIELDS), overwrite=True)
    if not changed:
        return [Reply(t("onboarding.nothing_changed"))]
    updated = updated.with_(wish=join_wish(profile.wish, clip(text, WISH_MAX).text))
    await services.seekers.save(updated, turn.now)
    await profile_changed(services, turn.user.id)
    return [Reply(t("onboarding.updated", items=describe(updated, changed)))]


async def seeker_fallback(turn: Turn, services: Services) -> list[Reply] | None:
    """Text outside any flow from a seeker: start onboarding, or update a completed profile."""
    if turn.user.role is not Role.SEEKER:
        return None
    if turn.msg.event is not None and turn.msg.event.kind == EventKind.UNSUBSCRIBE:
        return []  # nobody to answer: the user has just left
    profile = await services.seekers.get(turn.user.id)
    if profile is None or profile.completed_at is None:
        return await start(turn, services)
    return await _update_completed(turn, services, profile)


# --- the declared state machine ----------------------------------------------------------------

STEPS: Mapping[Step, StepHandler] = {
    Step.WORK_FORM: on_work_form,
    Step.CATEGORIES: on_categories,
    Step.OTHER_CATEGORY: on_other_category,
    Step.PAY: on_pay,
    Step.PAY_UNIT: on_pay_unit,
    Step.DISTRICTS: on_districts,
    Step.KEEP_LOCATION: on_keep_location,
    Step.DISTANCE: on_distance,
    Step.EDUCATION: on_education,
    Step.SKILLS: on_skills,
    Step.NEEDS: on_needs,
    Step.CONSENT: on_consent,
    Step.CONFIRM: on_confirm,
    Step.EDIT_FIELD: on_edit_field,
}

# Where each step may go after an accepted answer (every step may also stay, re-asking with an
# explanation). NEXT is the first field still missing, else CONFIRM — or DONE when a completed
# profile is being edited. A wish read at any step may fill fields and lead to NEXT.
TRANSITIONS: Mapping[Step, tuple[Step, ...]] = {
    Step.WORK_FORM: (Step.NEXT,),
    Step.CATEGORIES: (Step.NEXT, Step.OTHER_CATEGORY),
    Step.OTHER_CATEGORY: (Step.NEXT, Step.CATEGORIES),
    Step.PAY: (Step.NEXT, Step.PAY_UNIT),
    Step.PAY_UNIT: (Step.NEXT, Step.PAY),
    Step.DISTRICTS: (Step.NEXT, Step.KEEP_LOCATION),
    Step.KEEP_LOCATION: (Step.NEXT,),
    Step.DISTANCE: (Step.NEXT,),
    Step.EDUCATION: (Step.NEXT,),
    Step.SKILLS: (Step.NEXT,),
    Step.NEEDS: (Step.NEXT,),
    Step.CONSENT: (Step.NEXT,),
    Step.CONFIRM: (Step.DONE, Step.EDIT_FIELD, Step.NEXT),
    Step.EDIT_FIELD: (Step.NEXT, *FIELD_STEPS.values()),
}
NEXT_TARGETS: tuple[Step, ...] = (*FIELD_STEPS.values(), Step.CONFIRM, Step.DONE)

router = Router("onboarding")
router.flow(OnboardingFlow())
# Included last: every other reader (e.g. the employer post detector) goes first.
router.fallback(seeker_fallback)
