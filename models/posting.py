"""A job or gig posting, as structured after parsing, with its trust and risk."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from models.values import Pay


class PostingStatus(StrEnum):
    """Life of a posting; only PUBLISHED postings are matched and pushed."""

    DRAFT = "draft"  # employer has not confirmed yet
    PENDING = "pending"  # waiting for a caseworker (moderation or risk hold)
    PUBLISHED = "published"
    REJECTED = "rejected"
    CLOSED = "closed"  # 已招满 / closed by poster or caseworker
    EXPIRED = "expired"


class Trust(StrEnum):
    """Where a posting came from; verified > employer self-posted > relayed > imported feed."""

    VERIFIED = "verified"
    EMPLOYER = "employer"
    RELAYED = "relayed"
    IMPORTED = "imported"


@dataclass(frozen=True, slots=True)
class Posting:
    """A structured posting. `external_id` is the importer's id; `id` is ours."""

    id: int | None
    title: str
    description: str = ""
    external_id: str | None = None
    source: str | None = None
    categories: tuple[str, ...] = ()
    category_confidence: float = 0.0
    district: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    pay: Pay = field(default_factory=Pay)
    work_form: str | None = None  # 全职 / 兼职 / 零工 (or 稳定就业/灵活就业 mapped)
    contact: str | None = None
    phones: tuple[str, ...] = ()
    headcount: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    gender: str | None = None
    benefits: tuple[str, ...] = ()
    start: str | None = None
    trust: Trust = Trust.IMPORTED
    risk_score: float = 0.0
    risk_reasons: tuple[str, ...] = ()
    status: PostingStatus = PostingStatus.PUBLISHED
    poster_user_id: int | None = None
    original_text: str | None = None
    text_hash: str | None = None
    dup_of: int | None = None
    seen_count: int = 1
    created_at: datetime | None = None
    published_at: datetime | None = None
    expires_at: datetime | None = None
    verified_at: datetime | None = None

    def with_(self, **changes: Any) -> Posting:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def text(self) -> str:
        """Title and description together: what the encoder and lexical scorer read."""
        return f"{self.title}\n{self.description}".strip()
