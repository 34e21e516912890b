"""Duplicates collapse: exact copies, lightly edited copies, reposts the next day, same contact."""

from __future__ import annotations

import pytest

from handlers.services.intake import NewPosting, store, store_many_in
from matching.dedup import (
    NEAR_THRESHOLD,
    find_duplicate,
    fingerprint,
    grams,
    similarity,
    text_hash,
)
from matching.parser import parse_post, to_posting
from models.posting import Posting, PostingStatus, Trust
from models.repos.intake import PER_KEY

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

POST = (
    "急招！西青区张家窝 物流仓库分拣 10名 男女不限 18-50岁 日结180 包午饭 明早7点 "
    "联系 13812345678 王经理"
)
EDITED = (
    "【再发】急招 西青区张家窝 物流仓库分拣 12名 男女不限 18-50岁 日结200 包午饭 "
    "明天早上7点 联系 13812345678 王经理"
)
SAME_POSTER_OTHER_JOB = (
    "急招！西青区张家窝 物流仓库打包 5名 限女 20-45岁 日结160 包午饭 明早7点 "
    "联系 13812345678 王经理"
)


def posting(text: str, now) -> Posting:
    return to_posting(parse_post(text, now)[0], trust=Trust.RELAYED, now=now)


def test_exact_hash_ignores_emoji_spacing_and_punctuation():
    noisy = (
        "急招!!西青区张家窝物流仓库分拣 10名，男女不限 18-50岁 日结180 包午饭 明早7点 "
        "联系13812345678王经理 🔥🔥"
    )
    assert text_hash(POST) == text_hash(noisy)
    assert text_hash(POST) != text_hash(EDITED)


def test_similarity_separates_an_edited_copy_from_another_job():
    assert similarity(grams(POST), grams(EDITED)) >= NEAR_THRESHOLD
    assert similarity(grams(POST), grams(SAME_POSTER_OTHER_JOB)) < NEAR_THRESHOLD


def test_find_duplicate_kinds(clock):
    now = clock()
    first = posting(POST, now).with_(id=1, text_hash=text_hash(posting(POST, now).text))
    copy = posting(POST + " 🔥", now)
    assert find_duplicate(copy, fingerprint(copy), [first]).kind == "exact"  # type: ignore[union-attr]
    edited = posting(EDITED, now)
    found = find_duplicate(edited, fingerprint(edited), [first])
    assert found is not None
    assert found.kind == "near"
    assert found.posting_id == 1
    other = posting(SAME_POSTER_OTHER_JOB, now)
    assert find_duplicate(other, fingerprint(other), [first]) is None


def test_other_district_or_phone_is_another_job_however_alike(clock):
    now = clock()
    first = posting(POST, now).with_(id=1)
    elsewhere = posting(POST.replace("西青区张家窝", "南开区"), now)
    assert find_duplicate(elsewhere, fingerprint(elsewhere), [first]) is None
    other_phone = posting(POST.replace("13812345678", "13900001111"), now)
    assert find_duplicate(other_phone, fingerprint(other_phone), [first]) is None


def test_same_phone_category_district_and_pay_in_new_words(clock):
    now = clock()
    first = posting("西青区 分拣工 10名 日结180 电话13812345678", now).with_(id=1)
    reworded = posting("张家窝物流园急需仓库分拣，180一天日结，要10个人，打13812345678", now)
    assert reworded.district == first.district
    assert reworded.pay == first.pay
    found = find_duplicate(reworded, fingerprint(reworded), [first])
    assert found is not None
    assert found.kind == "contact"


