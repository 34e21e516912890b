"""Where people came from, counted (#21): per scene, how many came, signed up and were
interested; and per posting, the interest each scene brought. Read-only over user_origins,
seekers, feedback and group_post_replies.

"Came" counts the people whose first touch (their origin) fell in the period; "signed up" those
of them who completed a profile; "interested" their 感兴趣 taps and "J12" replies in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.db import Database
from models.timeutil import to_db


@dataclass(frozen=True, slots=True)
class SceneCount:
    """One scene's figures."""

    scene: str
    came: int
    signed_up: int
    interested: int


@dataclass(frozen=True, slots=True)
class PostingInterest:
    """Interest in one posting from the people one scene brought."""

    scene: str
    posting_id: int
    title: str
    people: int


# 感兴趣 taps and "J12" replies: both say "tell me more about this job".
_INTEREST = (
    "SELECT user_id, posting_id, at FROM feedback WHERE kind = 'interested'"
    " UNION ALL SELECT user_id, posting_id, at FROM group_post_replies"
)


class OriginStatsRepo:
    """The origin figures for `yizhan stats` and the console."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def by_scene(self, start: datetime, end: datetime) -> list[SceneCount]:
        """Per scene: came in [start, end), of them signed up, their interest in the period."""
        rows = await self._db.fetchall(
            "SELECT o.scene AS scene, COUNT(*) AS came,"
            " SUM(CASE WHEN s.completed_at IS NOT NULL THEN 1 ELSE 0 END) AS signed_up,"
            " SUM(COALESCE(i.n, 0)) AS interested"
            " FROM user_origins o"
            " LEFT JOIN seekers s ON s.user_id = o.user_id"
            f" LEFT JOIN (SELECT user_id, COUNT(*) AS n FROM ({_INTEREST}) AS a"
            "  WHERE at >= ? AND at < ? GROUP BY user_id) AS i ON i.user_id = o.user_id"
            " WHERE o.at >= ? AND o.at < ?"
            " GROUP BY o.scene ORDER BY came DESC, o.scene",
            (to_db(start), to_db(end), to_db(start), to_db(end)),
        )
        return [
            SceneCount(r["scene"], int(r["came"]), int(r["signed_up"] or 0),
                       int(r["interested"] or 0))
            for r in rows
        ]  # fmt: skip

    async def interest_by_posting(self, start: datetime, end: datetime) -> list[PostingInterest]:
        """Per scene and posting: how many people of that origin were interested in the period."""
        rows = await self._db.fetchall(
            "SELECT o.scene AS scene, p.id AS posting_id, p.title AS title,"
            " COUNT(DISTINCT a.user_id) AS people"
            f" FROM ({_INTEREST}) AS a"
            " JOIN user_origins o ON o.user_id = a.user_id"
            " JOIN postings p ON p.id = a.posting_id"
            " WHERE a.at >= ? AND a.at < ?"
            " GROUP BY o.scene, p.id, p.title ORDER BY people DESC, o.scene, p.id",
            (to_db(start), to_db(end)),
        )
        return [
            PostingInterest(r["scene"], int(r["posting_id"]), r["title"], int(r["people"]))
            for r in rows
        ]
