"""Pacing: a declared limit is never exceeded in any window, and nearly reached."""

import asyncio
import random

import pytest

from bot.channels.base import Pace
from bot.delivery.pacing import SAFETY, Pacer, achieved_rate, pace_violations, window_of
from tests.delivery_builders import FakeTime


@pytest.mark.parametrize(
    ("rate", "window"),
    [(30.0, (30, 1.0)), (20 / 60, (1, 3.0)), (2.5, (2, 0.8)), (None, None)],
)
def test_a_rate_becomes_n_sends_in_w_seconds(rate, window):
    found = window_of(Pace(global_per_s=rate))
    if window is None:
        assert found is None
    else:
        assert found is not None
        assert found[0] == window[0]
        assert found[1] == pytest.approx(window[1])


def test_the_checker_finds_breaches():
    pace = Pace(global_per_s=2.0, per_recipient_s=1.0)
    assert pace_violations([(0.0, "a"), (0.5, "b"), (1.0, "a"), (1.5, "b")], pace) == []
    too_many = pace_violations([(0.0, "a"), (0.4, "b"), (0.9, "c")], pace)
    assert len(too_many) == 1
    assert "3 sends within 0.9000s" in too_many[0]
    too_close = pace_violations([(0.0, "a"), (0.7, "a")], Pace(per_recipient_s=1.0))
    assert too_close == ["a: 0.7000s between sends at t=0.7000"]


async def _run(pacer, addresses, workers, record, clock):
    queue = list(addresses)

    async def worker():
        while queue:
            address = queue.pop(0)
            async with pacer.sending(address):
                record.append((clock.now.timestamp(), address))

    await asyncio.gather(*(worker() for _ in range(workers)))


@pytest.mark.parametrize(
    "pace",
    [Pace(30.0, 1.0), Pace(20 / 60, 0.0), Pace(20.0, 1.0), Pace(2.5, 0.0)],
    ids=["telegram", "wecom_robot", "wechat", "fractional"],
)
async def test_concurrent_senders_never_exceed_and_nearly_reach_the_limit(clock, pace):
    time = FakeTime(clock)
    pacer = Pacer(pace, clock=time.monotonic, sleep=time.sleep)
    rng = random.Random(3)
    count, _ = window_of(pace) or (0, 0.0)
    addresses = [f"u{rng.randrange(count * 4 + 1)}" for _ in range(count * 6 + 3)]
    record = []
    await _run(pacer, addresses, 8, record, clock)
    assert pace_violations(record, pace) == []
    achieved = achieved_rate([t for t, _ in record], pace)
    assert achieved <= pace.global_per_s
    if pace.per_recipient_s == 0:  # with repeated recipients the gap, not the rate, may bind
        assert achieved >= 0.95 * pace.global_per_s


async def test_each_recipient_keeps_its_gap_without_holding_up_the_others(clock):
    time = FakeTime(clock)
    pacer = Pacer(Pace(per_recipient_s=1.0), clock=time.monotonic, sleep=time.sleep)
    record = []
    await _run(pacer, ["a", "b"] * 5, 1, record, clock)
    assert pace_violations(record, Pace(per_recipient_s=1.0)) == []
    a_times = [t for t, who in record if who == "a"]
    b_times = [t for t, who in record if who == "b"]
    assert a_times[-1] - a_times[0] == pytest.approx(4 * 1.002, abs=1e-5)
    assert b_times == a_times  # b waits for nobody but itself
    concurrent = []
    await _run(Pacer(Pace(per_recipient_s=1.0), clock=time.monotonic, sleep=time.sleep),
               ["a"] * 5 + ["b"] * 5, 4, concurrent, clock)  # fmt: skip
    assert pace_violations(concurrent, Pace(per_recipient_s=1.0)) == []


