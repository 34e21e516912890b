"""Publishing: matching first, then the status change and the pushes in one transaction."""

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest

from handlers.services.publishing import close_posting, expire_due, publish
from matching.engine import SeekerMatch
from matching.reach_cap import ReachCap
from models.delivery import DeliveryState
from models.posting import PostingStatus
from models.repos.deliveries import DeliveryRepo
from models.values import Pay, PayUnit
from tests.delivery_builders import make_posting, make_seeker


@dataclass
class Reacher:
    """Stands in for the Matcher where a test is about publishing, not about ranking."""

    scores: dict
    changed: list = field(default_factory=list)

    async def reach(self, posting, now, threshold, limit=None):
        found = [SeekerMatch(u, s, f"理由{u}") for u, s in self.scores.items() if s >= threshold]
        return sorted(found, key=lambda m: (-m.score, m.user_id))[:limit]  # the Matcher's order

    async def categorised(self, posting):
        return posting

    async def cosines(self, profiles, postings):
        return [0.0] * len(profiles)  # no semantic evidence: the trade bar reads the codes

    async def posting_changed(self, posting_id):
        self.changed.append(posting_id)

    async def seeker_changed(self, user_id):
        return None


async def test_publish_sets_status_and_expiry_and_queues_each_match_once(services, clock):
    poster = await make_seeker(services, "boss")
    seekers = [await make_seeker(services, f"u{i}") for i in range(3)]
    scores = {seekers[0]: 0.9, seekers[1]: 0.6, seekers[2]: 0.2, poster: 0.95}
    services.matcher = Reacher(scores)
    posting = await make_posting(services, poster_user_id=poster)
    result = await publish(services, posting)
    assert (result.published, result.matched, result.queued, result.suppressed) == (
        True,
        2,
        2,
        0,
    )
    stored = await services.postings.get(posting)
    assert stored.status == PostingStatus.PUBLISHED
    assert stored.published_at == clock()
    assert stored.expires_at == clock() + timedelta(days=3)  # a day-paid gig
    pushes = await DeliveryRepo(services.db).for_posting(posting)
    assert [(d.seeker_user_id, d.reason, d.state) for d in pushes] == [
        (seekers[0], f"理由{seekers[0]}", DeliveryState.QUEUED),
        (seekers[1], f"理由{seekers[1]}", DeliveryState.QUEUED),
    ]
    assert services.matcher.changed == [posting]
    again = await publish(services, posting)  # e.g. a caseworker's broadcast after verifying
    assert (again.queued, again.already_reached) == (0, 2)
    assert len(await DeliveryRepo(services.db).for_posting(posting)) == 2


async def test_jobs_live_30_days_and_an_earlier_expiry_from_intake_stays(services, clock):
    services.matcher = Reacher({})
    monthly = await make_posting(services, pay=Pay(5000, 6000, PayUnit.MONTH))
    assert (await publish(services, monthly)).expires_at == clock() + timedelta(days=30)
    tomorrow = clock() + timedelta(days=1)
    one_day = await make_posting(services, expires_at=tomorrow)
    assert (await publish(services, one_day)).expires_at == tomorrow


@pytest.mark.parametrize("status", [PostingStatus.REJECTED, PostingStatus.CLOSED])
async def test_rejected_closed_and_missing_postings_are_not_published(services, status):
    services.matcher = Reacher({await make_seeker(services): 0.9})
    posting = await make_posting(services, status=status)
    result = await publish(services, posting)
    assert (result.published, result.refused) == (False, f"status_{status.value}")
    assert (await publish(services, 12345)).refused == "missing"
    assert await DeliveryRepo(services.db).all() == []


async def test_a_failure_inside_the_transaction_publishes_nothing(services):
    seeker = await make_seeker(services)
    services.matcher = Reacher({seeker: 0.9})
    posting = await make_posting(services)
    services.matcher.scores = {seeker: Unbindable()}  # the insert fails mid-transaction
    with pytest.raises(sqlite3.Error):
        await publish(services, posting)
    assert (await services.postings.get(posting)).status == PostingStatus.PENDING
    assert await DeliveryRepo(services.db).all() == []


class Unbindable(float):
    """A score SQLite cannot store: compares like 0.9, fails when bound."""

    def __new__(cls):
        return super().__new__(cls, 0.9)

    def __conform__(self, protocol):
        raise sqlite3.ProgrammingError("cannot bind")


async def test_a_near_duplicate_reaches_only_seekers_the_first_did_not(services):
    a, b = await make_seeker(services, "a"), await make_seeker(services, "b")
    services.matcher = Reacher({a: 0.9})
    first = await make_posting(services, text_hash="same")
    await publish(services, first)
    services.matcher.scores = {a: 0.9, b: 0.8}
    repost = await make_posting(services, text_hash="same", title="保洁员（转发）")
    result = await publish(services, repost)
    assert (result.queued, result.suppressed) == (1, 1)
    suppressed = await DeliveryRepo(services.db).find(a, repost)
    assert (suppressed.state, suppressed.outcome) == (DeliveryState.SUPPRESSED, "near_duplicate")


