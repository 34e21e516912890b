"""Where people came from: the scene of the QR code or 微信客服 link that brought them (issue 21).

The only writer of `user_origins`. The first touch wins, so a seeker who later scans another
group's code still counts for the group that brought them; the row goes with the user on
删除我的信息 (ON DELETE CASCADE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from models.db import Database
from models.timeutil import from_db, to_db

Source = Literal["wechat_qr", "kf_link"]


@dataclass(frozen=True, slots=True)
class Origin:
    """The first QR code or link a person came through."""

    source: Source
    scene: str
    at: datetime


class OriginRepo:
    """Read and write `user_origins`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, user_id: int, source: Source, scene: str, at: datetime) -> bool:
        """Keep `scene` as the user's origin unless they have one; True when it was new."""
        scene = scene.strip()
        if not scene:
            return False
        async with self._db.transaction() as tx:
            changed = await tx.executemany(
                "INSERT INTO user_origins (user_id, source, scene, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO NOTHING",
                [(user_id, source, scene, to_db(at))],
            )
        return changed > 0

    async def of(self, user_id: int) -> Origin | None:
        """The user's origin, if a QR code or link brought them."""
        row = await self._db.fetchone(
            "SELECT source, scene, at FROM user_origins WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return None
        at = from_db(row["at"])
        assert at is not None
        return Origin(row["source"], row["scene"], at)

    async def counts_by_scene(self) -> dict[str, int]:
        """How many people each scene brought, for `yizhan stats` and the console."""
        rows = await self._db.fetchall(
            "SELECT scene, COUNT(*) AS n FROM user_origins GROUP BY scene ORDER BY scene"
        )
        return {row["scene"]: int(row["n"]) for row in rows}
