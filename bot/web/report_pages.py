"""Console pages about people and numbers: seekers of my district, the monthly statistics."""

from __future__ import annotations

import asyncio
import re
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.exports import OWN_HEADERS, STATS_HEADERS, write_contacts, write_stats
from bot.web.html import bar_chart, esc, link, table
from bot.web.state import SERVICES, render, signed_in
from handlers.checkins import month_start
from handlers.context import Services
from handlers.texts import t
from matching.taxonomy import label
from models.register import RegisterStatus
from models.repos.followups import FollowupRepo
from models.repos.register import RegisterRepo
from models.repos.stats import DistrictMonth, StatsRepo
from models.timeutil import local, month_bounds
from models.values import Role

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def seekers(request: web.Request) -> web.Response:
    """GET /console/seekers: my district's register with status, last contact, needs, profile."""
    services = request.config_dict[SERVICES]
    user = signed_in(request).user
    lang = user.lang
    district = None if user.role is Role.ADMIN else user.district
    people = await RegisterRepo(services.db).in_district(district)
    followups = FollowupRepo(services.db)
    last = await followups.last_contacts(district)
    needs = {row.user_id: row.needs for row in await followups.with_needs(district, None)}
    start = month_start(services.clock())
    rows, overdue = [], []
    for p in people:
        seen = last.get(p.id or 0)
        open_ = p.status in (RegisterStatus.REGISTERED, RegisterStatus.UNREACHABLE)
        if open_ and (seen is None or seen < start):
            overdue.append(p)
        profile = await services.seekers.get(p.user_id) if p.user_id else None
        summary = ""
        if profile is not None:
            summary = " / ".join(
                [label(c, lang) for c in profile.categories] + list(profile.districts)
            )
        rows.append((
            f"#{p.id}", p.name, p.phone or "", t(f"web.status.{p.status.value}", lang),
            local(seen).strftime("%Y-%m-%d") if seen else t("web.never", lang),
            "、".join(needs.get(p.user_id or 0, ())), summary,
        ))  # fmt: skip
    headers = [t(f"web.seekers.{k}", lang) for k in
               ("id", "name", "phone", "status", "last", "needs", "profile")]  # fmt: skip
    title = t("web.seekers.overdue", lang, n=len(overdue))
    body = (
        f"<p>{esc(t('web.seekers.district', lang, district=district or t('web.all', lang)))}</p>"
        f"<h2>{esc(title)}</h2>"
        + table(headers[:3], [(f"#{p.id}", p.name, p.phone or "") for p in overdue])
        + f"<h2>{esc(t('web.seekers.all', lang, n=len(people)))}</h2>"
        + table(headers, rows)
    )
    return await render(request, t("web.nav.seekers", lang), body)


def _month(request: web.Request, now: datetime) -> str:
    asked = request.query.get("month", "")
    return asked if _MONTH.match(asked) else local(now).strftime("%Y-%m")


async def _rows(services: Services, month: str) -> list[DistrictMonth]:
    start, end = month_bounds(month)
    repo = StatsRepo(services.db)
    return [await repo.month(name, start, end) for name in await repo.districts_with_data()]


async def stats(request: web.Request) -> web.Response:
    """GET /console/stats?month=YYYY-MM: the official table, our figures, a chart, downloads."""
    services = request.config_dict[SERVICES]
    lang = signed_in(request).user.lang
    month = _month(request, services.clock())
    rows = await _rows(services, month)
    values = [(r.district, r.issued, r.unreachable, r.served, r.employed, r.unemployed,
               r.postings, r.pushes, r.interested, r.hired_after_push) for r in rows]  # fmt: skip
    chart = bar_chart(
        [(r.district, (r.pushes, r.employed)) for r in rows],
        (t("web.stats.pushes", lang), t("web.stats.placed", lang)),
    )
    q = quote(month)
    body = (
        f'<form method="get" action="/console/stats"><input type="month" name="month" '
        f'value="{esc(month)}"><button>{esc(t("web.stats.show", lang))}</button></form>'
        + table([*STATS_HEADERS, *OWN_HEADERS], values, 1)
        + f"<h2>{esc(t('web.stats.chart', lang))}</h2>{chart}<p>"
        + link(f"/console/stats.xlsx?month={q}", t("web.stats.xlsx", lang))
        + " · "
        + link(f"/console/contacts.xlsx?month={q}", t("web.stats.contacts_xlsx", lang))
        + "</p>"
    )
    return await render(request, t("web.stats.title", lang, month=month), body)


async def _xlsx(request: web.Request, kind: str) -> web.StreamResponse:
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    month = _month(request, services.clock())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{kind}.xlsx"
        if kind == "stats":
            rows = await _rows(services, month)
            await asyncio.to_thread(write_stats, path, month, rows)
        else:
            start, end = month_bounds(month)
            records = await services.contacts.between(start, end)
            people = await RegisterRepo(services.db).in_district()
            by_id = {p.id: p for p in people if p.id is not None}
            by_user = {p.user_id: p for p in people if p.user_id is not None}
            await asyncio.to_thread(write_contacts, path, month, records, by_id, by_user)
        data = path.read_bytes()
    await services.audit.record(str(who.user.key), f"web:export:{kind}", allowed=True,
                                now=services.clock(), detail=month)  # fmt: skip
    name = f"{kind}-{month}.xlsx"
    return web.Response(
        body=data, content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )  # fmt: skip


async def stats_xlsx(request: web.Request) -> web.StreamResponse:
    """GET /console/stats.xlsx?month=…: the monthly table as Excel."""
    return await _xlsx(request, "stats")


async def contacts_xlsx(request: web.Request) -> web.StreamResponse:
    """GET /console/contacts.xlsx?month=…: the month's 联系服务记录 as Excel."""
    return await _xlsx(request, "contacts")


def add_routes(router: web.UrlDispatcher) -> None:
    """The report pages, relative to /console."""
    router.add_get("/seekers", seekers)
    router.add_get("/stats", stats)
    router.add_get("/stats.xlsx", stats_xlsx)
    router.add_get("/contacts.xlsx", contacts_xlsx)