async def test_a_pause_holds_every_send_and_a_new_pacer_starts_closed(clock):
    time = FakeTime(clock)
    start = time.monotonic()
    pacer = Pacer(Pace(30.0), clock=time.monotonic, sleep=time.sleep)
    pacer.completed(await pacer.acquire("a"))
    assert time.monotonic() - start == pytest.approx(1.002, abs=1e-5)  # a window after restart
    pacer.pause(5.0)
    before = time.monotonic()
    pacer.completed(await pacer.acquire("b"))
    assert time.monotonic() - before == pytest.approx(5.0, abs=1e-5)
    warm = Pacer(Pace(30.0), clock=time.monotonic, sleep=time.sleep, cold_start=False)
    assert warm.delay_now("a") == 0.0


async def test_a_lane_taking_over_waits_one_window_after_a_full_burst(clock):
    """A standby that becomes the account's sender cannot know what the worker it replaces sent
    just before dying: it waits one window, so the two bursts never share one (seen in the
    three-process chaos run: 21 sends within 0.99 s across a SIGKILL)."""
    time = FakeTime(clock)
    pace = Pace(20.0, per_recipient_s=1.0)
    dying = Pacer(pace, clock=time.monotonic, sleep=time.sleep, cold_start=False)
    standby = Pacer(pace, clock=time.monotonic, sleep=time.sleep)
    await time.sleep(60.0)  # the standby has waited long past its own cold start
    assert standby.delay_now("c20") == 0.0
    sends: list[tuple[float, str]] = []
    for i in range(20):  # the active worker's last full second
        async with dying.sending(f"c{i}"):
            sends.append((time.monotonic(), f"c{i}"))
    standby.close_one_window()  # its lock is taken over at once
    for i in range(20, 40):
        async with standby.sending(f"c{i}"):
            sends.append((time.monotonic(), f"c{i}"))
    assert pace_violations(sends, pace) == []
    assert sends[20][0] - sends[19][0] >= 1.0


async def test_a_send_counts_from_when_it_completed_so_a_stall_cannot_bunch_arrivals():
    # Three workers on 2 cores: a process stalled between the pacer's decision and its request
    # reached the platform late; counted from the decision, the next window's sends followed
    # it closely (21 arrivals within 0.95 s in the 30-kill chaos run).
    now = [0.0]
    pace = Pace(global_per_s=20.0)
    count, span = window_of(pace)
    pacer = Pacer(pace, clock=lambda: now[0], cold_start=False)
    cells = [await pacer.acquire(f"c{i}") for i in range(count)]
    after = span * (1 + SAFETY) + 0.01
    now[0] = 0.5  # every request left (and was answered) only now
    for cell in cells:
        pacer.completed(cell)
    assert pacer.delay("next", after) == pytest.approx(0.5 + span * (1 + SAFETY) - after)


async def test_a_send_in_flight_holds_its_slot_until_it_returns():
    # Counted from its start alone, a send that hung (a slow platform, a stalled process) freed
    # its slot one window after it started, and the window's sends that followed could reach
    # the platform together with it. In flight it counts as if it were sent at every moment.
    now = [0.0]
    pace = Pace(global_per_s=20.0, per_recipient_s=1.0)
    count, span = window_of(pace)
    pacer = Pacer(pace, clock=lambda: now[0], cold_start=False)
    hung = await pacer.acquire("slow")
    for i in range(count - 1):
        pacer.completed(await pacer.acquire(f"c{i}"))
    now[0] = 5.0  # long past one window: the others have freed their slots, the hung one not
    for i in range(count - 1):
        assert pacer.delay(f"d{i}", now[0]) == 0.0
        pacer.completed(await pacer.acquire(f"d{i}"))
    assert pacer.delay("next", now[0]) == pytest.approx(span * (1 + SAFETY))
    assert pacer.delay("slow", now[0]) == pytest.approx(1.0 * (1 + SAFETY))  # its gap too
    now[0] = 7.0
    pacer.completed(hung)  # it returns: one window after now it no longer counts
    assert pacer.delay("next", now[0]) == 0.0  # the d sends freed theirs meanwhile
    assert pacer.delay("slow", now[0]) == pytest.approx(1.0 * (1 + SAFETY))
    assert pacer.delay("slow", now[0] + 1.0 * (1 + SAFETY)) == 0.0
