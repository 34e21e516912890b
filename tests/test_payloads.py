"""Typed button payloads: the wire format of buttons already sent parses and packs the same."""

import pytest

from handlers.payloads import (
    MAX_BYTES,
    AccountButton,
    BroadcastButton,
    CheckInButton,
    Feedback,
    FeedbackKind,
    JobsPage,
    ModerationButton,
    OnboardingButton,
    PostButton,
    PostingControl,
)

# Payloads as buttons sent before the typed classes carried them (stored in the outbox and in
# WeChat's numbered choices): each must unpack to this value and pack back to the same text.
WIRE = [
    ("fb:12:interested", Feedback(12, FeedbackKind.INTERESTED)),
    ("fb:12:not", Feedback(12, FeedbackKind.NOT)),
    ("fb:12:not:far", Feedback(12, FeedbackKind.NOT, "far")),
    ("fb:7:again", Feedback(7, FeedbackKind.AGAIN)),
    ("pc:12:close", PostingControl(12, "close")),
    ("jobs:2", JobsPage(2)),
    ("bc:12:both", BroadcastButton(12, "both")),
    ("mod:approve:12", ModerationButton("approve", "12")),
    ("acct:lang:en", AccountButton("lang", "en")),
    ("ci:found", CheckInButton("found")),
    ("ci:way:灵活就业", CheckInButton("way", "灵活就业")),
    ("post:negotiable", PostButton("negotiable")),
    ("ob:cat:A", OnboardingButton("cat", "A")),
    ("ob:skills:", OnboardingButton("skills", "")),
]


@pytest.mark.parametrize(("wire", "value"), WIRE)
def test_the_wire_format_round_trips(wire, value):
    assert type(value).unpack(wire) == value
    assert value.pack() == wire


@pytest.mark.parametrize(
    "wire", ["", "fb", "fb:x:not", "fb:12:maybe", "fb:12:not:far:more", "pc:12:close", "fb:١٢:not"]
)
def test_stale_or_forged_feedback_is_none(wire):
    assert Feedback.unpack(wire) is None


def test_a_payload_beyond_telegrams_64_bytes_is_refused_when_packed():
    assert len(CheckInButton("way", "就" * 18).pack().encode()) <= MAX_BYTES
    with pytest.raises(ValueError, match="64 bytes"):
        CheckInButton("way", "就" * 20).pack()


def test_a_value_holding_the_separator_is_refused():
    with pytest.raises(ValueError, match="contains"):
        OnboardingButton("cat", "a:b").pack()
