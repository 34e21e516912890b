"""The buttons under a push, through the real router: what each answer stores and changes."""

from datetime import timedelta

import pytest

from bot.delivery.dispatcher import Dispatcher
from handlers.router import handle
from handlers.seeker.feedback import FULL_REPORTS, PENALTY_STEP
from matching.weights import MAX_PENALTY_SHIFT
from models.delivery import DeliveryState
from models.messages import Channel, DialogKey, Incoming
from models.posting import PostingStatus
from models.repos.deliveries import DeliveryRepo
from models.values import Role
from tests.delivery_builders import FakeTime, enqueue, make_posting, make_seeker, publish_now
from tests.fakes.channel import KeyedFakeSender

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


async def _tap(services, who, payload):
    return await handle(Incoming(DialogKey(Channel.CONSOLE, who), payload=payload), services)


async def _published(services, **changes):
    posting = await make_posting(services, **changes)
    await publish_now(services, posting, services.clock() + timedelta(days=3))
    return posting


async def test_interested_gets_the_full_contact_once_counted(services):
    seeker = await make_seeker(services, "u1")
    posting = await _published(services)
    (reply,) = await _tap(services, "u1", f"fb:{posting}:interested")
    assert "王先生 13812345678" in reply.text  # unmasked, for this seeker only
    assert "中北镇" in reply.text
    await _tap(services, "u1", f"fb:{posting}:interested")
    stats = await DeliveryRepo(services.db).reach_stats(posting)
    assert stats.interested == 1
    rows = await services.db.fetchall("SELECT kind FROM feedback WHERE user_id = ?", (seeker,))
    assert [r["kind"] for r in rows] == ["interested"]


async def test_not_interested_asks_why_and_far_and_pay_shift_the_ranking(services):
    seeker = await make_seeker(services, "u1")
    postings = [await _published(services, title=f"岗位{i}") for i in range(7)]
    (ask,) = await _tap(services, "u1", f"fb:{postings[0]}:not")
    assert [c.label for c in ask.choices] == ["太远", "工资低", "不会这个活", "已招满", "其他"]
    assert ask.choices[0].payload == f"fb:{postings[0]}:not:far"
    assert (await DeliveryRepo(services.db).reach_stats(postings[0])).not_interested == 1
    (thanks,) = await _tap(services, "u1", f"fb:{postings[0]}:not:far")
    assert "更近" in thanks.text
    rows = await services.db.fetchall(
        "SELECT kind, reason FROM feedback WHERE user_id = ?", (seeker,)
    )
    assert [tuple(r) for r in rows] == [("not", "far")]  # the reason completes the first answer
    await _tap(services, "u1", f"fb:{postings[0]}:not:far")  # the same answer again: no change
    await _tap(services, "u1", f"fb:{postings[1]}:not:pay")
    profile = await services.seekers.get(seeker)
    assert profile.penalties == {"distance": PENALTY_STEP, "pay": PENALTY_STEP}
    for posting in postings[1:]:
        await _tap(services, "u1", f"fb:{posting}:not:far")
    profile = await services.seekers.get(seeker)
    assert profile.penalties["distance"] == pytest.approx(MAX_PENALTY_SHIFT)


async def test_full_from_several_seekers_notifies_poster_and_district_staff(services, clock):
    poster = await make_seeker(services, "boss")
    await services.users.set_role(poster, Role.EMPLOYER)
    local = await make_seeker(services, "staff-xq")
    await services.users.set_role(local, Role.CASEWORKER, district="西青区")
    elsewhere = await make_seeker(services, "staff-hp")
    await services.users.set_role(elsewhere, Role.CASEWORKER, district="和平区")
    posting = await _published(services, poster_user_id=poster)
    seekers = [await make_seeker(services, f"u{i}") for i in range(FULL_REPORTS + 2)]
    await enqueue(services, posting, seekers[-1:])
    for i in range(FULL_REPORTS - 1):
        await _tap(services, f"u{i}", f"fb:{posting}:not:full")
        await _tap(services, f"u{i}", f"fb:{posting}:not:full")  # one seeker counts once
    notices = await services.db.fetchall("SELECT user_id FROM outbox WHERE kind = 'notice'")
    assert notices == []
    await _tap(services, f"u{FULL_REPORTS - 1}", f"fb:{posting}:not:full")
    await _tap(services, f"u{FULL_REPORTS}", f"fb:{posting}:not:full")  # raised once only
    notices = await services.db.fetchall("SELECT user_id FROM outbox WHERE kind = 'notice'")
    assert sorted(r["user_id"] for r in notices) == sorted([poster, local])

    time = FakeTime(clock)
    sender = KeyedFakeSender(Channel.CONSOLE, clock=time.monotonic)
    dispatcher = Dispatcher(
        services, {Channel.CONSOLE: sender}, monotonic=time.monotonic, sleep=time.sleep
    )
    await dispatcher.run_until_idle()
    to_boss = [m for m in sender.messages if m.address == "boss"]
    assert len(to_boss) == 1
    assert f"已有 {FULL_REPORTS} 位求职者反馈" in to_boss[0].reply.text
    close = next(c for c in to_boss[0].reply.choices if c.label == "关闭岗位")
    refused = await _tap(services, "u0", close.payload)
    assert refused[0].text.startswith("抱歉，只有")
    (closed,) = await _tap(services, "boss", close.payload)
    assert "已关闭" in closed.text
    stored = await services.postings.get(posting)
    assert stored.status == PostingStatus.CLOSED


async def test_found_a_job_stops_pushes_and_writes_a_contact_record(services):
    seeker = await make_seeker(services, "u1")
    posting = await _published(services)
    other = await _published(services, title="别的岗位")
    await enqueue(services, other, [seeker])
    (reply,) = await _tap(services, "u1", f"fb:{posting}:found")
    assert reply.text.startswith("恭喜")
    await _tap(services, "u1", f"fb:{posting}:found")  # a second tap writes no second record
    profile = await services.seekers.get(seeker)
    assert profile.status == "employed"
    (record,) = await services.contacts.for_user(seeker)
    assert record.method == "上门"
    assert f"岗位 #{posting}" in record.content
    assert [(d.state, d.outcome) for d in await DeliveryRepo(services.db).for_seeker(seeker)] == [
        (DeliveryState.SUPPRESSED, "seeker_employed")
    ]
    again = reply.choices[0].payload
    (back,) = await _tap(services, "u1", again)
    assert "继续" in back.text
    assert (await services.seekers.get(seeker)).status == "active"


@pytest.mark.parametrize("payload", ["fb:999:interested", "fb:abc:not", "fb:1", "fb:1:dance"])
async def test_unknown_or_malformed_payloads_get_a_polite_answer(services, payload):
    await make_seeker(services, "u1")
    await _published(services)
    (reply,) = await _tap(services, "u1", payload)
    assert reply.text.startswith("抱歉，没有找到这个岗位")


async def test_a_closed_posting_gives_no_contact_and_english_users_read_english(services):
    await make_seeker(services, "u1", lang="en")
    posting = await _published(services)
    async with services.db.transaction() as tx:
        await services.postings.set_status_in(tx, posting, PostingStatus.CLOSED, services.clock())
    (reply,) = await _tap(services, "u1", f"fb:{posting}:interested")
    assert reply.text == "This job is no longer open; we'll keep sending you others."
