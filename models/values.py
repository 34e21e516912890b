"""Small value types shared by seekers and postings: pay, work forms, categories."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PayUnit(StrEnum):
    """Pay as stated; kept as stated and normalised only for comparison."""

    MONTH = "month"
    DAY = "day"
    HOUR = "hour"
    PIECE = "piece"
    YEAR = "year"  # 年薪: kept as stated, a twelfth of it a month when compared


# A month is about 21.75 working days and a working day 8 hours (DESIGN.md; 劳动法 figures).
WORKDAYS_PER_MONTH = 21.75
HOURS_PER_DAY = 8.0


@dataclass(frozen=True, slots=True)
class Pay:
    """Stated pay. Both bounds None means 面议 (unknown), never zero."""

    min: float | None = None
    max: float | None = None
    unit: PayUnit | None = None
    negotiable: bool = False  # 面议
    period: str | None = None  # settlement: 日结 / 周结 / 月结 / 完工结

    @property
    def has_figure(self) -> bool:
        """Whether a bound is stated at all (a unit alone, 日结 or 面议 is not a figure)."""
        return self.min is not None or self.max is not None

    @property
    def known(self) -> bool:
        """Whether any figure is stated with its unit (面议 and empty pay are unknown)."""
        return self.unit is not None and self.has_figure

    def monthly(self, which: str = "min") -> float | None:
        """Monthly equivalent of the lower (or upper) bound; None when unknown or piece-rate."""
        value = self.min if which == "min" else self.max
        if value is None:
            value = self.max if which == "min" else self.min
        if value is None or self.unit is None:
            return None
        factor = {
            PayUnit.MONTH: 1.0,
            PayUnit.DAY: WORKDAYS_PER_MONTH,
            PayUnit.HOUR: WORKDAYS_PER_MONTH * HOURS_PER_DAY,
            PayUnit.YEAR: 1 / 12,
        }.get(self.unit)
        return None if factor is None else value * factor

    def to_json(self) -> dict[str, object]:
        """The JSON form used by the CLI and storage (`{"min": 150, "unit": "day"}`)."""
        out: dict[str, object] = {}
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        if self.unit is not None:
            out["unit"] = self.unit.value
        if self.negotiable:
            out["negotiable"] = True
        if self.period:
            out["period"] = self.period
        return out

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> Pay:
        """Inverse of `to_json`; tolerant of missing keys."""
        if not data:
            return cls()
        unit = data.get("unit")
        return cls(
            min=_num(data.get("min")),
            max=_num(data.get("max")),
            unit=PayUnit(str(unit)) if unit else None,
            negotiable=bool(data.get("negotiable", False)),
            period=str(data["period"]) if data.get("period") else None,
        )


def _num(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return float(str(value))


class WorkForm(StrEnum):
    """就业形式 from the registration form."""

    STABLE = "稳定就业"
    FLEXIBLE = "灵活就业"
    SELF = "自主创业"


class Role(StrEnum):
    """What a chat identity may do; staff roles are allow-listed by an admin."""

    SEEKER = "seeker"
    EMPLOYER = "employer"
    CASEWORKER = "caseworker"
    ADMIN = "admin"


NEEDS = ("补贴申领", "职业指导", "技能培训", "创业培训")
EDUCATION_LEVELS = ("小学及以下", "初中", "高中/中专/技校", "大专", "本科", "硕士及以上")
