"""Outbox rows: one delivery per (seeker, posting), and the contact records of follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DeliveryState(StrEnum):
    """Outbox states; SENT, FAILED, EXPIRED and SUPPRESSED are terminal and carry a reason."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    SUPPRESSED = "suppressed"


TERMINAL_STATES = frozenset(
    {DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.EXPIRED, DeliveryState.SUPPRESSED}
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A push of one posting to one seeker through the seeker's channel."""

    id: int
    seeker_user_id: int
    posting_id: int
    state: DeliveryState
    score: float
    reason: str  # the one-line 推荐理由
    due_at: datetime
    attempts: int = 0
    outcome: str | None = None  # why it ended as it did (terminal reason) or last error
    digest: bool = False
    created_at: datetime | None = None
    sent_at: datetime | None = None
    push_bars: str = ""  # the push bars the pair cleared ("trade:category place:district …")


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One follow-up contact (联系服务记录): date, method, content, staff."""

    id: int | None
    user_id: int | None
    at: datetime
    method: str  # 电话 / 短信 / 微信 / 上门 / Telegram
    content: str
    staff: str = "系统"
    register_id: int | None = None
    outcome: str | None = None
