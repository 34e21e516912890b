"""The dispatcher on a fake clock: job cards, the seekers' controls, failures, WeChat windows."""

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.base import Pace
from bot.channels.fake import FakeSender, Faults, KeyedFakeSender
from bot.dispatcher import MAX_ATTEMPTS, MAX_PACE_WAIT_S, WINDOW_HOLD, Dispatcher
from bot.metrics import Metrics
from handlers.publishing import close_posting
from models.delivery import DeliveryState
from models.messages import Channel, Reply
from models.posting import Trust
from models.repos.deliveries import DeliveryRepo
from models.repos.outbox import OutboxRepo
from tests.delivery_builders import FakeTime, enqueue, make_posting, make_seeker, publish_now

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


def _dispatcher(services, clock, *senders, **options):
    time = FakeTime(clock)
    return Dispatcher(
        services,
        {s.channel: s for s in senders},
        monotonic=time.monotonic,
        sleep=time.sleep,
        rng=random.Random(7),
        **options,
    )


def _sender(clock, cls=KeyedFakeSender, channel=Channel.CONSOLE, **options):
    return cls(channel, clock=FakeTime(clock).monotonic, **options)


async def _published(services, days=3, **changes):
    posting = await make_posting(services, **changes)
    await publish_now(services, posting, services.clock() + timedelta(days=days))
    return posting


async def _outcomes(services, user_id):
    return [(d.state, d.outcome) for d in await DeliveryRepo(services.db).for_seeker(user_id)]


async def test_a_push_says_which_language_it_is_in(services, clock):
    # The sender renders its own hints in it (before issue 19 Telegram's were always Chinese).
    zh, en = await make_seeker(services, "u1"), await make_seeker(services, "u2", lang="en")
    await enqueue(services, await _published(services), [zh, en])
    sender = _sender(clock)
    await _dispatcher(services, clock, sender).run_until_idle()
    assert sorted((m.address, m.reply.lang) for m in sender.messages) == [
        ("u1", "zh"),
        ("u2", "en"),
    ]


async def test_a_job_card_goes_out_once_with_reason_badge_and_masked_phone(services, clock):
    seeker = await make_seeker(services, "u1")
    posting = await _published(services, trust=Trust.VERIFIED)
    await enqueue(services, posting, [seeker])
    sender = _sender(clock)
    dispatcher = _dispatcher(services, clock, sender)
    assert await dispatcher.run_until_idle() == 1
    assert await dispatcher.run_until_idle() == 0
    (message,) = sender.messages
    assert message.address == "u1"
    text = message.reply.text
    assert text.startswith("【已核实】保洁员")
    assert "推荐理由：保洁类 · 西青区" in text
    assert "138****5678" in text
    assert "13812345678" not in text
    assert [c.payload for c in message.reply.choices] == [
        f"fb:{posting}:interested",
        f"fb:{posting}:not",
        f"fb:{posting}:found",
    ]
    delivery = await DeliveryRepo(services.db).find(seeker, posting)
    assert delivery is not None
    assert (delivery.state, delivery.sent_at) == (DeliveryState.SENT, clock())


async def test_paused_employed_closed_and_unconsenting_seekers_get_nothing(services, clock):
    active = await make_seeker(services, "active")
    paused = await make_seeker(services, "paused", paused=True)
    employed = await make_seeker(services, "employed", status="employed")
    closed = await make_seeker(services, "closed", status="closed")
    no_consent = await make_seeker(services, "shy", consent=None)
    gone = await make_seeker(services, "gone")
    await services.users.set_subscribed(gone, False)
    everyone = [active, paused, employed, closed, no_consent, gone]
    await enqueue(services, await _published(services), everyone)
    sender = _sender(clock)
    await _dispatcher(services, clock, sender).run_until_idle()
    assert [m.address for m in sender.messages] == ["active"]
    reasons = {u: (await _outcomes(services, u))[0] for u in everyone}
    assert reasons == {
        active: (DeliveryState.SENT, "sent"),
        paused: (DeliveryState.SUPPRESSED, "paused"),
        employed: (DeliveryState.SUPPRESSED, "seeker_employed"),
        closed: (DeliveryState.SUPPRESSED, "seeker_closed"),
        no_consent: (DeliveryState.SUPPRESSED, "no_consent"),
        gone: (DeliveryState.SUPPRESSED, "unsubscribed"),
    }


