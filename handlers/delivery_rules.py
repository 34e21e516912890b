"""The delivery rules: the pure step between "load due rows" and "apply verdicts".

The dispatcher's claim loads and locks a batch of due rows (models/repos), `decide_batch` turns
them into verdicts here, and the same transaction writes them. Per push, in order: the posting
must still be open; the seeker must be reachable, consenting, looking and not paused; a
near-duplicate never goes twice; digest mode collects pushes for the digest hour; quiet hours
defer; beyond the daily cap pushes wait for the next digest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from handlers.context import Policy
from models.delivery import DeliveryState
from models.dispatch import Action, Candidate, Hold, Item, Kind, Recipient, Verdict
from models.posting import PostingStatus
from models.timeutil import LOCAL_TZ

# A row whose worker stopped this many times is poison (it may be what stops the worker).
MAX_RECOVERIES = 10
# Without a digest hour of their own, a seeker's overflow digest goes out at 08:00 local time:
# after the default quiet hours (until 07:00), before most gig work starts.
DEFAULT_DIGEST_HOUR = 8
# At most this many jobs in one digest message: WeChat text stops at 2,048 bytes and six
# compact entries (title, place, pay, reason) stay well inside it.
DIGEST_MAX_ITEMS = 6


def in_quiet_hours(now: datetime, start: int, end: int) -> bool:
    """Whether the local hour lies in [start, end); a window may wrap midnight (22–7)."""
    hour = now.astimezone(LOCAL_TZ).hour
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def next_local_hour(now: datetime, hour: int) -> datetime:
    """The next time the local clock shows `hour`:00 (today if still ahead, else tomorrow)."""
    here = now.astimezone(LOCAL_TZ)
    at = here.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= here:
        at += timedelta(days=1)
    return at


def next_digest_at(now: datetime, recipient: Recipient, policy: Policy) -> datetime:
    """When the seeker's next digest goes out: their digest hour, moved out of quiet hours."""
    start, end = quiet_hours(recipient, policy)
    hour = recipient.digest_hour if recipient.digest_hour is not None else DEFAULT_DIGEST_HOUR
    at = next_local_hour(now, hour)
    if in_quiet_hours(at, start, end):
        at = next_local_hour(at, end)
    return at


def quiet_hours(recipient: Recipient, policy: Policy) -> tuple[int, int]:
    """The seeker's own quiet hours, else the policy's default (22:00–07:00)."""
    start = recipient.quiet_start if recipient.quiet_start is not None else policy.quiet_start
    end = recipient.quiet_end if recipient.quiet_end is not None else policy.quiet_end
    return start, end


class Families:
    """Near-duplicate families already going to each seeker: a posting is a near-duplicate of
    another when both share a dup root (`dup_of`, else their own id) or the same text hash."""

    def __init__(self) -> None:
        self._seen: set[tuple[int, str, object]] = set()

    @staticmethod
    def _keys(user_id: int, group: tuple[int, str | None]) -> set[tuple[int, str, object]]:
        root, text_hash = group
        keys: set[tuple[int, str, object]] = {(user_id, "root", root)}
        if text_hash:
            keys.add((user_id, "hash", text_hash))
        return keys

    def going(self, user_id: int, item: Item) -> bool:
        """Whether a near-duplicate of `item` already goes to this seeker."""
        return bool(self._keys(user_id, item.group) & self._seen)

    def add(self, user_id: int, item: Item) -> None:
        """`item` goes to this seeker: its near-duplicates do not."""
        self._seen |= self._keys(user_id, item.group)


def decide_batch(
    candidates: Sequence[Candidate], pushes_today: Mapping[int, int], now: datetime, policy: Policy
) -> list[Verdict]:
    """Verdicts for one claimed batch, in order: a push sent earlier in the batch counts towards
    its seeker's daily cap, and its near-duplicates later in the batch are suppressed."""
    pushed = dict(pushes_today)
    families = Families()
    verdicts = []
    for c in candidates:
        uid = c.recipient.user_id
        if c.kind != Kind.DELIVERY:
            verdicts.append(decide(c, now, 0, policy))
            continue
        item = c.items[0]
        if families.going(uid, item):
            c = replace(c, items=(replace(item, near_duplicate_sent=True),))
        verdict = decide(c, now, pushed.get(uid, 0), policy)
        if verdict.action == Action.SEND:
            pushed[uid] = pushed.get(uid, 0) + 1
            families.add(uid, item)
        verdicts.append(verdict)
    return verdicts


