"""Expiry of postings that came through intake: gigs after 3 days, jobs after 30, then gone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.sheets.postings import import_postings
from handlers.context import Policy
from handlers.services.intake import store
from handlers.services.publishing import expire_due
from matching.parser import parse_post, to_posting
from models.posting import PostingStatus, Trust
from tests.chat_helpers import Chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

GIG = "明天西青区搬家，招4人，日结300，电话13920001111 王经理"
JOB = "诚聘会计 1名 全职 武清区 月薪5000-7000 电话 13399990000 钱经理"


async def publish_by_chat(services, user: str, text: str) -> int:
    chat = Chat(services, user)
    await chat.say(text)
    await chat.tap("确认发布")
    return (await services.postings.by_poster(await chat.user_id()))[0].id or 0


async def test_a_gig_expires_after_three_days_and_a_job_after_thirty(services, clock):
    start = clock()
    gig = await publish_by_chat(services, "a", GIG)
    job = await publish_by_chat(services, "b", JOB)
    gig_row, job_row = await services.postings.get(gig), await services.postings.get(job)
    assert gig_row is not None
    assert job_row is not None
    assert gig_row.expires_at == start + timedelta(days=3)
    assert job_row.expires_at == start + timedelta(days=30)

    clock.advance(days=2)
    assert await expire_due(services) == 0
    clock.advance(days=1, seconds=1)
    assert await expire_due(services) == 1
    expired = await services.postings.get(gig)
    assert expired is not None
    assert expired.status == PostingStatus.EXPIRED
    assert await services.postings.still_matchable([gig, job], clock()) == {job}
    clock.advance(days=27)
    assert await expire_due(services) == 1
    assert await services.postings.still_matchable([gig, job], clock()) == set()


async def test_the_expiry_follows_the_policy(services, clock):
    services.policy = Policy(gig_expiry_days=1, job_expiry_days=7)
    gig = await publish_by_chat(services, "a", GIG)
    row = await services.postings.get(gig)
    assert row is not None
    assert row.expires_at == clock() + timedelta(days=1)


async def test_an_expired_posting_is_not_merged_into_and_can_be_reposted(services, clock):
    gig = await publish_by_chat(services, "a", GIG)
    clock.advance(days=4)
    await expire_due(services)
    again = await store(
        services,
        to_posting(parse_post(GIG, clock())[0], trust=Trust.RELAYED, now=clock()),
        source="relay",
        now=clock(),
        push=False,
    )
    assert again.created  # the old one is expired: this is a new posting
    assert again.posting_id != gig

    boss = Chat(services, "a")
    await boss.say(f"重新发布 {gig}")
    assert "已发布" in boss.text
    reposted = await services.postings.get(gig)
    assert reposted is not None
    assert reposted.status == PostingStatus.PUBLISHED
    assert reposted.expires_at == clock() + timedelta(days=3)


async def test_a_closed_posting_stays_closed_when_its_time_comes(services, clock):
    gig = await publish_by_chat(services, "a", GIG)
    boss = Chat(services, "a")
    await boss.say(f"已招满 {gig}")
    clock.advance(days=5)
    assert await expire_due(services) == 0
    closed = await services.postings.get(gig)
    assert closed is not None
    assert closed.status == PostingStatus.CLOSED


async def test_imported_postings_expire_by_their_work_form(services, clock, tmp_path):
    rows = [
        {"id": "g", "title": "搬运工", "description": "南开区 日结200", "work_form": "零工"},
        {"id": "j", "title": "文员", "description": "河西区 月薪5000", "work_form": "全职"},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    await import_postings(services, path, source="feed")
    clock.advance(days=3, seconds=1)
    assert await expire_due(services) == 1
    gig = await services.postings.by_external_id("g")
    job = await services.postings.by_external_id("j")
    assert gig is not None
    assert job is not None
    assert (gig.status, job.status) == (PostingStatus.EXPIRED, PostingStatus.PUBLISHED)
