"""Customer-group digests (#21): sync the groups, plan and preview a group's digest, create it
as a WeCom mass-send task for the owner to confirm, and read the results back.

What a digest lists is decided in `matching.group_digest` (the push bars, the group's own
district, nothing it had before, best first); how often is the monthly receive cap spread over
the month, at most one a day. The day is reserved in storage before WeCom is called, so two
clicks or two workers never create two tasks; a refused task frees the day again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot.channels.wechat.render import utf8_truncate
from bot.channels.wecom.api import GroupGone, open_app_api
from bot.channels.wecom.groups import TEXT_MAX_BYTES, GroupsApi, group_scene
from bot.channels.wecom_kf.link import kf_link
from bot.delivery.errors import DeliveryError
from bot.settings import Settings
from handlers import language
from handlers.caseworker.group_post import job_code
from handlers.context import Services
from handlers.services.cards import pay_text
from handlers.texts import t
from matching.group_digest import (
    GroupTags,
    digest_postings,
    may_send_today,
    monthly_cap,
    trade_names,
)
from matching.phones import mask_phones
from matching.push_rules import PushRules
from models.posting import Posting
from models.repos.customer_groups import CustomerGroup, GroupDigest
from models.timeutil import local

log = logging.getLogger(__name__)

# A digest entry shows the start of the description (phones masked); the rest is one message
# to the 微信客服 away. Six entries of about 150 bytes each stay far inside the 4,000 bytes.
DESCRIPTION_CHARS = 40


@dataclass(frozen=True, slots=True)
class DigestConfig:
    """The digest settings (built from Settings at the edge)."""

    kf_url: str | None = None
    monthly_cap: int | None = None  # None: as many as the month has days
    size: int = 6
    lang: str = "zh"


@dataclass(frozen=True, slots=True)
class DigestPlan:
    """Today's digest of one group, or why it has none (`refusal`, a catalogue key)."""

    group: CustomerGroup
    postings: tuple[Posting, ...]
    text: str
    link: str
    refusal: str | None = None
    cap: int = 0  # the month's receive cap, for the refusal text


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What a sync found."""

    groups: int
    dissolved: int


class GroupDigests:
    """The caseworker's operations on customer groups, over storage and the WeCom API."""

    def __init__(self, services: Services, api: GroupsApi | None, config: DigestConfig) -> None:
        self._services = services
        self._api = api
        self._config = config
        self.repo = services.repos.customer_groups

    async def audit(self, actor: str, action: str, target: str | None, detail: str) -> None:
        """Record a caseworker's action on the groups in the audit log."""
        await self._services.audit.record(actor, action, allowed=True, target=target,
                                          detail=detail, now=self._services.clock())  # fmt: skip

    def _need_api(self) -> GroupsApi:
        if self._api is None:
            raise DeliveryError(t("groups.no_wecom", self._config.lang))
        return self._api

    async def sync(self) -> SyncReport:
        """Fetch every customer group (cursor pages) and its details; a group WeCom no longer
        lists, or dissolved between the list and its details, is marked dissolved."""
        api = self._need_api()
        synced = []
        for chat_id in await api.chat_ids():
            try:
                synced.append(await api.group(chat_id))
            except GroupGone:
                continue  # left out of `synced`, so save_synced marks it
        await self.repo.save_synced(synced, self._services.clock())
        dissolved = sum(g.dissolved for g in await self.repo.all())
        return SyncReport(len(synced), dissolved)

    async def plan(self, chat_id: str) -> DigestPlan | None:
        """Today's digest for a group as it would be sent (None: no such group)."""
        group = await self.repo.get(chat_id)
        if group is None:
            return None
        now = self._services.clock()
        link = self._link(chat_id)
        refusal = await self._refusal(group, link, now)
        cap = monthly_cap(self._config.monthly_cap, local(now).date())
        if group.district is None or (refusal is not None and refusal != "groups.refuse.today"):
            return DigestPlan(group, (), "", link, refusal, cap)
        tags = GroupTags(group.district, group.trades)
        ids = await self.repo.live_posting_ids(group.district, now)
        found = await self._services.postings.many(ids)
        rules = PushRules(
            service_area=self._services.policy.service_area,
            risk_hold_threshold=self._services.policy.risk_hold_threshold,
        )
        sent = await self.repo.sent_posting_ids(chat_id)
        chosen = digest_postings(tags, found.values(), sent, rules, now, self._config.size)
        text, listed = self._compose(group, chosen, link, now)
        if refusal is None and not listed:
            refusal = "groups.refuse.empty"
        return DigestPlan(group, tuple(listed), text, link, refusal, cap)

    def _link(self, chat_id: str) -> str:
        """The group's 微信客服 link, or "" without a usable `kf_url` (no digest then)."""
        if not self._config.kf_url:
            return ""
        try:
            return kf_link(self._config.kf_url, group_scene(chat_id))
        except ValueError as exc:
            log.warning("YIZHAN_WECOM_KF_URL is not a 微信客服 link: %s", exc)
            return ""

    async def _refusal(self, group: CustomerGroup, link: str, now: datetime) -> str | None:
        if group.dissolved:
            return "groups.refuse.dissolved"
        if group.district is None:
            return "groups.refuse.untagged"
        if not link:
            return "groups.refuse.no_link"
        day = local(now).date()
        used = await self.repo.digests_since(group.chat_id, day.replace(day=1).isoformat())
        today = await self.repo.digests_since(group.chat_id, day.isoformat()) > 0
        cap = monthly_cap(self._config.monthly_cap, day)
        if today:
            return "groups.refuse.today"
        if not may_send_today(cap, day, used, today):
            return "groups.refuse.cap" if used >= cap else "groups.refuse.spread"
        return None

    def _compose(
        self, group: CustomerGroup, postings: list[Posting], link: str, now: datetime
    ) -> tuple[str, list[Posting]]:
        """The digest text within WeCom's 4,000 bytes: as many of the best as fit, masked."""
        lang = self._config.lang
        today = local(now)
        head = t("groups.digest.header", lang, name=group.name, district=group.district,
                 trades=trade_names(group.trades, lang) or t("groups.any_trade", lang),
                 date=f"{today.month}/{today.day}")  # fmt: skip
        foot = "\n".join([t("groups.digest.footer", lang, link=link),
                          t("delivery.card.safety", lang)])  # fmt: skip
        lines, listed = [head], []
        for n, posting in enumerate(postings, start=1):
            entry = self._entry(n, posting)
            candidate = "\n".join([*lines, entry, foot])
            if len(candidate.encode("utf-8")) > TEXT_MAX_BYTES:
                break
            lines.append(entry)
            listed.append(posting)
        text = "\n".join([*lines, foot])
        return utf8_truncate(text, TEXT_MAX_BYTES), listed

    def _entry(self, n: int, posting: Posting) -> str:
        assert posting.id is not None
        lang = self._config.lang
        parts = [mask_phones(posting.title)]
        if posting.address:
            parts.append(mask_phones(posting.address))
        with language.speaking(lang):
            pay = pay_text(posting.pay)
        if pay:
            parts.append(pay)
        lines = [f"{n}. {' · '.join(parts)}"]
        description = mask_phones(" ".join(posting.description.split()))
        if description:
            cut = description[:DESCRIPTION_CHARS]
            lines.append("   " + cut + ("…" if len(description) > DESCRIPTION_CHARS else ""))
        lines.append("   " + t("groups.digest.code", lang, code=job_code(posting.id)))
        return "\n".join(lines)

    async def send(self, chat_id: str, staff: str) -> tuple[DigestPlan | None, int | None]:
        """Create today's digest task for the group's owner; the plan and the digest id (None
        with the plan's refusal, or when WeCom refused: the day stays free)."""
        plan = await self.plan(chat_id)
        if plan is None or plan.refusal is not None:
            return plan, None
        api = self._need_api()
        now = self._services.clock()
        ids = [p.id for p in plan.postings if p.id is not None]
        day = local(now).date().isoformat()
        digest_id = await self.repo.reserve(chat_id, day, plan.text, ids, staff, now)
        if digest_id is None:
            return plan, None
        try:
            title = t("groups.digest.link_title", self._config.lang)
            msgid = await api.create_task(plan.group.owner, [chat_id], plan.text, plan.link, title)
        except GroupGone:
            await self.repo.release(digest_id)
            await self.repo.mark_dissolved(chat_id)
            raise
        except BaseException:
            await self.repo.release(digest_id)
            raise
        await self.repo.created(digest_id, msgid)
        log.info("group digest %d created for %s: %d postings", digest_id, chat_id, len(ids))
        return plan, digest_id

    async def send_all(self, staff: str) -> list[tuple[DigestPlan, int | None]]:
        """Today's digest for every tagged live group (each plan, and its digest id or None)."""
        sent = []
        for group in await self.repo.all():
            if group.district is None or group.dissolved:
                continue
            try:
                plan, digest_id = await self.send(group.chat_id, staff)
            except GroupGone:
                continue  # marked dissolved by send
            if plan is not None:
                sent.append((plan, digest_id))
        return sent

    async def read_results(self) -> list[GroupDigest]:
        """Ask WeCom where every waiting digest stands (get_groupmsg_task: has the owner
        confirmed? then get_groupmsg_send_result per group); every digest, newest first."""
        api = self._need_api()
        now = self._services.clock()
        for digest in await self.repo.digests(statuses=("waiting",)):
            group = await self.repo.get(digest.chat_id)
            if group is None or digest.msgid is None:
                continue
            confirmed = await api.owners_confirmed(digest.msgid)
            if not confirmed.get(group.owner, False):
                await self.repo.set_result(digest.id, "waiting", None, now)
                continue
            rows = await api.results(digest.msgid, group.owner)
            for row in rows:
                if row.chat_id == digest.chat_id:
                    await self.repo.set_result(digest.id, row.status, row.sent_at, now)
        return await self.repo.digests()


@asynccontextmanager
async def stored_groups(services: Services) -> AsyncIterator[GroupDigests]:
    """The stored groups without WeCom (no settings given): listed and previewed only."""
    yield GroupDigests(services, None, DigestConfig())


@asynccontextmanager
async def open_group_digests(
    settings: Settings, services: Services
) -> AsyncIterator[GroupDigests]:
    """The digests over the configured WeCom app (no API when corp id or secret is unset: the
    stored groups can still be listed and previewed)."""
    config = DigestConfig(
        kf_url=settings.wecom_kf_url,
        monthly_cap=settings.wecom_group_monthly_cap,
        size=settings.wecom_group_digest_size,
        lang=settings.lang,
    )
    api = open_app_api(settings, services)
    if api is None:
        yield GroupDigests(services, None, config)
        return
    async with api:
        yield GroupDigests(services, GroupsApi(api), config)
