"""The console's aiohttp routes under /console, the sign-in guard and the security headers.

`mount(root, services)` adds the console to an aiohttp application: `yizhan run` mounts it on
the HTTP server the WeChat callback uses (when `web_console` is on), tests on their own app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.groups.digests import stored_groups
from bot.web import (
    auth,
    groups_pages,
    import_pages,
    people_pages,
    postings_pages,
    report_pages,
)
from bot.web.groups_pages import GROUPS, GroupsOpener
from bot.web.html import page
from bot.web.state import SERVICES, SIGNED_IN, redirect, signed_in
from handlers import language
from handlers.context import Services
from handlers.texts import t

PREFIX = "/console"
LOGIN = f"{PREFIX}/login"
# Nothing but our own styles and forms: no script, no framing, no referrer (links carry tokens).
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _refusal(status: int, key: str, lang: str) -> web.Response:
    body = f"<p>{t(key + '.body', lang)}</p>"
    return web.Response(
        status=status, text=page(t(key, lang), body, lang), content_type="text/html"
    )


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every page but the sign-in needs a live staff session; every POST its CSRF token."""
    services = request.config_dict[SERVICES]
    lang = services.policy.default_lang
    if request.path != LOGIN:
        found = await auth.current(services, request.cookies.get(auth.COOKIE))
        if found is None:
            await services.audit.record(
                "web", "web:no_session", allowed=False, now=services.clock(), target=request.path
            )
            return _secure(_refusal(401, "web.refused.session", lang))
        if request.method == "POST":
            sent = (await request.post()).get("csrf")
            if not auth.csrf_ok(found, sent if isinstance(sent, str) else None):
                await services.audit.record(
                    str(found.user.key), "web:csrf", allowed=False, now=services.clock(),
                    target=request.path,
                )  # fmt: skip
                return _secure(_refusal(403, "web.refused.csrf", lang))
        request[SIGNED_IN] = found
        lang = found.user.lang
    try:
        with language.speaking(lang):  # the page in the signed-in caseworker's language
            return _secure(await handler(request))
    except web.HTTPException as exc:  # 404s and redirects carry the same headers
        exc.headers.update(HEADERS)
        raise


def _secure(response: web.StreamResponse) -> web.StreamResponse:
    response.headers.update(HEADERS)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    """GET /console/login?token=…: spend the one-time token, set the cookie, go to the queue."""
    services = request.config_dict[SERVICES]
    opened = await auth.open_session(services, request.query.get("token", ""))
    if opened is None:
        return _refusal(403, "web.refused.link", services.policy.default_lang)
    session, _user = opened
    response = redirect(f"{PREFIX}/")
    response.set_cookie(
        auth.COOKIE, session, max_age=auth.SESSION_HOURS * 3600, path=PREFIX,
        httponly=True, samesite="Strict", secure=_https(request),
    )  # fmt: skip
    return response


def _https(request: web.Request) -> bool:
    """Whether the browser talks HTTPS: directly, or through the documented reverse proxy
    (which says so in X-Forwarded-Proto; trusting it can only make the cookie stricter)."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /console/logout: end the session here and now."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    await services.repos.web_sessions.end_session(who.session_hash)
    await services.audit.record(str(who.user.key), "web:signout", allowed=True,
                                now=services.clock())  # fmt: skip
    response = _refusal(200, "web.signed_out", who.user.lang)
    response.del_cookie(auth.COOKIE, path=PREFIX)
    return response


def console_app(services: Services, groups: GroupsOpener = stored_groups) -> web.Application:
    """The console as an aiohttp sub-application (routes relative to /console); `groups` opens
    the customer groups with the WeCom client (`open_group_digests` over the settings)."""
    sub = web.Application(middlewares=[guard])
    sub[SERVICES] = services
    sub[GROUPS] = groups
    sub.router.add_get("/login", login)
    sub.router.add_post("/logout", logout)
    postings_pages.add_routes(sub.router)
    report_pages.add_routes(sub.router)
    people_pages.add_routes(sub.router)
    import_pages.add_routes(sub.router)
    groups_pages.add_routes(sub.router)
    return sub


def mount(root: web.Application, services: Services, groups: GroupsOpener = stored_groups) -> None:
    """Add the console under /console to an application that has not started yet."""
    root.add_subapp(PREFIX, console_app(services, groups))