async def test_pasted_in_many_groups_collapses_into_one_posting_with_its_sources(services, clock):
    now = clock()
    first = await store(services, posting(POST, now), source="relay:西青群", now=now, push=False)
    assert first.created
    assert first.status == PostingStatus.PUBLISHED
    again = await store(
        services, posting(POST + "😀", now), source="relay:津南群", now=now, push=False
    )
    edited = await store(
        services, posting(EDITED, now), source="relay:北辰群", now=now, push=False
    )
    assert not again.created
    assert again.duplicate is not None
    assert again.duplicate.kind == "exact"
    assert not edited.created
    assert edited.duplicate is not None
    assert edited.duplicate.kind == "near"
    assert again.posting_id == edited.posting_id == first.posting_id
    stored = await services.postings.get(first.posting_id)
    assert stored is not None
    assert stored.seen_count == 3
    sources = [s for s, _ in await services.postings.sources(first.posting_id)]
    assert sources == ["relay:西青群", "relay:津南群", "relay:北辰群"]
    assert len(await services.postings.with_status(PostingStatus.PUBLISHED)) == 1


async def test_a_repost_the_next_day_collapses_but_another_job_does_not(services, clock):
    first = await store(services, posting(POST, clock()), source="a", now=clock(), push=False)
    clock.advance(hours=26)
    repost = await store(services, posting(EDITED, clock()), source="b", now=clock(), push=False)
    assert repost.posting_id == first.posting_id
    assert not repost.created
    other = await store(
        services, posting(SAME_POSTER_OTHER_JOB, clock()), source="c", now=clock(), push=False
    )
    assert other.created
    assert other.posting_id != first.posting_id


async def test_after_the_dedup_window_a_repost_is_new(services, clock):
    first = await store(services, posting(POST, clock()), source="a", now=clock(), push=False)
    clock.advance(days=31)
    later = await store(services, posting(POST, clock()), source="b", now=clock(), push=False)
    assert later.created
    assert later.posting_id != first.posting_id


async def test_closed_postings_are_not_merged_into(services, clock):
    first = await store(services, posting(POST, clock()), source="a", now=clock(), push=False)
    async with services.db.transaction() as tx:
        await services.postings.set_status_in(tx, first.posting_id, PostingStatus.CLOSED, clock())
    again = await store(services, posting(POST, clock()), source="b", now=clock(), push=False)
    assert again.created


async def test_jobs_of_one_message_never_merge_with_each_other(services, clock):
    now = clock()
    text = "西青区招保洁2名，日结150，电话13800002222；另招保洁主管1名，日结200"
    jobs = [to_posting(j, trust=Trust.EMPLOYER, now=now) for j in parse_post(text, now)]
    assert len(jobs) == 2
    mine: list[int] = []
    for job in jobs:
        stored = await store(services, job, source="chat", now=now, push=False, exclude=mine)
        mine.append(stored.posting_id)
        assert stored.created
    assert len(set(mine)) == 2


async def test_a_batch_collapses_repeats_inside_itself(services, clock):
    now = clock()
    items = [NewPosting(posting(POST, now), f"import:f#{i}") for i in range(3)]
    items.append(NewPosting(posting(SAME_POSTER_OTHER_JOB, now), "import:f#3"))
    async with services.db.transaction() as tx:
        results = await store_many_in(services, tx, items, now=now, push=False)
    assert [r.created for r in results] == [True, False, False, True]
    assert results[1].posting_id == results[0].posting_id


async def test_lookup_keys_stay_bounded_for_templated_feeds(services, clock):
    now = clock()
    items = [
        NewPosting(
            posting(
                f"西青区{i}号院 招保洁{i % 9 + 1}名 日结{150 + i} 电话138{10000000 + i:08d}", now
            ),
            f"import:t#{i}",
        )
        for i in range(60)
    ]
    async with services.db.transaction() as tx:
        results = await store_many_in(services, tx, items, now=now, push=False)
    assert all(r.created for r in results)  # different phones: different employers
    rows = await services.db.fetchall(
        "SELECT key, COUNT(*) AS n FROM posting_dedup_keys GROUP BY key ORDER BY n DESC LIMIT 1"
    )
    assert rows[0]["n"] <= PER_KEY
