"""A person on the register, in the browser: details, contact history, and the follow-up work.

GET /console/people/{id}; POST /console/people/{id}/log|employed|close. The rules live in
handlers/followups.py (the same functions the chat commands 记录 / 就业 / 注销登记 use).
"""

from __future__ import annotations

from datetime import date, datetime, time

from aiohttp import web

from bot.web.html import esc, form, table
from bot.web.state import SERVICES, done, render, signed_in, turn_for
from handlers import followups
from handlers.context import Services
from handlers.staff import in_scope
from handlers.texts import t
from models.register import CLOSE_REASONS, EMPLOYMENT_WAYS, UNREACHED, RegisterEntry
from models.timeutil import LOCAL_TZ, local

METHODS = ("电话", "上门", "短信", "微信")


async def _person(request: web.Request) -> tuple[Services, RegisterEntry]:
    services = request.config_dict[SERVICES]
    entry = await services.repos.register.get(int(request.match_info["id"]))
    if entry is None or not in_scope(signed_in(request).user, entry.district):
        raise web.HTTPNotFound()  # another district's person does not exist for this page
    return services, entry


def _select(name: str, options: tuple[str, ...]) -> str:
    items = "".join(f'<option value="{esc(o)}">{esc(o)}</option>' for o in options)
    return f'<select name="{name}">{items}</select>'


async def person(request: web.Request) -> web.Response:
    """GET /console/people/{id}: who, status, every contact, and the forms to record work."""
    services, entry = await _person(request)
    who = signed_in(request)
    lang = who.user.lang
    records = await services.contacts.for_person(entry.id or 0, entry.user_id)
    facts = table(
        [t("web.person.field", lang), t("web.person.value", lang)],
        [(t("web.seekers.name", lang), entry.name), (t("web.seekers.phone", lang), entry.phone),
         (t("web.postings.district", lang), entry.district),
         (t("web.person.place", lang), " ".join(x for x in (entry.street, entry.community) if x)),
         (t("web.person.wish", lang), entry.wish),
         (t("web.seekers.status", lang), t(f"web.status.{entry.status.value}", lang)
          + (f"（{entry.status_detail}）" if entry.status_detail else "")),
         (t("web.person.tries", lang), entry.failed_attempts)],
    )  # fmt: skip
    history = table(
        [t(f"web.person.{k}", lang) for k in ("date", "method", "content", "staff", "result")],
        [(local(r.at).strftime("%Y-%m-%d"), r.method, r.content, r.staff,
          t("web.status.unreachable" if r.outcome == UNREACHED else "web.person.reached", lang))
         for r in records],
    )  # fmt: skip
    base = f"/console/people/{entry.id}"
    today = local(services.clock()).strftime("%Y-%m-%d")
    forms = (
        f"<h2>{esc(t('web.person.log', lang))}</h2>"
        + form(f"{base}/log", who.csrf, t("web.person.log", lang),
               f'<input type="date" name="date" value="{today}" required>'
               + _select("method", METHODS)
               + f'<input name="content" placeholder="{esc(t("web.person.content_hint", lang))}">'
               + f'<label><input type="checkbox" name="unreached" value="1">'
               f'{esc(t("web.status.unreachable", lang))}</label>')
        + f"<h2>{esc(t('web.person.employed', lang))}</h2>"
        + form(f"{base}/employed", who.csrf, t("web.person.employed", lang),
               _select("way", EMPLOYMENT_WAYS))
        + f"<h2>{esc(t('web.person.close', lang))}</h2>"
        + form(f"{base}/close", who.csrf, t("web.person.close", lang),
               _select("reason", tuple(r for r in CLOSE_REASONS if r != "已就业")))
    )  # fmt: skip
    body = (
        facts + f"<h2>{esc(t('web.person.history', lang, n=len(records)))}</h2>" + history + forms
    )
    return await render(request, f"#{entry.id} {entry.name}", body)


def _date(text: str, now: datetime) -> datetime | None:
    """The contact date typed (noon that day, Tianjin time); None when malformed or future."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    at = datetime.combine(day, time(12), tzinfo=LOCAL_TZ)
    return at if day <= local(now).date() else None


async def act(request: web.Request) -> web.StreamResponse:
    """POST /console/people/{id}/{action}: record a contact, 已就业, or end the registration."""
    services, entry = await _person(request)
    who = signed_in(request)
    lang = who.user.lang
    data = await request.post()
    action = request.match_info["action"]
    turn = turn_for(who.user, "", services)
    back = f"/console/people/{entry.id}"
    if action == "log":
        method = str(data.get("method", ""))
        at = _date(str(data.get("date", "")), services.clock())
        if method not in METHODS or at is None:
            return await done(request, t("web.person.bad_log", lang), back)
        content = str(data.get("content", ""))
        if data.get("unreached") == "1" and not any(
            w in content for w in followups.UNREACHED_WORDS
        ):
            content = f"联系不到 {content}".strip()
        notice = await followups.record_contact(turn, services, entry, method, content, at)
    elif action == "employed" and (way := str(data.get("way", ""))) in EMPLOYMENT_WAYS:
        turn = turn_for(who.user, f"就业 #{entry.id} {way}", services)
        notice = "\n".join(r.text for r in await followups.employed_command(turn, services))
    elif action == "close" and (reason := str(data.get("reason", ""))) in CLOSE_REASONS:
        turn = turn_for(who.user, f"注销登记 #{entry.id} {reason}", services)
        notice = "\n".join(r.text for r in await followups.close_command(turn, services))
    else:
        raise web.HTTPNotFound()
    return await done(request, notice, back)


def add_routes(router: web.UrlDispatcher) -> None:
    """The person pages, relative to /console."""
    router.add_get(r"/people/{id:\d{1,18}}", person)
    router.add_post(r"/people/{id:\d{1,18}}/{action:[a-z]+}", act)
