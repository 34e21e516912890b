"""What every console page shares: the services key, the signed-in user, rendering, notices."""

from __future__ import annotations

from aiohttp import web

from bot.web.auth import SignedIn
from bot.web.html import page
from handlers.context import Services, Turn
from handlers.staff import staff_name
from models.messages import Incoming
from models.user import User

SERVICES = web.AppKey("services", Services)
SIGNED_IN = web.RequestKey("signed_in", SignedIn)


def signed_in(request: web.Request) -> SignedIn:
    """The caseworker the guard let through."""
    return request[SIGNED_IN]


def staff_label(user: User) -> str:
    """How the header names the signed-in caseworker."""
    return staff_name(user) + (f"（{user.district}）" if user.district else "")


def turn_for(user: User, text: str, services: Services) -> Turn:
    """A moderation call made from the web, as the caseworker's own chat identity would make it.

    The moderation functions audit with the caseworker's identity (`str(user.key)`), so the
    audit log names the same person whether they acted in chat or in the browser; a command's
    text ("就业 #3 灵活就业") is split as the router splits it, so the command reads its args.
    """
    found = services.router.parse_command(text)
    args = found[1] if found is not None else ""
    return Turn(Incoming(user.key, text), user, None, services.clock(), args=args)


async def render(request: web.Request, title: str, body: str, status: int = 200) -> web.Response:
    """A page for the signed-in caseworker, with the notice the last action left."""
    who = signed_in(request)
    flash = await request.config_dict[SERVICES].repos.web_sessions.pop_flash(who.session_hash)
    text = page(title, body, who.user.lang, staff_label(who.user), flash, who.csrf)
    return web.Response(status=status, text=text, content_type="text/html")


async def done(request: web.Request, notice: str, to: str) -> web.StreamResponse:
    """After a POST: keep the notice for the next page and redirect there (303)."""
    who = signed_in(request)
    await request.config_dict[SERVICES].repos.web_sessions.set_flash(who.session_hash, notice)
    return redirect(to)


def redirect(to: str) -> web.Response:
    """A 303 See Other to a page of the console."""
    return web.Response(status=303, headers={"Location": to})
