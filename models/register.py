"""The seeker register (失业登记名单) that caseworkers import, and its statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class RegisterStatus(StrEnum):
    """Where a registered person stands; CLOSED carries one of `CLOSE_REASONS`."""

    REGISTERED = "registered"  # still looking (未就业)
    EMPLOYED = "employed"  # 已就业, detail: 单位就业 / 灵活就业 / 自主创业
    UNREACHABLE = "unreachable"  # 联系不到 after failed attempts
    CLOSED = "closed"  # 注销


EMPLOYMENT_WAYS = ("单位就业", "灵活就业", "自主创业")
CLOSE_REASONS = (
    "已就业",
    "已退休",
    "入学/服兵役/移居境外",
    "拒绝服务3次",
    "超过6个月未联系",
    "联系不上",
    "死亡",
    "其他",
)
# Contact methods of the 联系服务记录 and the outcome words a contact may carry.
CONTACT_METHODS = ("电话", "短信", "微信", "上门", "Telegram")
REACHED = "reached"
UNREACHED = "unreachable"


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One person on a caseworker's list; `user_id` is set once they start the bot."""

    id: int | None
    name: str
    phone: str | None = None
    gender: str | None = None
    education: str | None = None
    skills: str | None = None
    registered_on: date | None = None  # 失业登记时间
    address: str | None = None
    district: str | None = None
    wish: str | None = None  # 就业意向
    street: str | None = None  # 街道
    community: str | None = None  # 社区
    user_id: int | None = None
    invite_code: str | None = None
    status: RegisterStatus = RegisterStatus.REGISTERED
    status_detail: str | None = None
    status_at: datetime | None = None
    failed_attempts: int = 0
    imported_at: datetime | None = None
