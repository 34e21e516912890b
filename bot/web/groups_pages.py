"""Console pages for WeCom customer groups (#21): the groups and their 群标签, today's digest of a
group as it would be sent, sending it for the owner's confirmation, the results, and where
people came from this month.

A caseworker sees and acts on the groups tagged with their own district and the untagged ones
(to tag them, only with their own district); an admin sees every group.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from aiohttp import web

from bot.delivery.errors import DeliveryError
from bot.groups.digests import GroupDigests
from bot.groups.origin_report import origin_rows
from bot.web.html import esc, form, link, table
from bot.web.state import SERVICES, done, render, signed_in
from handlers.caseworker.staff import staff_name
from handlers.context import Services
from handlers.texts import t
from matching.group_digest import TagError, parse_tags, trade_names
from models.repos.customer_groups import CustomerGroup
from models.timeutil import local, month_bounds
from models.user import User
from models.values import Role

GroupsOpener = Callable[[Services], AbstractAsyncContextManager[GroupDigests]]
GROUPS: web.AppKey[GroupsOpener] = web.AppKey("groups")
_CHAT_ID = r"{chat_id:[A-Za-z0-9_-]{1,64}}"


def _visible(user: User, group: CustomerGroup) -> bool:
    return user.role is Role.ADMIN or group.district in (None, user.district)


def _tags(group: CustomerGroup, lang: str) -> str:
    if group.district is None:
        return t("groups.untagged", lang)
    trades = trade_names(group.trades, lang) or t("groups.any_trade", lang)
    return f"{group.district} · {trades}"


async def groups_list(request: web.Request) -> web.Response:
    """GET /console/groups: the groups with owner, members, tags and state; the origins table."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    async with request.config_dict[GROUPS](services) as digests:
        groups = [g for g in await digests.repo.all() if _visible(who.user, g)]
    rows = [
        (link(f"/console/groups/{g.chat_id}", g.name or g.chat_id), g.owner, g.member_count,
         _tags(g, lang),
         t("groups.state.dissolved" if g.dissolved else "groups.state.live", lang))
        for g in groups
    ]  # fmt: skip
    headers = [t(f"groups.col.{k}", lang) for k in ("name", "owner", "members", "tags", "state")]
    start, end = month_bounds(local(services.clock()).strftime("%Y-%m"))
    scope = {g.name for g in groups}
    origins = [
        (o.kind, o.name, o.came, o.signed_up, o.interested)
        for o in await origin_rows(services.repos, start, end, lang)
        if who.user.role is Role.ADMIN or o.name in scope or o.kind != t(
            "groups.origins.kind.group", lang)
    ]  # fmt: skip
    origin_headers = [t(f"groups.origins.{k}", lang) for k in
                      ("kind", "scene", "people", "signed_up", "interested")]  # fmt: skip
    body = (
        form("/console/groups/sync", who.csrf, t("groups.web.sync", lang))
        + form("/console/groups/results", who.csrf, t("groups.web.results", lang))
        + table(headers, rows)
        + f"<h2>{esc(t('groups.origins.title', lang))}</h2>"
        + table(origin_headers, origins, numeric_from=2)
    )
    return await render(request, t("groups.web.title", lang), body)


async def _group_or_404(request: web.Request, digests: GroupDigests) -> CustomerGroup:
    group = await digests.repo.get(request.match_info["chat_id"])
    if group is None or not _visible(signed_in(request).user, group):
        raise web.HTTPNotFound()
    return group