async def test_quiet_hours_defer_to_their_end_and_each_seeker_sets_their_own(services, clock):
    clock.now = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # 23:30 in Tianjin
    default = await make_seeker(services, "default")
    night_owl = await make_seeker(services, "owl", quiet_start=0, quiet_end=0)
    late_riser = await make_seeker(services, "late", quiet_start=20, quiet_end=9)
    await enqueue(services, await _published(services), [default, night_owl, late_riser])
    sender = _sender(clock)
    dispatcher = _dispatcher(services, clock, sender)
    await dispatcher.run_until_idle()
    assert [m.address for m in sender.messages] == ["owl"]
    repo = DeliveryRepo(services.db)
    waiting = {d.seeker_user_id: d.due_at for d in await repo.all() if d.state == "queued"}
    assert waiting == {
        default: datetime(2026, 11, 23, 23, 0, tzinfo=UTC),  # 07:00 local
        late_riser: datetime(2026, 11, 24, 1, 0, tzinfo=UTC),  # 09:00 local
    }
    clock.now = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
    await dispatcher.run_until_idle()
    assert [m.address for m in sender.messages] == ["owl", "default"]
    clock.now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    await dispatcher.run_until_idle()
    assert [m.address for m in sender.messages] == ["owl", "default", "late"]


async def test_the_daily_cap_turns_the_rest_into_the_next_digest(services, clock):
    seeker = await make_seeker(services, "u1", daily_cap=2)
    postings = [await _published(services, title=f"岗位{i}") for i in range(4)]
    for posting in postings:
        await enqueue(services, posting, [seeker])
    sender = _sender(clock)
    dispatcher = _dispatcher(services, clock, sender)
    await dispatcher.run_until_idle()
    assert len(sender.messages) == 2
    (digest,) = await OutboxRepo(services.db).for_user(seeker)
    assert digest["due_at"] == "2026-11-24T00:00:00.000000Z"  # 08:00 tomorrow
    clock.now = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    await dispatcher.run_until_idle()
    assert len(sender.messages) == 3
    text = sender.messages[-1].reply.text
    assert text.startswith("为您整理了 2 个合适的岗位")
    assert "岗位2" in text
    assert "岗位3" in text
    assert [c.label for c in sender.messages[-1].reply.choices] == ["1号 感兴趣", "2号 感兴趣"]
    assert {s for s, _ in await _outcomes(services, seeker)} == {DeliveryState.SENT}
    # A new local day starts a new count: the next push goes out on its own.
    await enqueue(services, await _published(services, title="新岗位"), [seeker])
    await dispatcher.run_until_idle()
    assert sender.messages[-1].reply.text.startswith("新岗位")


async def test_digest_mode_groups_the_matches_into_one_message_at_the_chosen_hour(services, clock):
    seeker = await make_seeker(services, "u1", digest_hour=19)
    for i in range(3):
        await enqueue(services, await _published(services, title=f"岗位{i}"), [seeker])
    sender = _sender(clock)
    dispatcher = _dispatcher(services, clock, sender)
    await dispatcher.run_until_idle()
    assert sender.messages == []
    clock.now = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 19:00 local
    await dispatcher.run_until_idle()
    (message,) = sender.messages
    assert len(message.reply.choices) == 3
    assert message.reply.text.count("推荐理由") == 3


async def test_a_near_duplicate_is_never_pushed_twice(services, clock):
    seeker = await make_seeker(services, "u1")
    first = await _published(services, title="保洁A")
    second = await _published(services, title="保洁B")
    await enqueue(services, first, [seeker])
    await enqueue(services, second, [seeker])
    # Intake finds out later that the second post is the first one pasted elsewhere.
    posting = await services.postings.get(second)
    await services.postings.update(posting.with_(dup_of=first), clock())
    sender = _sender(clock)
    await _dispatcher(services, clock, sender).run_until_idle()
    assert len(sender.messages) == 1
    assert sorted(await _outcomes(services, seeker)) == [
        (DeliveryState.SENT, "sent"),
        (DeliveryState.SUPPRESSED, "near_duplicate"),
    ]


