"""Imports from the browser: a posting sheet or the register, with the row-by-row report.

GET /console/import shows the form; POST /console/import reads the uploaded file through the
same importers as `yizhan import` / `yizhan register import` (with 仅检查 as the dry run).
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath

from aiohttp import web
from aiohttp.web_request import FileField

from bot.sheets.postings import import_postings
from bot.sheets.read import SPREADSHEETS, SheetError
from bot.sheets.register import import_register
from bot.web.html import esc, table
from bot.web.state import SERVICES, render, signed_in
from handlers.caseworker.staff import scope_districts
from handlers.texts import t
from models.values import Role

KINDS = ("postings", "register")


def _form(csrf: str, lang: str) -> str:
    kinds = "".join(
        f'<label><input type="radio" name="kind" value="{k}"{" checked" if i == 0 else ""}>'
        f"{esc(t(f'web.import.{k}', lang))}</label>"
        for i, k in enumerate(KINDS)
    )
    accept = ",".join((*SPREADSHEETS, ".csv"))
    return (
        '<form method="post" action="/console/import" enctype="multipart/form-data">'
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">{kinds}'
        f'<input type="file" name="file" accept="{accept}" required>'
        f'<label><input type="checkbox" name="check" value="1" checked>'
        f"{esc(t('web.import.check', lang))}</label>"
        f"<button>{esc(t('web.import.go', lang))}</button></form>"
    )


async def import_page(request: web.Request) -> web.Response:
    """GET /console/import: choose a sheet and what it holds."""
    who = signed_in(request)
    return await render(
        request, t("web.import.title", who.user.lang), _form(who.csrf, who.user.lang)
    )


async def import_file(request: web.Request) -> web.Response:
    """POST /console/import: import (or only check) the file and show every row's outcome."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    data = await request.post()
    upload, kind = data.get("file"), str(data.get("kind", ""))
    check = data.get("check") == "1"
    if not isinstance(upload, FileField) or kind not in KINDS:
        return await render(request, t("web.import.title", lang),
                            f"<p>{esc(t('web.import.missing', lang))}</p>" + _form(who.csrf, lang),
                            400)  # fmt: skip
    suffix = PurePath(upload.filename or "").suffix.lower()
    scope = None if who.user.role is Role.ADMIN else scope_districts(who.user)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(upload.file.read())
        try:
            if kind == "register":
                done = await import_register(services, path, who.user.district, check=check,
                                             lang=lang, allowed=scope)  # fmt: skip
                counts = (done.rows, done.created, done.updated, len(done.problems))
                problems = done.problems
            else:
                report = await import_postings(services, path, source=f"console:{who.user.id}",
                                               lang=lang, check=check)  # fmt: skip
                counts = (report.rows, report.created, report.updated, len(report.errors))
                problems = report.errors
        except SheetError as exc:
            return await render(request, t("web.import.title", lang),
                                f'<p class="risk">{esc(str(exc))}</p>' + _form(who.csrf, lang),
                                400)  # fmt: skip
    await services.audit.record(
        str(who.user.key), f"web:import:{kind}", allowed=True, now=services.clock(),
        detail=f"check={check} {counts}",
    )  # fmt: skip
    key = "web.import.checked" if check else "web.import.done"
    summary = t(key, lang, rows=counts[0], created=counts[1], updated=counts[2], refused=counts[3])
    rows = [(number or "—", reason) for number, reason in problems]
    body = (
        f'<p role="status">{esc(summary)}</p>'
        + table([t("web.import.row", lang), t("web.import.reason", lang)], rows)
        + _form(who.csrf, lang)
    )
    return await render(request, t("web.import.title", lang), body)


def add_routes(router: web.UrlDispatcher) -> None:
    """The import page, relative to /console."""
    router.add_get("/import", import_page)
    router.add_post("/import", import_file)