async def group_detail(request: web.Request) -> web.Response:
    """GET /console/groups/{chat_id}: tags form, today's digest preview, send, past results."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    async with request.config_dict[GROUPS](services) as digests:
        group = await _group_or_404(request, digests)
        plan = await digests.plan(group.chat_id)
        past = await digests.repo.digests(group.chat_id)
    assert plan is not None
    base = f"/console/groups/{group.chat_id}"
    current = f"{group.district} {' '.join(trade_names(group.trades).split('、'))}".strip()
    value = esc(current) if group.district else ""
    field = f'<input name="tags" required value="{value}" placeholder="西青区 · 保洁/普工">'
    tag_form = form(f"{base}/tag", who.csrf, t("groups.web.tag", lang), field)
    preview = f"<pre>{esc(plan.text)}</pre>" if plan.text else ""
    refusal = f"<p>{esc(t(plan.refusal, lang, cap=plan.cap))}</p>" if plan.refusal else ""
    send = form(f"{base}/send", who.csrf, t("groups.web.send", lang),
                disabled=plan.refusal is not None)  # fmt: skip
    results = table(
        [t(f"groups.col.{k}", lang) for k in ("day", "postings", "result")],
        [(d.day, len(d.posting_ids), t(f"groups.status.{d.status}", lang)) for d in past],
    )
    facts = t("groups.web.facts", lang, owner=group.owner, n=group.member_count,
              tags=_tags(group, lang))  # fmt: skip
    body = (
        f"<p>{esc(facts)}</p>{tag_form}"
        f"<h2>{esc(t('groups.web.preview', lang))}</h2>{preview}{refusal}{send}"
        f"<h2>{esc(t('groups.web.results', lang))}</h2>{results}"
    )
    return await render(request, group.name or group.chat_id, body)


async def group_tag(request: web.Request) -> web.StreamResponse:
    """POST /console/groups/{chat_id}/tag: set the 群标签 (a caseworker: their own district)."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    text = str((await request.post()).get("tags", ""))
    async with request.config_dict[GROUPS](services) as digests:
        group = await _group_or_404(request, digests)
        try:
            tags = parse_tags(text)
        except TagError as exc:
            return await done(request, t("groups.tag.bad", lang, error=exc), _back(group))
        if who.user.role is not Role.ADMIN and tags.district != who.user.district:
            refused = t("groups.tag.own_district", lang, district=who.user.district or "")
            return await done(request, refused, _back(group))
        await digests.repo.tag(group.chat_id, tags.district, tags.trades, staff_name(who.user))
        await digests.audit(str(who.user.key), "groups:tag", group.chat_id, f"web {text}")
    notice = t("groups.tag.done", lang, name=group.name, district=tags.district,
               trades=trade_names(tags.trades, lang) or t("groups.any_trade", lang))  # fmt: skip
    return await done(request, notice, _back(group))


async def group_send(request: web.Request) -> web.StreamResponse:
    """POST /console/groups/{chat_id}/send: create today's digest task for the owner."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    async with request.config_dict[GROUPS](services) as digests:
        group = await _group_or_404(request, digests)
        try:
            plan, digest_id = await digests.send(group.chat_id, staff_name(who.user))
        except DeliveryError as exc:
            return await done(request, t("groups.send.failed", lang, error=exc), _back(group))
        assert plan is not None
        if digest_id is None:
            notice = t(plan.refusal or "groups.refuse.today", lang, cap=plan.cap)
        else:
            await digests.audit(str(who.user.key), "groups:send", group.chat_id,
                                f"web {len(plan.postings)} postings")  # fmt: skip
            notice = t("groups.send.done", lang, n=len(plan.postings), owner=group.owner)
    return await done(request, notice, _back(group))


async def groups_sync(request: web.Request) -> web.StreamResponse:
    """POST /console/groups/sync: fetch the groups from WeCom."""
    return await _with_api(request, "sync")


async def groups_results(request: web.Request) -> web.StreamResponse:
    """POST /console/groups/results: read the digests' results back from WeCom."""
    return await _with_api(request, "results")


async def _with_api(request: web.Request, what: str) -> web.StreamResponse:
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    async with request.config_dict[GROUPS](services) as digests:
        try:
            if what == "sync":
                report = await digests.sync()
                await digests.audit(str(who.user.key), "groups:sync", None, "web")
                notice = t("groups.sync.done", lang, n=report.groups, dissolved=report.dissolved)
            else:
                read = await digests.read_results()
                notice = t("groups.web.read", lang, n=len(read))
        except DeliveryError as exc:
            notice = t("groups.send.failed", lang, error=exc)
    return await done(request, notice, "/console/groups")


def _back(group: CustomerGroup) -> str:
    return f"/console/groups/{group.chat_id}"


def add_routes(router: web.UrlDispatcher) -> None:
    """The customer-group pages, relative to /console."""
    router.add_get("/groups", groups_list)
    router.add_post("/groups/sync", groups_sync)
    router.add_post("/groups/results", groups_results)
    router.add_get(f"/groups/{_CHAT_ID}", group_detail)
    router.add_post(f"/groups/{_CHAT_ID}/tag", group_tag)
    router.add_post(f"/groups/{_CHAT_ID}/send", group_send)
