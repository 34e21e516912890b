"""Timestamps are stored as ISO-8601 UTC text; local time is Asia/Shanghai (UTC+8, no DST)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

LOCAL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def utcnow() -> datetime:
    """The real clock; code that must be testable takes `now` instead of calling this."""
    return datetime.now(UTC)


def to_db(value: datetime | None) -> str | None:
    """Aware datetime -> sortable ISO text in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(value: str | None) -> datetime | None:
    """Inverse of `to_db`."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def local(value: datetime) -> datetime:
    """The same instant in China's local time."""
    return value.astimezone(LOCAL_TZ)


def from_db_required(value: str) -> datetime:
    """Inverse of `to_db` for NOT NULL columns."""
    parsed = from_db(value)
    if parsed is None:
        raise ValueError("empty timestamp in a NOT NULL column")
    return parsed


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a YYYY-MM month in Tianjin local time; ValueError when malformed."""
    year_text, sep, month_text = month.partition("-")
    if not sep or len(year_text) != 4 or not (year_text + month_text).isdigit():
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    year, mon = int(year_text), int(month_text)
    start = datetime(year, mon, 1, tzinfo=LOCAL_TZ)
    return start, datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=LOCAL_TZ)
