"""Console pages about postings: the moderation queue and its actions, the list, the broadcast.

Actions call the same functions as the chat commands (handlers.caseworker.moderation approve /
reject / verify / edit_posting, handlers.caseworker.broadcast preview / send_broadcast), so each is
checked, published and audited exactly as it would be in chat.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from aiohttp import web

from bot.web.html import esc, form, link, table
from bot.web.state import SERVICES, done, render, signed_in, turn_for
from handlers.caseworker import broadcast, moderation
from handlers.caseworker.staff import staff_name
from handlers.employer.post_draft import FIELD_WORDS
from handlers.employer.posting import risk_text
from handlers.services.cards import pay_text
from handlers.texts import t
from matching.districts import TIANJIN_DISTRICTS
from matching.taxonomy import label
from models.posting import Posting, PostingStatus
from models.timeutil import local
from models.user import User
from models.values import Role

QUEUE_SHOWN = 50  # pending postings on one page; the rest after these are handled
LIST_SHOWN = 100  # newest postings on the postings page
ACTIONS = ("approve", "verify", "reject", "edit")


def _fields(posting: Posting, lang: str) -> str:
    rows = (
        ("web.field.title", posting.title),
        ("web.field.categories", " / ".join(label(c, lang) for c in posting.categories)),
        ("web.field.district", posting.district),
        ("web.field.address", posting.address),
        ("web.field.pay", pay_text(posting.pay)),
        ("web.field.work_form", posting.work_form),
        ("web.field.headcount", posting.headcount),
        ("web.field.contact", posting.contact),
        ("web.field.phones", " ".join(posting.phones)),
        ("web.field.source", posting.source),
        ("web.field.trust", t(f"intake.trust.{posting.trust.value}", lang)),
    )
    return "<dl>" + "".join(
        f"<dt>{esc(t(key, lang))}</dt><dd>{esc(value or '—')}</dd>" for key, value in rows
    ) + "</dl>"  # fmt: skip


def _queue_card(posting: Posting, csrf: str, lang: str) -> str:
    pid = posting.id
    original = posting.original_text or posting.description
    risk = ""
    if posting.risk_reasons:
        risk = (
            f'<p class="risk">{esc(t("web.queue.risk", lang, score=f"{posting.risk_score:.2f}"))}'
            f" {esc(risk_text(posting.risk_reasons))}</p>"
        )
    base = f"/console/postings/{pid}"
    options = "".join(
        f'<option value="{esc(words[0])}">{esc(words[0])}</option>'
        for words in FIELD_WORDS.values()
    )
    actions = (
        form(f"{base}/approve", csrf, t("web.action.approve", lang))
        + form(f"{base}/verify", csrf, t("web.action.verify", lang))
        + form(f"{base}/reject", csrf, t("web.action.reject", lang),
               f'<input name="reason" required placeholder="{esc(t("web.reason", lang))}">')
        + form(f"{base}/edit", csrf, t("web.action.edit", lang),
               f'<select name="field">{options}</select>'
               f'<input name="value" required placeholder="{esc(t("web.value", lang))}">')
    )  # fmt: skip
    return (
        f'<section class="card" id="p{pid}"><h2>#{pid} {esc(posting.title)}</h2>'
        f'<div class="cols"><div><h3>{esc(t("web.queue.original", lang))}</h3>'
        f"<pre>{esc(original)}</pre></div><div><h3>{esc(t('web.queue.parsed', lang))}</h3>"
        f"{_fields(posting, lang)}</div></div>{risk}<div>{actions}</div></section>"
    )


async def _confirm_approve(
    request: web.Request, posting: Posting, csrf: str, lang: str
) -> web.Response:
    """A flagged posting is approved only after a page that repeats why it was flagged."""
    reasons = risk_text(posting.risk_reasons)
    body = (
        f"<h2>#{posting.id} {esc(posting.title)}</h2>"
        f'<p class="risk">{esc(t("web.confirm.risk", lang, reasons=reasons))}</p>'
        f"<pre>{esc(posting.original_text or posting.description)}</pre>"
        + form(f"/console/postings/{posting.id}/approve", csrf, t("web.confirm.yes", lang),
               '<input type="hidden" name="confirm" value="1">')
        + link("/console/", t("web.confirm.no", lang))
    )  # fmt: skip
    return await render(request, t("web.confirm.title", lang), body)


async def queue(request: web.Request) -> web.Response:
    """GET /console/: pending postings, riskiest first, original text beside the parsed fields."""
    who = signed_in(request)
    lang = who.user.lang
    pending = await request.config_dict[SERVICES].repos.intake.pending(QUEUE_SHOWN)
    cards = "".join(_queue_card(p, who.csrf, lang) for p in pending)
    body = cards or f"<p>{esc(t('web.queue.empty', lang))}</p>"
    return await render(request, t("web.nav.queue", lang), body)


async def act(request: web.Request) -> web.StreamResponse:
    """POST /console/postings/{id}/{action}: one moderation action, then back to the queue."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    action = request.match_info["action"]
    pid = request.match_info["id"]
    data = await request.post()
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    if action == "approve" and data.get("confirm") != "1":
        posting = await services.postings.get(int(pid))
        if posting is not None and posting.risk_reasons:
            return await _confirm_approve(request, posting, who.csrf, who.user.lang)
    if action == "approve":
        replies = await moderation.approve(turn_for(who.user, pid, services), services, pid)
    elif action == "verify":
        replies = await moderation.verify(turn_for(who.user, pid, services), services, pid)
    elif action == "reject":
        text = f"{pid} {str(data.get('reason', '')).strip()}"
        replies = await moderation.reject(turn_for(who.user, text, services), services, text)
    else:
        text = f"{pid} {str(data.get('field', '')).strip()} {str(data.get('value', '')).strip()}"
        replies = await moderation.edit_posting(turn_for(who.user, text, services), services,
                                                text)  # fmt: skip
    return await done(request, "\n".join(r.text for r in replies), "/console/")