async def test_closed_and_expired_postings_are_not_pushed(services, clock):
    seeker = await make_seeker(services, "u1")
    closed = await _published(services, title="招满了")
    expiring = await _published(services, days=1, title="明天到期")
    await enqueue(services, closed, [seeker])
    await enqueue(services, expiring, [seeker])
    assert await close_posting(services, closed, "filled") == 1
    clock.advance(days=1, seconds=1)
    sender = _sender(clock)
    await _dispatcher(services, clock, sender).run_until_idle()
    assert sender.messages == []
    assert sorted(await _outcomes(services, seeker)) == [
        (DeliveryState.EXPIRED, "posting_closed:filled"),
        (DeliveryState.EXPIRED, "posting_expired"),
    ]


async def test_transient_errors_back_off_exponentially_then_fail_with_the_reason(services, clock):
    seeker = await make_seeker(services, "u1")
    await enqueue(services, await _published(services), [seeker])
    sender = _sender(clock, script=["server_error"] * MAX_ATTEMPTS)
    dispatcher = _dispatcher(services, clock, sender)
    repo = DeliveryRepo(services.db)
    gaps = []
    for _ in range(MAX_ATTEMPTS - 1):
        await dispatcher.run_until_idle()
        (delivery,) = await repo.for_seeker(seeker)
        assert delivery.state == DeliveryState.QUEUED
        gaps.append((delivery.due_at - clock()).total_seconds())
        clock.now = delivery.due_at
    for attempt, gap in enumerate(gaps, start=1):  # 30 s * 2^(n-1), jittered 0.5-1.5x
        assert 15 * 2 ** (attempt - 1) <= gap < 45 * 2 ** (attempt - 1)
    await dispatcher.run_until_idle()
    (delivery,) = await repo.for_seeker(seeker)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert delivery.outcome == "gave_up: Transient: server_error"
    history = [a.outcome for a in await repo.attempts(delivery.id)]
    assert history == ["transient"] * MAX_ATTEMPTS


@pytest.mark.parametrize("retry_after", [2.0, 30.0])
async def test_a_429_pauses_the_channel_and_requeues_without_counting(
    services, clock, retry_after
):
    seekers = [await make_seeker(services, f"u{i}") for i in range(3)]
    await enqueue(services, await _published(services), seekers)
    sender = _sender(clock, script=["rate_limited"], faults=Faults(retry_after=retry_after))
    start = clock().timestamp()
    dispatcher = _dispatcher(services, clock, sender, concurrency=1)
    await dispatcher.run_until_idle()
    if retry_after > MAX_PACE_WAIT_S:  # a long pause hands the batch back to the queue
        assert [c.result for c in sender.calls] == ["rate_limited"]
        clock.advance(seconds=retry_after)
        await dispatcher.run_until_idle()
    assert sender.early_calls == 0  # nobody called again before retry_after ran out
    assert len(sender.messages) == 3
    assert min(m.at for m in sender.messages) >= start + retry_after
    attempts = sorted(d.attempts for d in await DeliveryRepo(services.db).all())
    assert attempts == [1, 1, 1]  # the 429 did not count as an attempt


async def test_a_blocked_bot_unsubscribes_the_user_and_suppresses_the_rest(services, clock):
    seeker = await make_seeker(services, "u1")
    for i in range(3):
        await enqueue(services, await _published(services, title=f"岗位{i}"), [seeker])
    sender = _sender(clock, blocked={"u1"})
    await _dispatcher(services, clock, sender, concurrency=1, batch=1).run_until_idle()
    user = await services.users.by_id(seeker)
    assert user is not None
    assert not user.subscribed
    assert sorted(await _outcomes(services, seeker)) == [
        (DeliveryState.SUPPRESSED, "recipient_gone"),
        (DeliveryState.SUPPRESSED, "unsubscribed"),
        (DeliveryState.SUPPRESSED, "unsubscribed"),
    ]
    assert len(sender.calls) == 1


