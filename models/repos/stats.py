"""Monthly statistics per district (the official 联系服务 table plus Yizhan's own figures).

Definitions, so that the identities hold by construction:
- 下发人数: people on the register of the district who were still unemployed at some point of the
  month (imported before its end; not closed or employed before its start).
- 联系服务人数: of those, people with at least one successful contact in the month.
- 联系不到人数: the rest (no successful contact: failed attempts or none), so 1 = 2 + 3.
- 已就业人数: contacted people whose register status is 已就业 by the end of the month;
  未就业人数: the other contacted people, so 3 = 4 + 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.db import Database
from models.register import UNREACHED
from models.timeutil import to_db


@dataclass(frozen=True, slots=True)
class DistrictMonth:
    """One row of the monthly table."""

    district: str
    issued: int  # 下发人数
    unreachable: int  # 联系不到人数
    served: int  # 联系服务人数
    employed: int  # 已就业人数
    unemployed: int  # 未就业人数
    never_attempted: int  # of 联系不到: nobody tried (an honest sub-figure)
    postings: int  # postings published in the month
    pushes: int  # pushes sent
    interested: int  # 感兴趣 taps
    hired_after_push: int  # 已找到工作 from a seeker who had received a push


_PEOPLE = """
WITH issued AS (
    SELECT r.id, r.user_id, r.status, r.status_at
    FROM register r
    WHERE r.district = :district AND r.imported_at < :end
      AND NOT (r.status IN ('closed', 'employed') AND r.status_at < :start)
),
touched AS (
    SELECT i.id,
           MAX(CASE WHEN c.id IS NOT NULL AND (c.outcome IS NULL OR c.outcome != :unreached)
                    THEN 1 ELSE 0 END) AS ok,
           COUNT(c.id) AS attempts
    FROM issued i
    LEFT JOIN contacts c
      ON (c.register_id = i.id OR (i.user_id IS NOT NULL AND c.user_id = i.user_id))
     AND c.at >= :start AND c.at < :end
    GROUP BY i.id
)
SELECT
    COUNT(*) AS issued,
    SUM(CASE WHEN t.ok = 1 THEN 1 ELSE 0 END) AS served,
    SUM(CASE WHEN t.ok = 1 AND i.status = 'employed' AND i.status_at < :end
             THEN 1 ELSE 0 END) AS employed,
    SUM(CASE WHEN t.attempts = 0 THEN 1 ELSE 0 END) AS never_attempted
FROM issued i JOIN touched t ON t.id = i.id
"""

_YIZHAN = """
SELECT
    (SELECT COUNT(*) FROM postings p
      WHERE p.district = :district AND p.published_at >= :start AND p.published_at < :end)
      AS postings,
    (SELECT COUNT(*) FROM deliveries d JOIN postings p ON p.id = d.posting_id
      WHERE p.district = :district AND d.state = 'sent'
        AND d.sent_at >= :start AND d.sent_at < :end) AS pushes,
    (SELECT COUNT(*) FROM feedback f JOIN postings p ON p.id = f.posting_id
      WHERE p.district = :district AND f.kind = 'interested'
        AND f.at >= :start AND f.at < :end) AS interested,
    (SELECT COUNT(DISTINCT f.user_id) FROM feedback f
       JOIN seekers s ON s.user_id = f.user_id
      WHERE f.kind = 'found' AND f.at >= :start AND f.at < :end
        AND json_extract(s.districts, '$[0]') = :district
        AND EXISTS (SELECT 1 FROM deliveries d WHERE d.seeker_user_id = f.user_id
                    AND d.state = 'sent' AND d.sent_at <= f.at)) AS hired
"""


class StatsRepo:
    """Read-only statistics queries."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def districts_with_data(self) -> list[str]:
        """Districts that appear on the register or in postings."""
        rows = await self._db.fetchall(
            "SELECT district FROM register WHERE district IS NOT NULL"
            " UNION SELECT district FROM postings WHERE district IS NOT NULL ORDER BY 1"
        )
        return [r[0] for r in rows]

    async def month(self, district: str, start: datetime, end: datetime) -> DistrictMonth:
        """The table row of one district for the month [start, end)."""
        params = {
            "district": district,
            "start": to_db(start),
            "end": to_db(end),
            "unreached": UNREACHED,
        }
        people = await self._db.fetchone(_PEOPLE, params)
        ours = await self._db.fetchone(
            _YIZHAN, {k: v for k, v in params.items() if k != "unreached"}
        )
        assert people is not None
        assert ours is not None
        issued = int(people["issued"] or 0)
        served = int(people["served"] or 0)
        employed = int(people["employed"] or 0)
        return DistrictMonth(
            district=district,
            issued=issued,
            unreachable=issued - served,
            served=served,
            employed=employed,
            unemployed=served - employed,
            never_attempted=int(people["never_attempted"] or 0),
            postings=int(ours["postings"] or 0),
            pushes=int(ours["pushes"] or 0),
            interested=int(ours["interested"] or 0),
            hired_after_push=int(ours["hired"] or 0),
        )