def decide(c: Candidate, now: datetime, pushes_today: int, policy: Policy) -> Verdict:
    """The verdict for one due push, digest or notice."""
    if c.recoveries > MAX_RECOVERIES:
        return _end(DeliveryState.FAILED, "recovery_limit")
    if c.kind == Kind.NOTICE:
        return _notice(c, now, policy)
    if c.kind == Kind.DIGEST:
        return _digest(c, now, policy)
    item = c.items[0]
    ended = _posting_ended(item, now)
    if ended is not None:
        return _end(DeliveryState.EXPIRED, ended)
    refused = _refusal(c.recipient)
    if refused is not None:
        return _end(DeliveryState.SUPPRESSED, refused)
    if item.near_duplicate_sent:
        return _end(DeliveryState.SUPPRESSED, "near_duplicate")
    r = c.recipient
    if r.digest_hour is not None:
        return Verdict(Action.DIGEST, outcome="digest_mode", due_at=next_digest_at(now, r, policy))
    quiet = _quiet(r, now, policy)
    if quiet is not None:
        return quiet
    cap = r.daily_cap if r.daily_cap is not None else policy.daily_cap
    if pushes_today >= cap:
        return Verdict(Action.DIGEST, outcome="daily_cap", due_at=next_digest_at(now, r, policy))
    return Verdict(Action.SEND)


def _digest(c: Candidate, now: datetime, policy: Policy) -> Verdict:
    """A digest goes with its still-open members, best first; an empty one ends."""
    refused = _refusal(c.recipient)
    if refused is not None:
        return _end(DeliveryState.SUPPRESSED, refused)
    waited = _waited_in_vain(c) or _quiet(c.recipient, now, policy)
    if waited is not None:
        return waited
    drop: list[tuple[int, DeliveryState, str]] = []
    keep: list[Item] = []
    families = Families()
    uid = c.recipient.user_id
    for item in sorted(c.items, key=lambda i: -i.score):
        ended = _posting_ended(item, now)
        if ended is not None:
            drop.append((item.delivery_id, DeliveryState.EXPIRED, ended))
        elif item.near_duplicate_sent or families.going(uid, item):
            drop.append((item.delivery_id, DeliveryState.SUPPRESSED, "near_duplicate"))
        elif len(keep) >= DIGEST_MAX_ITEMS:
            drop.append((item.delivery_id, DeliveryState.SUPPRESSED, "digest_overflow"))
        else:
            keep.append(item)
            families.add(uid, item)
    if not keep:
        return Verdict(
            Action.END, state=DeliveryState.SUPPRESSED, outcome="digest_empty", drop=tuple(drop)
        )
    return Verdict(Action.SEND, include=tuple(i.delivery_id for i in keep), drop=tuple(drop))


def _notice(c: Candidate, now: datetime, policy: Policy) -> Verdict:
    """Notices to posters and caseworkers only respect subscription and quiet hours."""
    if not c.recipient.subscribed:
        return _end(DeliveryState.SUPPRESSED, "unsubscribed")
    waited = _waited_in_vain(c) or _quiet(c.recipient, now, policy)
    if waited is not None:
        return waited
    return Verdict(Action.SEND)


def _quiet(r: Recipient, now: datetime, policy: Policy) -> Verdict | None:
    """In the recipient's quiet hours a row waits for their end."""
    start, end = quiet_hours(r, policy)
    if not in_quiet_hours(now, start, end):
        return None
    return Verdict(
        Action.DEFER, outcome="quiet_hours", due_at=next_local_hour(now, end), hold=Hold.QUIET
    )


def _waited_in_vain(c: Candidate) -> Verdict | None:
    """A digest or notice held WINDOW_HOLD for the user's next WeChat message that never came:
    nothing reaches them now."""
    if c.hold == Hold.WINDOW and not c.user_wrote:
        return _end(DeliveryState.EXPIRED, "window_closed")
    return None


def _refusal(r: Recipient) -> str | None:
    """Why this seeker gets no push at all now, if they do not."""
    if not r.subscribed:
        return "unsubscribed"
    if not r.has_profile:
        return "no_profile"
    if r.consent is not True:
        return "no_consent"
    if r.status != "active":
        return f"seeker_{r.status}"  # seeker_employed / seeker_closed
    if r.paused:
        return "paused"
    return None


def _posting_ended(item: Item, now: datetime) -> str | None:
    """Why the posting is no longer pushed, if it is not."""
    if item.posting_status != PostingStatus.PUBLISHED.value:
        return f"posting_{item.posting_status}"  # posting_closed / posting_expired / …
    if item.posting_expires_at is not None and item.posting_expires_at <= now:
        return "posting_expired"
    return None


def _end(state: DeliveryState, outcome: str) -> Verdict:
    return Verdict(Action.END, state=state, outcome=outcome)
