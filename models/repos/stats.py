"""The monthly 失业人员就业服务攻坚行动统计表 per district, plus Yizhan's own figures.

The table is handed in before the 25th with the situation as of the 20th, so a month's period
runs from the 21st of the month before to the end of the 20th (Tianjin time). Definitions:
- 下发人数 (1): people on the district's register, imported before the period ends, who were
  still unemployed when it began (not closed or employed before it).
- 联系服务人数 (3): of those, people with at least one successful contact in the period.
- 联系不到人数 (2): people with no successful contact but a recorded failed attempt in the
  period, or marked 联系不到 (after failed attempts) by its end. Nobody is counted as
  unreachable for never having been tried: those are `not_contacted`, and 1 = 2 + 3 holds
  exactly when that is zero (the caseworker still has people to call before handing it in).
- 已就业人数 (4): served people whose register status is 已就业 by the end; 未就业 (5) the other
  served people, so 3 = 4 + 5 always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.db import Database
from models.register import UNREACHED
from models.timeutil import LOCAL_TZ, to_db

REPORT_DAY = 20  # 截至当月20日
DUE_DAY = 25  # 各区于每月25日前上报


@dataclass(frozen=True, slots=True)
class DistrictMonth:
    """One row of the monthly table and the matching row of Yizhan's own sheet."""

    district: str
    issued: int  # (1) 下发人数
    unreachable: int  # (2) 联系不到人数
    served: int  # (3) 联系服务人数
    employed: int  # (4) 已就业人数
    unemployed: int  # (5) 未就业人数
    not_contacted: int  # issued but nobody tried in the period
    postings: int  # postings published in the period
    pushes: int  # pushes sent
    interested: int  # 感兴趣 taps
    hired_after_push: int  # 已找到工作 from a seeker who had received a push


def report_period(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a YYYY-MM report: the 21st of the month before to the end of the 20th.

    Raises ValueError for anything but YYYY-MM.
    """
    year_text, sep, month_text = month.partition("-")
    if not sep or len(year_text) != 4 or len(month_text) != 2:
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    if not (year_text + month_text).isdigit() or not 1 <= int(month_text) <= 12:
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    year, mon = int(year_text), int(month_text)
    before = (year - 1, 12) if mon == 1 else (year, mon - 1)
    start = datetime(before[0], before[1], REPORT_DAY + 1, tzinfo=LOCAL_TZ)
    return start, datetime(year, mon, REPORT_DAY + 1, tzinfo=LOCAL_TZ)


_PEOPLE = """
WITH issued AS (
    SELECT r.id, r.user_id, r.district, r.status, r.status_at
    FROM register r
    WHERE r.imported_at < :end
      AND NOT (r.status IN ('closed', 'employed') AND r.status_at < :start)
),
touched AS (
    SELECT i.id,
           MAX(CASE WHEN c.id IS NOT NULL AND (c.outcome IS NULL OR c.outcome != :unreached)
                    THEN 1 ELSE 0 END) AS ok,
           MAX(CASE WHEN c.outcome = :unreached THEN 1 ELSE 0 END) AS failed
    FROM issued i
    LEFT JOIN contacts c
      ON (c.register_id = i.id OR (i.user_id IS NOT NULL AND c.user_id = i.user_id))
     AND c.at >= :start AND c.at < :end
    GROUP BY i.id
)
SELECT
    i.district,
    COUNT(*) AS issued,
    SUM(t.ok) AS served,
    SUM(CASE WHEN t.ok = 0 AND (t.failed = 1 OR (i.status = 'unreachable'
             AND i.status_at < :end)) THEN 1 ELSE 0 END) AS unreachable,
    SUM(CASE WHEN t.ok = 1 AND i.status = 'employed' AND i.status_at < :end
             THEN 1 ELSE 0 END) AS employed
FROM issued i JOIN touched t ON t.id = i.id
GROUP BY i.district
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

    async def table(
        self, districts: tuple[str, ...], start: datetime, end: datetime
    ) -> list[DistrictMonth]:
        """One row per district, in the given order, zeros included, for [start, end)."""
        params = {"start": to_db(start), "end": to_db(end), "unreached": UNREACHED}
        people = {r["district"]: r for r in await self._db.fetchall(_PEOPLE, params)}
        rows = []
        for district in districts:
            ours = await self._db.fetchone(
                _YIZHAN, {"district": district, "start": params["start"], "end": params["end"]}
            )
            assert ours is not None
            found = people.get(district)
            issued = int(found["issued"]) if found else 0
            served = int(found["served"] or 0) if found else 0
            unreachable = int(found["unreachable"] or 0) if found else 0
            employed = int(found["employed"] or 0) if found else 0
            rows.append(
                DistrictMonth(
                    district=district,
                    issued=issued,
                    unreachable=unreachable,
                    served=served,
                    employed=employed,
                    unemployed=served - employed,
                    not_contacted=issued - served - unreachable,
                    postings=int(ours["postings"] or 0),
                    pushes=int(ours["pushes"] or 0),
                    interested=int(ours["interested"] or 0),
                    hired_after_push=int(ours["hired"] or 0),
                )
            )
        return rows


def total(rows: list[DistrictMonth], name: str) -> DistrictMonth:
    """The 合计 row: every figure summed."""
    sums = {
        f: sum(getattr(r, f) for r in rows)
        for f in DistrictMonth.__dataclass_fields__
        if f != "district"
    }
    return DistrictMonth(district=name, **sums)
