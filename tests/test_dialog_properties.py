"""Issue 2: whatever arrives, in whatever state, the dialog answers and stays consistent."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.commands import DELETE_FLOW
from handlers.context import Services
from handlers.onboarding_state import FLOW, VERSION, Step
from handlers.questions import PAYLOAD_STEPS
from handlers.router import handle
from handlers.routes import build_router
from handlers.texts import t
from models.messages import Channel, DialogKey, Incoming, Location
from models.repos.dialogs import DialogState
from models.seeker import SeekerProfile
from models.values import Pay, PayUnit, WorkForm

RESTING = [s.value for s in Step if s not in (Step.NEXT, Step.DONE)]
STATES = [*RESTING, "no_state", "completed", DELETE_FLOW]
_users = itertools.count()

# Scratch a step may hold while it waits (a figure for its unit, a point for consent).
SCRATCH = {
    Step.PAY_UNIT.value: {"amount": 180.0},
    Step.KEEP_LOCATION.value: {"location": [39.1, 117.1], "near": "西青区"},
}
PARTIAL = ("work_form", "categories", "districts")
ROUTER = build_router()

ours = st.builds(
    lambda key, value: f"ob:{key}:{value}",
    st.sampled_from(sorted(PAYLOAD_STEPS)),
    st.one_of(st.text(max_size=12), st.sampled_from(["done", "any", "0", "yes", "A", "西青区"])),
)
foreign = st.text(max_size=30).filter(
    lambda p: ROUTER.payload_handler(p) is None or p.startswith(("ob:", "acct:"))
)
payloads = st.one_of(st.none(), ours, foreign, st.sampled_from(["acct:delete:no", "acct:x"]))
texts = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        ["", " ", "完成", "确认删除", "取消", "修改", "🙂" * 50, "'; DROP TABLE users;--"]
    ),
    st.text(alphabet="保洁日结西青区一天150以上公里初中确认 ,，0123456789", max_size=40),
)
locations = st.one_of(
    st.none(),
    st.builds(Location, st.floats(-90, 90), st.floats(-180, 180)),
)


async def _prepare(services: Services, state: str) -> DialogKey:
    key = DialogKey(Channel.CONSOLE, f"prop{next(_users)}")
    now = services.clock()
    user = await services.users.get_or_create(key, now)
    profile = SeekerProfile(
        user_id=user.id, work_form=WorkForm.FLEXIBLE, categories=("A",), districts=("西青区",)
    )
    if state == "completed":
        profile = profile.with_(pay=Pay(min=150, unit=PayUnit.DAY), consent=True, completed_at=now)
    if state != "no_state":
        await services.seekers.save(profile, now)
    if state == DELETE_FLOW:
        resume = {"flow": FLOW, "version": VERSION, "step": Step.PAY.value, "data": {}}
        await services.dialogs.save(
            user.id, DialogState(DELETE_FLOW, 1, "confirm", {"resume": resume}), now
        )
    elif state in RESTING:
        data = {"answered": list(PARTIAL), "scratch": SCRATCH.get(state, {}), "editing": False}
        await services.dialogs.save(user.id, DialogState(FLOW, VERSION, state, data), now)
    return key


@pytest.mark.slow  # 40 generated messages in each of the dialog's states
@pytest.mark.parametrize("state", STATES)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run (STYLE: randomness is seeded)
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts, payload=payloads, location=locations)
async def test_every_state_answers_any_message(services, state, text, payload, location):
    key = await _prepare(services, state)
    replies = await handle(Incoming(key, text=text, payload=payload, location=location), services)
    assert replies, f"no reply in {state} to {text!r} {payload!r}"
    assert all(r.text for r in replies)
    assert t("error.apology") not in [r.text for r in replies]
    user = await services.users.get(key)
    if user is None:  # 确认删除 removed the user: nothing of theirs may remain
        return
    stored = await services.dialogs.load(user.id)
    if stored is not None and stored.flow == FLOW:
        assert stored.step in RESTING
        assert stored.version == VERSION
