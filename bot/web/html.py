"""HTML building blocks of the console: escaping, the page frame, tables, forms, the bar chart.

Every value is escaped by `esc` on its way into markup; only the fixed markup of this package
is trusted. The chart is inline SVG (no JavaScript library) so the page works offline.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from handlers.texts import t

CSS = """
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,"PingFang SC","Noto Sans CJK SC",
sans-serif;color:#222;background:#f5f6f8}header{background:#1f5fa8;color:#fff;padding:.5em 1em}
header a{color:#fff;margin-right:1em;text-decoration:none}header b{margin-right:1.5em}
main{padding:1em;max-width:1100px;margin:auto}table{border-collapse:collapse;width:100%;
background:#fff}th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1em;margin:0 0 1em}
.cols{display:flex;gap:1em;flex-wrap:wrap}.cols>div{flex:1 1 300px;min-width:0}
pre{white-space:pre-wrap;word-break:break-all;background:#fafafa;padding:.5em;margin:0}
.risk{color:#a40000}.flash{background:#e8f4e8;border:1px solid #9c9;padding:.5em;margin-bottom:1em}
form{display:inline-block;margin:.2em .3em .2em 0}button{padding:.3em .8em}
.num{text-align:right}.scroll{overflow-x:auto}dl{margin:0}dt{font-weight:bold;float:left;
clear:left;width:6em}dd{margin:0 0 .2em 6.5em}
@media (max-width:600px){main{padding:.5em}header a{display:inline-block;margin:.2em .6em .2em 0}}
"""


def esc(value: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def page(
    title: str,
    body: str,
    lang: str,
    who: str | None = None,
    flash: str | None = None,
    csrf: str = "",
) -> str:
    """A whole document: viewport meta for phones, the navigation and the body."""
    nav = f"<header><b>{esc(t('web.brand', lang))}</b></header>"
    if who is not None:
        links = (
            ("/console/", "web.nav.queue"), ("/console/postings", "web.nav.postings"),
            ("/console/seekers", "web.nav.seekers"), ("/console/stats", "web.nav.stats"),
            ("/console/import", "web.nav.import"), ("/console/groups", "web.nav.groups"),
        )  # fmt: skip
        nav = "".join(f'<a href="{href}">{esc(t(key, lang))}</a>' for href, key in links)
        out = form("/console/logout", csrf, t("web.signout", lang))
        nav = (
            f"<header><b>{esc(t('web.brand', lang))}</b>{nav}<span>{esc(who)}</span>{out}</header>"
        )
    note = f'<div class="flash" role="status">{esc(flash)}</div>' if flash else ""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{nav}"
        f"<main><h1>{esc(title)}</h1>{note}{body}</main></body></html>"
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric_from: int = 99) -> str:
    """A scrollable table; columns from `numeric_from` on are right-aligned numbers."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="num">{esc(v)}</td>' if i >= numeric_from else f"<td>{cell(v)}</td>"
            for i, v in enumerate(row)
        ) + "</tr>"
        for row in rows
    )  # fmt: skip
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'


class Markup(str):
    """Markup built by this package (links, forms) that `table` must not escape again."""

    __slots__ = ()


def cell(value: object) -> str:
    """A table cell: our own markup as is, anything else escaped."""
    return str(value) if isinstance(value, Markup) else esc(value)


def link(href: str, text: str) -> Markup:
    """A link whose text is escaped."""
    return Markup(f'<a href="{esc(href)}">{esc(text)}</a>')


def form(action: str, csrf: str, label: str, fields: str = "", disabled: bool = False) -> str:
    """A POST form with the session's CSRF token and one submit button (greyed out when
    there is nothing it could do)."""
    button = "<button disabled>" if disabled else "<button>"
    return (
        f'<form method="post" action="{esc(action)}">'
        f'<input type="hidden" name="csrf" value="{esc(csrf)}">{fields}'
        f"{button}{esc(label)}</button></form>"
    )


def bar_chart(groups: Sequence[tuple[str, Sequence[int]]], series: Sequence[str]) -> str:
    """Horizontal bars per group (district), one bar per series, scaled to the largest value."""
    colours = ("#1f5fa8", "#3a9a4a", "#c77c1e")
    bar_h, gap, label_w, width = 14, 10, 70, 420
    top = max([v for _, values in groups for v in values] + [1])
    rows, y = [], 24
    legend = "".join(
        f'<rect x="{label_w + i * 130}" y="4" width="12" height="12" fill="{colours[i]}"/>'
        f'<text x="{label_w + i * 130 + 16}" y="15" font-size="12">{esc(name)}</text>'
        for i, name in enumerate(series)
    )
    for name, values in groups:
        rows.append(f'<text x="0" y="{y + bar_h}" font-size="12">{esc(name)}</text>')
        for i, value in enumerate(values):
            w = round((width - label_w - 40) * value / top)
            rows.append(
                f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h - 2}" '
                f'fill="{colours[i % 3]}"/><text x="{label_w + w + 4}" y="{y + bar_h - 3}" '
                f'font-size="11">{value}</text>'
            )
            y += bar_h
        y += gap
    return (
        f'<svg role="img" viewBox="0 0 {width} {y}" width="100%" style="max-width:{width}px;'
        f'background:#fff" xmlns="http://www.w3.org/2000/svg">{legend}{"".join(rows)}</svg>'
    )