def shown_status(posting: Posting, now: datetime) -> PostingStatus:
    """The status a page shows: a published posting past its expiry is 已过期, never 招聘中."""
    expired = posting.expires_at is not None and posting.expires_at <= now
    return (
        PostingStatus.EXPIRED
        if posting.status is PostingStatus.PUBLISHED and expired
        else (posting.status)
    )


def _filter_form(query: Mapping[str, str], sources: list[str], lang: str) -> str:
    def select(name: str, options: list[tuple[str, str]]) -> str:
        chosen = query.get(name, "")
        items = "".join(
            f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(text)}</option>'
            for v, text in [("", t(f"web.filter.{name}", lang)), *options]
        )
        return f'<select name="{name}">{items}</select>'

    return (
        '<form method="get" action="/console/postings">'
        + select("district", [(d, d) for d in TIANJIN_DISTRICTS])
        + select("status", [(s.value, t(f"intake.status.{s.value}", lang)) for s in PostingStatus])
        + select("source", [(x, x) for x in sources])
        + select(
            "expiry",
            [("active", t("web.filter.active", lang)), ("expired", t("web.filter.expired", lang))],
        )
        + f"<button>{esc(t('web.filter.apply', lang))}</button></form>"
    )


async def postings(request: web.Request) -> web.Response:
    """GET /console/postings?district=&status=&source=&expiry=: postings with pay, source,
    expiry, reach, interest and 已招满 reports; each links to its detail page."""
    services = request.config_dict[SERVICES]
    lang = signed_in(request).user.lang
    now = services.clock()
    query = request.query
    found = await services.postings.with_status(*PostingStatus)
    sources = sorted({p.source for p in found if p.source})
    wanted = query.get("status", "")
    kept = [
        p for p in found
        if query.get("district", "") in ("", p.district)
        and query.get("source", "") in ("", p.source)
        and wanted in ("", shown_status(p, now).value)
        and query.get("expiry", "") in ("", "expired" if shown_status(p, now)
                                        is PostingStatus.EXPIRED else "active")
    ]  # fmt: skip
    kept.sort(key=lambda p: p.id or 0, reverse=True)
    deliveries = services.repos.deliveries
    rows = []
    for p in kept[:LIST_SHOWN]:
        assert p.id is not None
        s = await deliveries.reach_stats(p.id)
        bc = link(f"/console/postings/{p.id}/broadcast", t("web.action.broadcast", lang))
        expires = local(p.expires_at).strftime("%Y-%m-%d") if p.expires_at else ""
        rows.append((
            link(f"/console/postings/{p.id}", f"#{p.id}"), p.title, p.district or "",
            t(f"intake.status.{shown_status(p, now)}", lang),
            (pay_text(p.pay) or "") if p.pay else "", p.source or "", expires,
            bc, s.sent, s.waiting, s.interested, s.reported_full,
        ))  # fmt: skip
    headers = [t(f"web.postings.{k}", lang) for k in
               ("id", "title", "district", "status", "pay", "source", "expires", "broadcast",
                "sent", "waiting", "interested", "full")]  # fmt: skip
    body = _filter_form(query, sources, lang) + table(headers, rows, 8)
    return await render(request, t("web.nav.postings", lang), body)


async def posting_detail(request: web.Request) -> web.Response:
    """GET /console/postings/{id}: the original text, the parsed fields, status and reach."""
    services = request.config_dict[SERVICES]
    lang = signed_in(request).user.lang
    posting = await services.postings.get(int(request.match_info["id"]))
    if posting is None or posting.id is None:
        raise web.HTTPNotFound()
    s = await services.repos.deliveries.reach_stats(posting.id)
    expires = local(posting.expires_at).strftime("%Y-%m-%d %H:%M") if posting.expires_at else "—"
    facts = table(
        [t("web.bc.what", lang), t("web.bc.count", lang)],
        [(t("web.postings.status", lang),
          t(f"intake.status.{shown_status(posting, services.clock())}", lang)),
         (t("web.postings.expires", lang), expires),
         (t("web.postings.sent", lang), s.sent), (t("web.postings.waiting", lang), s.waiting),
         (t("web.postings.interested", lang), s.interested),
         (t("web.postings.full", lang), s.reported_full)],
    )  # fmt: skip
    original = posting.original_text or posting.description
    body = (
        f"<h2>#{posting.id} {esc(posting.title)}</h2>{facts}"
        f'<div class="cols"><div><h3>{esc(t("web.queue.original", lang))}</h3>'
        f"<pre>{esc(original)}</pre></div><div><h3>{esc(t('web.queue.parsed', lang))}</h3>"
        f"{_fields(posting, lang)}</div></div><p>"
        + link(f"/console/postings/{posting.id}/broadcast", t("web.action.broadcast", lang))
        + "</p>"
    )
    return await render(request, f"#{posting.id} {posting.title}", body)


