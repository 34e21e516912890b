"""Where people came from, counted (#21): per customer group, per 驿站 QR code, per posting."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from bot.channels.wecom.groups import group_scene
from bot.cli import app
from bot.groups.origin_report import origin_rows, posting_interest
from handlers.context import Services
from models.db import Database
from models.messages import Channel, DialogKey
from models.repos.customer_groups import CustomerGroupRepo, SyncedGroup
from models.repos.feedback import FeedbackRepo
from models.repos.origins import OriginRepo
from models.repos.outreach import OutreachRepo
from models.seeker import SeekerProfile
from tests.delivery_builders import make_posting

pytestmark = pytest.mark.backends

NOV = datetime(2026, 11, 10, 2, tzinfo=UTC)
START, END = datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC)


async def _fill(services: Services) -> dict[str, int]:
    groups = CustomerGroupRepo(services.db)
    await groups.save_synced([SyncedGroup("wrAAA1", "张家窝保洁群", "zhangsan", 120),
                              SyncedGroup("wrBBB2", "杨柳青普工群", "lisi", 80)], NOV)  # fmt: skip
    job = await make_posting(services, "商场保洁员")
    other = await make_posting(services, "小区保洁")
    origins, feedback = OriginRepo(services.db), FeedbackRepo(services.db)
    people = {}
    for name, scene, complete in (
        ("a", group_scene("wrAAA1"), True),
        ("b", group_scene("wrAAA1"), False),
        ("c", "西青区-张家窝驿站", True),
        ("d", "西青区-张家窝驿站", True),
    ):
        user = await services.users.get_or_create(DialogKey(Channel.WECOM, name), NOV)
        people[name] = user.id
        await origins.record(user.id, "kf_link", scene, NOV)
        if complete:
            profile = SeekerProfile(user_id=user.id, categories=("A",), completed_at=NOV)
            await services.seekers.save(profile, NOV)
    later = NOV + timedelta(days=2)
    await feedback.record(people["a"], job, "interested", later)
    await feedback.record(people["a"], other, "interested", later)
    await feedback.record(people["c"], job, "not", later)  # not interest
    await OutreachRepo(services.db).record_reply(job, people["d"], later)  # a "J12" reply
    await feedback.record(people["d"], job, "interested", datetime(2026, 12, 2, tzinfo=UTC))
    return {"job": job, "other": other}


async def test_groups_stations_and_posts_are_counted(services):
    ids = await _fill(services)
    rows = await origin_rows(services.repos, START, END, "zh")
    assert [(r.kind, r.name, r.came, r.signed_up, r.interested) for r in rows] == [
        ("客户群", "张家窝保洁群", 2, 1, 2),
        ("客户群", "杨柳青普工群", 0, 0, 0),  # synced, nobody came yet: still listed
        ("驿站/海报", "西青区-张家窝驿站", 2, 2, 1),  # December's tap is not November's
    ]
    interest = await posting_interest(services.repos, START, END)
    assert sorted((name, p.posting_id, p.people) for name, p in interest) == sorted([
        ("张家窝保洁群", ids["job"], 1), ("张家窝保洁群", ids["other"], 1),
        ("西青区-张家窝驿站", ids["job"], 1),
    ])  # fmt: skip


def test_yizhan_stats_shows_where_people_came_from(db_path):
    async def fill() -> None:
        async with Database.open(db_path) as db:
            await _fill(Services(db=db))

    asyncio.run(fill())
    result = CliRunner().invoke(app, ["--db", str(db_path), "stats", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "来源统计" in result.output
    line = next(li for li in result.output.splitlines() if "张家窝保洁群" in li)
    assert [cell.strip() for cell in line.split("│")[1:6]] == ["客户群", "张家窝保洁群", "2", "1",
                                                              "2"]  # fmt: skip
