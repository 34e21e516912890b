"""WeCom group robots: caseworker broadcasts as markdown job cards into a district's group.

A robot is a send-only webhook (`…/cgi-bin/webhook/send?key=KEY`, the key is a secret and never
logged). It takes 20 messages a minute; beyond that WeCom answers 130101 (or 45009) and may block
the robot for minutes, so the sender keeps its own sliding window per robot on an injectable
clock. Broadcasts reach whole groups, so phone numbers are masked before anything leaves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal

import httpx

from bot.channels.base import Pace, SendResult
from bot.channels.limits import WECOM_MARKDOWN_MAX_BYTES, WECOM_ROBOT_PER_MIN, WECOM_TEXT_MAX_BYTES
from bot.channels.wechat.render import utf8_truncate
from bot.delivery.errors import DeliveryError, Permanent, RateLimited, Transient, http_error
from handlers.texts import t
from matching.phones import mask_phones
from models.messages import Channel, Reply

log = logging.getLogger(__name__)

WINDOW_S = 60.0
# After 130101 the robot is blocked for a while (one report: 10 minutes); a minute is the least.
BLOCKED_RETRY_S = 60.0
DEFAULT_TIMEOUT_S = 10.0


def classify(status: int, body: Mapping[str, Any] | None) -> DeliveryError | None:
    """Map one robot webhook answer to an error, or None for success."""
    failed = http_error(status, body is not None)
    if failed is not None or body is None:
        return failed
    errcode = body.get("errcode", 0)
    if errcode == 0:
        return None
    detail = f"errcode {errcode}: {body.get('errmsg', '')}"
    if errcode in (130101, 45009):
        return RateLimited(BLOCKED_RETRY_S, detail)
    if errcode == -1:
        return Transient(detail)
    return Permanent(detail)  # 93000 bad key, 40058 bad content, …


def markdown_card(reply: Reply, lang: str = "zh") -> str:
    """A reply as WeCom markdown: the first line bold, phones masked, a how-to-apply footer."""
    lines = [line for line in mask_phones(reply.text).splitlines() if line.strip()]
    if not lines:
        return ""
    title, *rest = lines
    footer = f"> {t('wechat.robot.contact', lang)}"
    body = "\n".join([f"**{title}**", *rest])
    room = WECOM_MARKDOWN_MAX_BYTES - len(footer.encode("utf-8")) - 1
    return f"{utf8_truncate(body, room)}\n{footer}"


def text_card(reply: Reply, lang: str = "zh") -> str:
    """A reply as plain robot text (for groups whose clients do not show markdown)."""
    lines = [line for line in mask_phones(reply.text).splitlines() if line.strip()]
    if not lines:
        return ""
    footer = t("wechat.robot.contact", lang)
    room = WECOM_TEXT_MAX_BYTES - len(footer.encode("utf-8")) - 1
    return f"{utf8_truncate(chr(10).join(lines), room)}\n{footer}"


class RobotPacer:
    """At most `per_min` sends per robot in any 60 s, waiting (on the given clock) when full."""

    def __init__(
        self,
        per_min: int = WECOM_ROBOT_PER_MIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._per_min = per_min
        self._clock = clock
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def wait_turn(self, robot: str) -> None:
        """Return when `robot` may send one more message; counts it."""
        lock = self._locks.setdefault(robot, asyncio.Lock())
        async with lock:
            sent = self._sent.setdefault(robot, deque())
            while True:
                now = self._clock()
                while sent and now - sent[0] >= WINDOW_S:
                    sent.popleft()
                if len(sent) < self._per_min:
                    sent.append(now)
                    return
                await self._sleep(WINDOW_S - (now - sent[0]))

    def hold(self, robot: str, seconds: float) -> None:
        """After a 130101: count the robot full for `seconds` from now."""
        until = self._clock() + seconds - WINDOW_S
        self._sent[robot] = deque([until] * self._per_min)


class WeComRobotSender:
    """Sends markdown cards to the WeCom group robot of a district (the address)."""

    channel = Channel.WECOM
    # 20 messages a minute per robot = one every 3 s; the pacer enforces the window exactly.
    pace = Pace(global_per_s=None, per_recipient_s=WINDOW_S / WECOM_ROBOT_PER_MIN)

    def __init__(
        self,
        robots: Mapping[str, str],
        *,
        pacer: RobotPacer | None = None,
        http: httpx.AsyncClient | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        lang: str = "zh",
        msgtype: Literal["markdown", "text"] = "markdown",
    ) -> None:
        self._robots = dict(robots)
        self._pacer = pacer or RobotPacer()
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout_s)
        self._lang = lang
        self._msgtype = msgtype

    @property
    def districts(self) -> list[str]:
        """The districts that have a robot."""
        return sorted(self._robots)

    async def aclose(self) -> None:
        """Close the HTTP connections this sender opened."""
        if self._owns_http:
            await self._http.aclose()

    async def send(self, address: str, reply: Reply) -> SendResult:
        """Post one card into the district's group, waiting for the robot's per-minute budget."""
        url = self._robots.get(address)
        if url is None:
            raise Permanent(f"no WeCom robot configured for {address}")
        render = markdown_card if self._msgtype == "markdown" else text_card
        content = render(reply, self._lang)
        if not content:
            raise Permanent("empty card")
        await self._pacer.wait_turn(address)
        body = {"msgtype": self._msgtype, self._msgtype: {"content": content}}
        try:
            response = await self._http.post(
                url,
                content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except httpx.TimeoutException as exc:
            raise Transient(f"timeout posting to the {address} robot") from exc
        except httpx.TransportError as exc:
            raise Transient(f"network error posting to the {address} robot") from exc
        try:
            decoded = response.json()
        except ValueError:
            decoded = None
        error = classify(response.status_code, decoded if isinstance(decoded, dict) else None)
        if isinstance(error, RateLimited):
            self._pacer.hold(address, error.retry_after)
            log.warning("WeCom robot of %s is over its limit: %s", address, error)
        if error is not None:
            raise error
        return SendResult()
