"""Values passed between the outbox repositories, the dispatch-time controls and the dispatcher.

A claimed row is one of three kinds: a job push (`deliveries`), a digest grouping several job
pushes, or a notice to a poster or caseworker (both in `outbox`). The controls turn a `Candidate`
into a `Verdict`; the dispatcher turns a send into an `Outcome`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from models.delivery import DeliveryState
from models.messages import Reply

# The PostgreSQL NOTIFY channel that says "rows became due": the transactions that queue pushes,
# notices or released digests notify it at commit, and every dispatcher listens (issue 20).
DUE_TOPIC = "yizhan_due"


class Kind(StrEnum):
    """Which table a claimed row lives in and how it is rendered."""

    DELIVERY = "delivery"
    DIGEST = "digest"
    NOTICE = "notice"


class Action(StrEnum):
    """What the dispatch-time controls decided for a due row."""

    SEND = "send"  # lease it and send now
    DEFER = "defer"  # back to queued until `due_at` (quiet hours)
    DIGEST = "digest"  # a job push joins the seeker's next digest
    END = "end"  # a terminal state with its reason


class Hold(StrEnum):
    """Why a queued row waits (the `hold` column)."""

    QUIET = "quiet"
    RETRY = "retry"
    RATE = "rate"
    WINDOW = "window"  # WeChat window closed: waits for the user's next message
    DIGEST = "digest"  # a job push inside a digest


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a row goes to and the controls they set; profile fields are None without a profile."""

    user_id: int
    address: str  # the channel's user id
    lang: str
    subscribed: bool
    has_profile: bool = False
    consent: bool | None = None
    paused: bool = False
    status: str = "active"
    quiet_start: int | None = None
    quiet_end: int | None = None
    daily_cap: int | None = None
    digest_hour: int | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One job inside a push or a digest, with what the controls check about its posting."""

    delivery_id: int
    posting_id: int
    score: float
    reason: str
    posting_status: str
    posting_expires_at: datetime | None
    near_duplicate_sent: bool  # a near-duplicate of this posting already reached the seeker
    group: tuple[int, str | None] = (0, None)  # (dup root posting id, text hash)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A due row (or one whose lease expired) with everything the controls need."""

    kind: Kind
    id: int
    recipient: Recipient
    hold: Hold | None
    attempts: int
    recoveries: int  # claims lost by stopped workers, counting this recovery
    recovered: bool  # it was `sending` under an expired lease
    items: tuple[Item, ...] = ()  # a push: one; a digest: its queued members
    reply: Reply | None = None  # a notice's stored text
    user_wrote: bool = False  # the user wrote since a WeChat window hold began


@dataclass(frozen=True, slots=True)
class Verdict:
    """The controls' decision for one candidate."""

    action: Action
    state: DeliveryState | None = None  # END: the terminal state
    outcome: str | None = None  # END: the reason; DEFER: what it waits for
    due_at: datetime | None = None  # DEFER and DIGEST: when it is due again
    hold: Hold | None = None
    include: tuple[int, ...] = ()  # a digest's members that go out in it
    drop: tuple[tuple[int, DeliveryState, str], ...] = ()  # members ended now, with reasons


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row leased to one worker until its lease ends; `token` proves the lease."""

    kind: Kind
    id: int
    token: str
    recipient: Recipient
    attempts: int
    items: tuple[Item, ...] = ()
    reply: Reply | None = None

    @property
    def key(self) -> str:
        """The idempotency key: the same across retries and restarts of this row."""
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one send: the row's next state and a line of attempt history."""

    claimed: Claimed
    state: DeliveryState  # SENT, a terminal state, or QUEUED for a retry
    outcome: str  # the reason (terminal) or the last error (queued)
    attempt: str  # history label: sent / transient / rate_limited / window_closed / gone / ...
    counted: bool = True  # whether it counts towards the attempt limit
    due_at: datetime | None = None  # QUEUED: when to try again
    hold: Hold | None = None
    message_id: str | None = None
    unsubscribe: bool = False  # the recipient is gone: suppress everything else queued for them


@dataclass(frozen=True, slots=True)
class ReachStats:
    """How far a posting got: what its poster and caseworkers see."""

    posting_id: int
    matched: int  # deliveries created
    sent: int  # seekers it reached (alone or in a digest)
    waiting: int  # queued or being sent
    suppressed: int
    expired: int
    failed: int
    interested: int
    not_interested: int
    found_job: int
    reported_full: int

    @property
    def reached(self) -> int:
        """Seekers who got the posting."""
        return self.sent
