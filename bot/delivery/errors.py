"""Delivery errors: one small hierarchy, mapped from each platform in one place.

DeliveryError
  + RateLimited(retry_after)        # TG 429, WeChat 45009 (quota), WeCom 130101
  + RecipientGone                   # TG 403 blocked; WeChat 43004 unfollowed -> stop pushing
  + WindowClosed                    # WeChat 45015: outside 48 h -> policy (wait / subscription)
  + Transient                       # 5xx, timeout, network -> retry with backoff
  + Permanent                       # malformed request, bad config -> fail with reason
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DeliveryError(Exception):
    """A send did not go through; the subclass tells the dispatcher what to do."""


class RateLimited(DeliveryError):
    """The platform asked us to wait `retry_after` seconds."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class RecipientGone(DeliveryError):
    """The user blocked the bot or unfollowed: unsubscribe them."""


class WindowClosed(DeliveryError):
    """WeChat's 48-hour customer-service window is closed for this user."""


class Transient(DeliveryError):
    """Worth retrying later (5xx, timeout, connection reset)."""


class Permanent(DeliveryError):
    """Retrying will not help (bad request, missing template)."""


def http_error(status: int, is_json: bool) -> DeliveryError | None:
    """The HTTP half of a JSON platform's `classify`; None means "read the errcode next"."""
    if status >= 500 or status == 429:
        return Transient(f"HTTP {status}")
    if status >= 400:
        return Permanent(f"HTTP {status}")
    if not is_json:
        return Transient("answer is not JSON")
    return None


def errcode_of(
    status: int, body: Mapping[str, Any] | None
) -> tuple[DeliveryError | None, int, str]:
    """The shared first half of WeChat's and WeCom's `classify`: the HTTP error if any, else the
    answer's errcode (0 = success) and the detail to report it with."""
    failed = http_error(status, body is not None)
    if failed is not None or body is None:
        return failed, 0, ""
    errcode = body.get("errcode", 0)
    if not isinstance(errcode, int):
        errcode = 0
    return None, errcode, f"errcode {errcode}: {body.get('errmsg', '')}"