def _district(user: User, posting: Posting) -> str | None:
    """A caseworker broadcasts in their own district; an admin in the posting's."""
    return posting.district if user.role is Role.ADMIN else user.district


async def broadcast_page(request: web.Request) -> web.Response:
    """GET /console/postings/{id}/broadcast: the reach preview and the send buttons."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    posting = await services.postings.get(int(request.match_info["id"]))
    if posting is None or posting.id is None:
        raise web.HTTPNotFound()
    district = _district(who.user, posting)
    reach = await broadcast.preview(services, posting, district, services.clock())
    await services.audit.record(
        str(who.user.key), "broadcast:preview", allowed=True, now=services.clock(),
        target=str(posting.id), detail=f"web {district} matched={reach.matched} new={reach.new}",
    )  # fmt: skip
    where = district or t("caseworker.everywhere", lang)
    facts = table(
        [t("web.bc.what", lang), t("web.bc.count", lang)],
        [(t("web.bc.district", lang), where), (t("web.bc.matched", lang), reach.matched),
         (t("web.bc.already", lang), reach.already), (t("web.bc.new", lang), reach.new),
         (t("web.bc.group", lang), t("web.yes" if reach.has_group else "web.no", lang))],
    )  # fmt: skip
    notes = ""
    if posting.status is not PostingStatus.PUBLISHED:
        notes = f"<p>{esc(t('caseworker.bc.will_publish', lang))}</p>"
    action = f"/console/postings/{posting.id}/broadcast"
    buttons = "".join(
        form(action, who.csrf, t(f"web.bc.send.{target}", lang),
             f'<input type="hidden" name="target" value="{target}">',
             disabled=target != "group" and reach.new == 0)
        for target in broadcast.TARGETS
        if target == "seekers" or reach.has_group
    )  # fmt: skip
    if (left := broadcast.left_out_line(reach.left_out)) is not None:
        notes += f"<p>{esc(left)}</p>"
    if reach.new == 0:
        notes += f"<p>{esc(t('web.bc.nobody', lang))}</p>"
    body = (
        f"<h2>#{posting.id} {esc(posting.title)}</h2>"
        f"<p>{esc(t(f'intake.status.{posting.status}', lang))}</p>{facts}{notes}"
        f"<p>{esc(t('caseworker.bc.limits', lang))}</p><div>{buttons}</div>"
    )
    return await render(request, t("web.bc.title", lang), body)


async def broadcast_send(request: web.Request) -> web.StreamResponse:
    """POST /console/postings/{id}/broadcast: publish if needed and queue the pushes."""
    services = request.config_dict[SERVICES]
    who = signed_in(request)
    lang = who.user.lang
    pid = int(request.match_info["id"])
    target = str((await request.post()).get("target", ""))
    posting = await services.postings.get(pid)
    if posting is None or target not in broadcast.TARGETS:
        raise web.HTTPNotFound()
    district = _district(who.user, posting)
    result = await broadcast.send_broadcast(services, pid, district, target,
                                            staff_name(who.user))  # fmt: skip
    await services.audit.record(
        str(who.user.key), "broadcast:send", allowed=result.refused is None,
        now=services.clock(), target=str(pid),
        detail=f"web {target} {district} queued={result.queued} refused={result.refused}",
    )  # fmt: skip
    if result.refused is not None:
        notice = t(result.refused, lang, id=pid)
    else:
        lines = []
        if result.published_now:
            lines.append(t("caseworker.bc.published", lang, id=pid, n=result.published_queued))
        lines.append(t("caseworker.bc.queued", lang, queued=result.queued,
                       matched=result.matched, suppressed=result.suppressed))  # fmt: skip
        notice = "\n".join(lines)
    return await done(request, notice, f"/console/postings/{pid}/broadcast")


def add_routes(router: web.UrlDispatcher) -> None:
    """The posting pages, relative to /console."""
    router.add_get("/", queue)
    router.add_get("/postings", postings)
    # Ids fit 64 bits: 19+ digits match no route (a 404, never an OverflowError).
    router.add_get(r"/postings/{id:\d{1,18}}", posting_detail)
    router.add_get(r"/postings/{id:\d{1,18}}/broadcast", broadcast_page)
    router.add_post(r"/postings/{id:\d{1,18}}/broadcast", broadcast_send)  # before the actions
    router.add_post(r"/postings/{id:\d{1,18}}/{action:[a-z]+}", act)