async def test_a_closed_wechat_window_waits_for_the_users_next_message(services, clock):
    seeker = await make_seeker(services, "openid-1", channel=Channel.WECHAT)
    for i in range(2):
        await enqueue(services, await _published(services, days=30, title=f"岗位{i}"), [seeker])
    sender = _sender(clock, channel=Channel.WECHAT, closed={"openid-1"})
    dispatcher = _dispatcher(services, clock, sender)
    await dispatcher.run_until_idle()
    assert sender.messages == []
    (held,) = await OutboxRepo(services.db).for_user(seeker)
    assert (held["kind"], held["hold"]) == ("digest", "window")
    clock.advance(hours=5)
    assert await dispatcher.run_until_idle() == 0  # still waiting
    # The user writes (the router records it): both jobs go out in one message.
    await services.users.touch_inbound(seeker, clock.advance(minutes=1))
    sender.open_window("openid-1")
    await dispatcher.run_until_idle()
    (message,) = sender.messages
    assert message.reply.text.startswith("为您整理了 2 个合适的岗位")
    assert {s for s, _ in await _outcomes(services, seeker)} == {DeliveryState.SENT}


async def test_on_user_message_releases_the_hold_and_silence_expires_it(services, clock):
    talker = await make_seeker(services, "talker", channel=Channel.WECHAT)
    silent = await make_seeker(services, "silent", channel=Channel.WECHAT)
    await enqueue(services, await _published(services, days=30), [talker, silent])
    sender = _sender(clock, channel=Channel.WECHAT, closed={"talker", "silent"})
    dispatcher = _dispatcher(services, clock, sender)
    await dispatcher.run_until_idle()
    sender.open_window("talker")
    await dispatcher.on_user_message(talker)
    await dispatcher.run_until_idle()
    assert [m.address for m in sender.messages] == ["talker"]
    clock.advance(seconds=WINDOW_HOLD.total_seconds())
    await dispatcher.run_until_idle()
    assert await _outcomes(services, silent) == [(DeliveryState.EXPIRED, "digest_window_closed")]


async def test_notices_go_out_through_the_same_lane(services, clock):
    boss = await make_seeker(services, "boss")
    await OutboxRepo(services.db).add_notice(boss, "note:1", Reply("岗位已招满？"), clock())
    sender = _sender(clock)
    await _dispatcher(services, clock, sender).run_until_idle()
    assert [m.reply.text for m in sender.messages] == ["岗位已招满？"]
    (row,) = await OutboxRepo(services.db).for_user(boss)
    assert row["state"] == "sent"


async def test_serve_sends_what_is_queued_while_it_runs(services):
    seeker = await make_seeker(services, "u1")
    sender = FakeSender(Channel.CONSOLE, Pace())
    dispatcher = Dispatcher(services, {Channel.CONSOLE: sender})
    stop = asyncio.Event()
    serving = asyncio.create_task(dispatcher.serve(stop))
    await asyncio.sleep(0.05)
    await enqueue(services, await _published(services), [seeker])
    dispatcher.wake()
    for _ in range(100):
        if sender.messages:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(serving, 5)
    assert len(sender.messages) == 1


async def test_deliveries_feed_metrics_and_one_log_line_each_without_the_text(
    services, clock, caplog
):
    seeker = await make_seeker(services, "u1")
    posting = await _published(services)
    await enqueue(services, posting, [seeker])
    metrics = Metrics()
    dispatcher = _dispatcher(services, clock, _sender(clock), metrics=metrics)
    with caplog.at_level(logging.INFO, logger="bot.dispatcher"):
        assert await dispatcher.run_until_idle() == 1
    (line,) = [r for r in caplog.records if r.getMessage().startswith("delivery ")]
    assert (
        line.getMessage() == f"delivery {line.delivery} to user {seeker} on console: sent (sent)"
    )
    assert (line.user_id, line.channel, line.state) == (seeker, "console", "sent")
    assert "保洁" not in caplog.text
    assert "138" not in caplog.text
    text = metrics.render().decode()
    assert 'yizhan_deliveries_total{channel="console",state="sent"} 1.0' in text
    assert 'yizhan_messages_out_total{channel="console"} 1.0' in text
    assert 'yizhan_send_seconds_count{channel="console"} 1.0' in text
