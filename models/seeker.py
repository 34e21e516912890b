"""A job seeker's profile: the 登记表 fields that matching needs, and no ID number."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from models.messages import Location
from models.values import Pay, WorkForm


@dataclass(frozen=True, slots=True)
class SeekerProfile:
    """What the onboarding dialog collects; partly filled profiles are normal and stored too."""

    user_id: int
    work_form: WorkForm | None = None
    categories: tuple[str, ...] = ()  # form codes "A".."Q"
    other_category: str | None = None  # 其他 (free text)
    pay: Pay = field(default_factory=Pay)
    pay_hard: bool = False  # the seeker made the pay floor a hard requirement
    daily_settlement_only: bool = False  # 只要日结: a hard gate the seeker set
    districts: tuple[str, ...] = ()
    max_km: float | None = None
    location: Location | None = None  # only with consent; otherwise districts only
    education: str | None = None
    skills: str | None = None
    experience: str | None = None
    needs: tuple[str, ...] = ()  # 补贴申领 / 职业指导 / 技能培训 / 创业培训
    age: int | None = None  # as the seeker stated it ("我68岁了")
    gender: str | None = None  # 男 / 女, only when stated
    benefits: tuple[str, ...] = ()  # wanted: 包吃, 包住, 五险 …
    consent: bool | None = None  # consent to receive job pushes
    wish: str | None = None  # the free-text wishes as the seeker wrote them
    paused: bool = False
    status: str = "active"  # active / employed / closed
    status_detail: str | None = None
    quiet_start: int = 22  # quiet hours, local hour [start, end)
    quiet_end: int = 7
    daily_cap: int = 5
    digest_hour: int | None = None  # digest mode when set
    # learned from feedback (太远, 工资低)
    penalties: dict[str, float] = field(default_factory=dict)
    completed_at: datetime | None = None
    updated_at: datetime | None = None

    def with_(self, **changes: Any) -> SeekerProfile:
        """A copy with some fields changed (frozen dataclasses are edited by copy)."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The stored profile as JSON, fields in English, values as stored."""
        return {
            "work_form": self.work_form.value if self.work_form else None,
            "categories": list(self.categories),
            "other_category": self.other_category,
            "pay": self.pay.to_json(),
            "pay_hard": self.pay_hard,
            "daily_settlement_only": self.daily_settlement_only,
            "districts": list(self.districts),
            "max_km": self.max_km,
            "location": (
                {"lat": self.location.lat, "lon": self.location.lon} if self.location else None
            ),
            "education": self.education,
            "skills": self.skills,
            "experience": self.experience,
            "needs": list(self.needs),
            "age": self.age,
            "gender": self.gender,
            "benefits": list(self.benefits),
            "consent": self.consent,
            "wish": self.wish,
            "paused": self.paused,
            "status": self.status,
            "quiet_hours": [self.quiet_start, self.quiet_end],
            "daily_cap": self.daily_cap,
            "digest_hour": self.digest_hour,
            "completed": self.completed_at is not None,
        }
