"""The origin figures as a caseworker reads them (#21): each scene named (a customer group by
its name, a 驿站 or poster QR code by its scene), every synced live group listed even at zero,
and the postings each origin was interested in. Shared by `yizhan stats` and the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.channels.wecom.groups import group_scene
from handlers.texts import t
from models.repos.origin_stats import PostingInterest
from models.repos.store import Repos


@dataclass(frozen=True, slots=True)
class OriginRow:
    """One origin: its kind (客户群 / 驿站·海报), name, and figures."""

    kind: str
    name: str
    came: int
    signed_up: int
    interested: int


async def scene_names(repos: Repos) -> dict[str, str]:
    """Scene -> group name, for the customer groups' link scenes."""
    return {group_scene(g.chat_id): g.name for g in await repos.customer_groups.all()}


async def origin_rows(repos: Repos, start: datetime, end: datetime, lang: str) -> list[OriginRow]:
    """Groups first (every live synced group, most people first), then the other scenes."""
    groups = {group_scene(g.chat_id): g for g in await repos.customer_groups.all()}
    counted = {c.scene: c for c in await repos.origin_stats.by_scene(start, end)}
    group_kind, other_kind = (t(f"groups.origins.kind.{k}", lang) for k in ("group", "station"))
    rows = []
    for scene, group in groups.items():
        c = counted.pop(scene, None)
        if c is None and group.dissolved:
            continue
        rows.append(OriginRow(group_kind, group.name, c.came if c else 0,
                              c.signed_up if c else 0, c.interested if c else 0))  # fmt: skip
    rows.sort(key=lambda r: (-r.came, r.name))
    rows += [OriginRow(other_kind, c.scene, c.came, c.signed_up, c.interested)
             for c in counted.values()]  # fmt: skip
    return rows


async def posting_interest(
    repos: Repos, start: datetime, end: datetime
) -> list[tuple[str, PostingInterest]]:
    """(scene as named, figures) per origin and posting, most interested first."""
    names = await scene_names(repos)
    return [
        (names.get(p.scene, p.scene), p)
        for p in await repos.origin_stats.interest_by_posting(start, end)
    ]
