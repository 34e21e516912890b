"""Typed dialog data (issue 19): each flow reads and writes its own `dialog_states.data`.

Before: `DialogState.data` was a dict read with `data.get("scratch", {})` in the flows and, for
onboarding's `answered`, in the commands too. The JSON already stored must still load.
"""

from __future__ import annotations

import json

from handlers.seeker.commands import DELETE_FLOW, PendingDelete
from handlers.seeker.onboarding_state import FLOW, VERSION, OnboardingData, Scratch, Step
from handlers.texts import t
from models.messages import Channel, DialogKey
from models.repos.dialogs import DialogState
from models.values import PayUnit
from tests.chat_helpers import Chat

# What the code before the typed data stored (onboarding versions 1 and 2 alike).
OLD_PAY_UNIT = {
    "answered": ["categories", "work_form"],
    "scratch": {"amount": 180},
    "editing": False,
}
OLD_KEEP = {
    "answered": ["districts"],
    "scratch": {"location": [39.1, 117.1], "near": "西青区"},
    "editing": True,
}


def test_onboarding_data_round_trips_through_its_state():
    data = OnboardingData(
        answered=frozenset({"pay", "districts"}),
        scratch=Scratch(amount=180.5, location=(39.1, 117.2), near="西青区"),
        editing=True,
    )
    state = data.to_state(Step.KEEP_LOCATION.value)
    assert (state.flow, state.version, state.step) == (FLOW, VERSION, "ask_keep_location")
    stored = json.loads(json.dumps(state.data))  # what the column holds
    again = OnboardingData.from_state(DialogState(FLOW, VERSION, state.step, stored))
    assert again == data
    assert OnboardingData().to_state("ask_pay").data == {
        "answered": [],
        "scratch": {},
        "editing": False,
    }


def test_old_stored_shapes_load_and_are_written_back_the_same():
    for old in (OLD_PAY_UNIT, OLD_KEEP):
        for version in (1, VERSION):
            loaded = OnboardingData.from_state(DialogState(FLOW, version, "ask_pay", old))
            assert loaded.to_state("ask_pay").data == old
    keep = OnboardingData.from_state(DialogState(FLOW, 1, "ask_area", OLD_KEEP))
    assert keep.scratch == Scratch(location=(39.1, 117.1), near="西青区")
    assert keep.answered == {"districts"}
    assert keep.editing


def test_damaged_or_foreign_data_reads_as_empty():
    damaged = {"answered": "pay", "scratch": {"amount": "x", "location": [1]}, "editing": 0}
    assert OnboardingData.from_state(DialogState(FLOW, VERSION, "ask_pay", damaged)) == (
        OnboardingData()
    )
    unknown_field = {"answered": ["pay", "not_a_field"]}
    assert OnboardingData.from_state(DialogState(FLOW, 2, "ask_pay", unknown_field)).answered == {
        "pay"
    }
    draft = DialogState("employer_post", 1, "confirm", {"answered": ["pay"]})
    assert OnboardingData.from_state(draft) == OnboardingData()  # another flow's data
    assert OnboardingData.from_state(None) == OnboardingData()


def test_pending_delete_keeps_the_interrupted_state_and_reads_old_rows():
    interrupted = OnboardingData(frozenset({"pay"}), Scratch(amount=3)).to_state("ask_pay_unit")
    state = PendingDelete(interrupted).to_state()
    assert (state.flow, state.version, state.step) == (DELETE_FLOW, 1, "confirm")
    stored = json.loads(json.dumps(state.data))
    assert PendingDelete.from_state(replace_data(state, stored)).resume == interrupted
    # The row the code before wrote: {"resume": {flow, version, step, data}} or {"resume": None}.
    old = {"resume": {"flow": FLOW, "version": 1, "step": "ask_form", "data": OLD_PAY_UNIT}}
    assert PendingDelete.from_state(replace_data(state, old)).resume == DialogState(
        FLOW, 1, "ask_form", OLD_PAY_UNIT
    )
    for nothing in ({"resume": None}, {}, {"resume": {"flow": FLOW}}, {"resume": "x"}):
        assert PendingDelete.from_state(replace_data(state, nothing)).resume is None


def replace_data(state: DialogState, data: dict) -> DialogState:
    return DialogState(state.flow, state.version, state.step, data)


async def test_an_old_row_in_the_database_continues_the_dialog(services, db):
    """A seeker who typed 180 before the upgrade answers its unit after it."""
    chat = Chat(services, "old-row")
    user = await services.users.get_or_create(
        DialogKey(Channel.CONSOLE, "old-row"), services.clock()
    )
    await chat.say("你好")  # a profile row, as the dialog had before
    await db.execute(  # a row as written before sealing (i20_user_keys) in the old shape
        "UPDATE dialog_states SET flow = ?, version = ?, step = ?, data = ? WHERE user_id = ?",
        (FLOW, 1, Step.PAY_UNIT.value, json.dumps(OLD_PAY_UNIT), user.id),
    )
    state = await chat.state()
    assert state is not None
    assert OnboardingData.from_state(state).scratch.amount == 180
    await chat.say("/profile")
    assert chat.last[-1].text == t("onboarding.ask.pay_unit", amount="180")
    await chat.say("元/天")
    profile = await chat.profile()
    assert profile.pay is not None
    assert (profile.pay.min, profile.pay.unit) == (180, PayUnit.DAY)
    state = await chat.state()
    assert state is not None
    assert state.step != Step.PAY_UNIT.value
    assert OnboardingData.from_state(state).scratch == Scratch()
