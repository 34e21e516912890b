"""Console pages about people and numbers: seekers of my district, the monthly statistics."""

from __future__ import annotations

import asyncio
import re
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.exports import (
    OWN_HEADERS,
    OWN_SHEET,
    STATS_HEADERS,
    STATS_NOTE,
    STATS_NUMBERS,
    STATS_TITLE,
    TOTAL,
    contacts_in_scope,
    month_title,
    write_contacts,
    write_stats,
)
from bot.web.html import bar_chart, esc, link, table
from bot.web.state import SERVICES, render, signed_in
from handlers.checkins import month_start
from handlers.context import Services
from handlers.staff import scope_districts
from handlers.texts import t
from matching.taxonomy import label
from models.register import RegisterStatus
from models.repos.stats import REPORT_DAY, DistrictMonth, report_period, total
from models.timeutil import local, month_bounds
from models.user import User
from models.values import Role

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def seekers(request: web.Request) -> web.Response:
    """GET /console/seekers: my district's register with status, last contact, needs, profile."""
    services = request.config_dict[SERVICES]
    user = signed_in(request).user
    lang = user.lang
    scope = scope_districts(user)
    district = None if user.role is Role.ADMIN else user.district
    people = [p for p in await services.repos.register.in_district(district)
              if p.district in scope]  # fmt: skip
    followups = services.repos.followups
    last = await followups.last_contacts(district)
    attempts = await followups.last_attempts(district)
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
            link(f"/console/people/{p.id}", f"#{p.id}"), p.name, p.phone or "",
            t(f"web.status.{p.status.value}", lang),
            _last_attempt(attempts.get(p.id or 0), lang),
            "、".join(needs.get(p.user_id or 0, ())), summary,
        ))  # fmt: skip
    headers = [t(f"web.seekers.{k}", lang) for k in
               ("id", "name", "phone", "status", "last", "needs", "profile")]  # fmt: skip
    title = t("web.seekers.overdue", lang, n=len(overdue))
    body = (
        f"<p>{esc(t('web.seekers.district', lang, district=district or t('web.all', lang)))}</p>"
        f"<h2>{esc(title)}</h2>"
        + table(
            headers[:3],
            [
                (link(f"/console/people/{p.id}", f"#{p.id}"), p.name, p.phone or "")
                for p in overdue
            ],
        )
        + f"<h2>{esc(t('web.seekers.all', lang, n=len(people)))}</h2>"
        + table(headers, rows)
    )
    return await render(request, t("web.nav.seekers", lang), body)


def _last_attempt(attempt: tuple[datetime, bool] | None, lang: str) -> str:
    """最近联系: the latest attempt's date, marked when it did not reach the person."""
    if attempt is None:
        return t("web.never", lang)
    day = local(attempt[0]).strftime("%Y-%m-%d")
    return day if attempt[1] else t("web.last_failed", lang, date=day)


def _month(request: web.Request, now: datetime) -> str:
    asked = request.query.get("month", "")
    return asked if _MONTH.match(asked) else local(now).strftime("%Y-%m")


async def _rows(services: Services, user: User, month: str) -> list[DistrictMonth]:
    start, end = report_period(month)
    return await services.repos.stats.table(scope_districts(user), start, end)


async def stats(request: web.Request) -> web.Response:
    """GET /console/stats?month=YYYY-MM: the official table, our figures, a chart, downloads."""
    services = request.config_dict[SERVICES]
    user = signed_in(request).user
    lang = user.lang
    month = _month(request, services.clock())
    rows = await _rows(services, user, month)
    everything = [*rows, total(rows, TOTAL)]
    official = [(r.district, r.issued, r.unreachable, r.served, r.employed, r.unemployed)
                for r in everything]  # fmt: skip
    ours = [(r.district, r.not_contacted, r.postings, r.pushes, r.interested,
             r.hired_after_push) for r in everything]  # fmt: skip
    headers = [STATS_HEADERS[0]] + [
        f"{h}（{n}）" for h, n in zip(STATS_HEADERS[1:], STATS_NUMBERS, strict=True)
    ]
    chart = bar_chart(
        [(r.district, (r.pushes, r.employed)) for r in rows],
        (t("web.stats.pushes", lang), t("web.stats.placed", lang)),
    )
    q = quote(month)
    body = (
        f'<form method="get" action="/console/stats"><input type="month" name="month" '
        f'value="{esc(month)}"><button>{esc(t("web.stats.show", lang))}</button></form>'
        + f"<h2>{esc(STATS_TITLE)}（{esc(month_title(month))}）</h2>"
        + f"<p>{esc(t('web.stats.period', lang, day=REPORT_DAY))}</p>"
        + table(headers, official, 1)
        + f"<p>{esc(STATS_NOTE)}</p>"
        + f"<h2>{esc(OWN_SHEET)}</h2>"
        + table(list(OWN_HEADERS), ours, 1)
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
            rows = await _rows(services, who.user, month)
            await asyncio.to_thread(write_stats, path, month, rows)
        else:
            start, end = month_bounds(month)
            scope = scope_districts(who.user)
            records, by_id, by_user = await contacts_in_scope(services, start, end, scope)
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