async def test_closing_and_expiry_end_the_queued_pushes(services, clock):
    seekers = [await make_seeker(services, f"u{i}") for i in range(2)]
    services.matcher = Reacher(dict.fromkeys(seekers, 0.9))
    closed = await make_posting(services, title="已招满")
    gig = await make_posting(services, title="三天零工")
    job = await make_posting(services, title="长期工", pay=Pay(5000, None, PayUnit.MONTH))
    for posting in (closed, gig, job):
        await publish(services, posting)
    assert await close_posting(services, closed, "filled") == 2
    assert await expire_due(services) == 0
    clock.advance(days=3)
    assert await expire_due(services) == 1
    assert (await services.postings.get(gig)).status == PostingStatus.EXPIRED
    assert (await services.postings.get(job)).status == PostingStatus.PUBLISHED
    outcomes = {
        (d.posting_id, d.outcome) for d in await DeliveryRepo(services.db).all() if d.outcome
    }
    assert outcomes == {(closed, "posting_closed:filled"), (gig, "posting_expired")}
    assert services.matcher.changed[-2:] == [closed, gig]


async def test_demo_gig_reaches_the_matching_sample_seekers_through_the_real_matcher(
    services, encoder, tmp_path, db_path
):
    import bot.cli  # noqa: F401  (first: the CLI modules import one another through it)
    from bot.channels.console.adapter import ConsoleSession
    from bot.cli.chat import DEMO_USER, DemoContext
    from bot.demo.stages import DEMO_STAGES
    from bot.settings import Settings
    from handlers.texts import t
    from matching.engine import Matcher

    services.matcher = await Matcher.open(services.db, encoder, tmp_path / "index", phrases=t)
    lines = []
    session = ConsoleSession(services, DEMO_USER)
    ctx = DemoContext(Settings(db=db_path), services, session, lines.append)
    for stage in DEMO_STAGES:
        await stage.run(ctx)
    text = "\n".join(lines)
    pushed_to = {line.split("推送给 ")[1].rstrip("：") for line in lines if "📨 推送给" in line}
    assert pushed_to == {"demo-seeker", "demo-neighbour"}  # the courier across town is not
    assert "138****5678" in text  # masked on the push ...
    assert "王先生 13812345678" in text  # ... in full after 感兴趣
    assert "感兴趣 1 人" in text


def capped(services, floor, per_head, ceiling):
    """The services with a push reach cap of their own."""
    services.policy = replace(services.policy, push_reach_cap=ReachCap(floor, per_head, ceiling))
    return services


async def test_a_posting_is_pushed_to_its_cap_of_best_fitting_seekers_ties_by_user_id(services):
    seekers = [await make_seeker(services, f"u{i}") for i in range(8)]
    scores = dict(zip(seekers, (0.5, 0.9, 0.7, 0.7, 0.7, 0.4, 0.95, 0.6), strict=True))
    services.matcher = Reacher(scores)
    capped(services, floor=4, per_head=0, ceiling=10)
    posting = await make_posting(services, headcount=None)
    result = await publish(services, posting)
    assert (result.matched, result.queued) == (4, 4)
    pushed = [d.seeker_user_id for d in await DeliveryRepo(services.db).for_posting(posting)]
    # 0.95, 0.9, then one of the three at 0.7: the lowest user id, on every run
    assert pushed == [seekers[6], seekers[1], seekers[2], seekers[3]]
    assert (await publish(services, posting)).queued == 0  # again: the same four, none new


async def test_the_cap_grows_with_the_headcount_up_to_its_ceiling(services):
    seekers = [await make_seeker(services, f"u{i}") for i in range(12)]
    services.matcher = Reacher({u: 0.9 - i / 100 for i, u in enumerate(seekers)})
    capped(services, floor=2, per_head=3, ceiling=9)
    two = await publish(services, await make_posting(services, headcount=2))
    five = await publish(services, await make_posting(services, headcount=5))
    unknown = await publish(services, await make_posting(services, headcount=None))
    assert (two.queued, five.queued, unknown.queued) == (6, 9, 2)


async def test_a_reach_below_the_cap_is_pushed_whole(services):
    seekers = [await make_seeker(services, f"u{i}") for i in range(3)]
    services.matcher = Reacher(dict(zip(seekers, (0.8, 0.2, 0.6), strict=True)))
    posting = await make_posting(services)  # the default cap: 4 heads × 30 = 120
    result = await publish(services, posting)
    assert (result.matched, result.queued) == (2, 2)
    assert ReachCap().limit(4) == 120


async def test_seekers_failing_the_bars_leave_their_place_under_the_cap_to_the_next(services):
    other_trade = [await make_seeker(services, f"o{i}", categories=("I",)) for i in range(70)]
    fitting = [await make_seeker(services, f"f{i}") for i in range(3)]
    scores = {u: 0.95 for u in other_trade} | dict.fromkeys(fitting, 0.5)
    services.matcher = Reacher(scores)
    capped(services, floor=2, per_head=0, ceiling=2)
    posting = await make_posting(services)
    await publish(services, posting)  # 70 better scores fail the trade bar, past one chunk
    pushed = [d.seeker_user_id for d in await DeliveryRepo(services.db).for_posting(posting)]
    assert pushed == fitting[:2]


async def test_seekers_beyond_the_cap_still_find_the_posting_when_they_ask(
    services, encoder, tmp_path
):
    from handlers.texts import t
    from matching.engine import Matcher

    seekers = [await make_seeker(services, f"u{i}", wish="想找保洁的活") for i in range(3)]
    services.matcher = await Matcher.open(services.db, encoder, tmp_path / "index", phrases=t)
    capped(services, floor=1, per_head=0, ceiling=1)
    posting = await make_posting(services)
    assert (await publish(services, posting)).queued == 1
    pushed = {d.seeker_user_id for d in await DeliveryRepo(services.db).for_posting(posting)}
    for user_id in set(seekers) - pushed:
        profile = await services.seekers.get(user_id)
        found = await services.matcher.search(profile, 10, services.clock())
        assert posting in [m.posting_id for m in found]
