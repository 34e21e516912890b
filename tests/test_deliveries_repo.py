"""The outbox repositories: unique pushes, near-duplicates, leases, outcomes and their history."""

from datetime import timedelta

import pytest

from bot.dispatcher import claim
from handlers.context import Policy
from handlers.delivery_rules import MAX_RECOVERIES
from models.delivery import DeliveryState
from models.dispatch import Hold, Kind, Outcome
from models.messages import Reply
from models.repos.deliveries import ISOLATE_AFTER, DeliveryRepo
from models.repos.feedback import FeedbackRepo
from models.repos.outbox import OutboxRepo
from models.repos.outcomes import OutcomeRepo
from tests.delivery_builders import enqueue, make_posting, make_seeker, publish_now

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

LEASE = timedelta(minutes=5)
POLICY = Policy()


async def _published(services, **changes):
    posting_id = await make_posting(services, **changes)
    await publish_now(services, posting_id, services.clock() + timedelta(days=3))
    return posting_id


async def test_one_push_per_seeker_and_posting(services):
    seekers = [await make_seeker(services, f"u{i}") for i in range(3)]
    posting = await _published(services)
    assert await enqueue(services, posting, seekers) == (3, 0)
    assert await enqueue(services, posting, seekers) == (0, 0)  # publishing again adds nobody
    rows = await DeliveryRepo(services.db).for_posting(posting)
    assert [d.seeker_user_id for d in rows] == seekers
    assert {d.state for d in rows} == {DeliveryState.QUEUED}


async def test_near_duplicates_are_suppressed_when_enqueued(services):
    a, b = await make_seeker(services, "a"), await make_seeker(services, "b")
    first = await _published(services, text_hash="h1")
    await enqueue(services, first, [a])
    same_text = await _published(services, text_hash="h1")
    marked_dup = await _published(services, dup_of=first)
    assert await enqueue(services, same_text, [a, b]) == (1, 1)
    assert await enqueue(services, marked_dup, [a]) == (0, 1)
    repo = DeliveryRepo(services.db)
    suppressed = await repo.find(a, same_text)
    assert suppressed is not None
    assert suppressed.state == DeliveryState.SUPPRESSED
    assert suppressed.outcome == "near_duplicate"
    fresh = await repo.find(b, same_text)
    assert fresh is not None
    assert fresh.state == DeliveryState.QUEUED


async def test_claim_leases_due_rows_and_recovers_stale_leases(services, clock):
    seeker = await make_seeker(services)
    posting = await _published(services)
    await enqueue(services, posting, [seeker])
    repo = DeliveryRepo(services.db)
    claimed, handled = await claim(repo, "console", clock(), POLICY, LEASE, limit=10, token="w1")
    assert handled == 1
    assert [c.key for c in claimed] == [f"delivery:{claimed[0].id}"]
    row = await services.db.fetchone("SELECT state, claim_token, claimed_until FROM deliveries")
    assert (row["state"], row["claim_token"]) == ("sending", "w1")
    # A live lease is not taken by another worker ...
    assert await claim(repo, "console", clock(), POLICY, LEASE, limit=10, token="w2") == (
        [],
        0,
    )
    # ... but once it runs out (the worker stopped), the next claim recovers the row.
    clock.advance(minutes=6)
    again, _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=10, token="w2")
    assert [c.token for c in again] == ["w2"]
    history = [a.outcome for a in await repo.attempts(again[0].id)]
    assert history == ["recovered"]
    row = await services.db.fetchone("SELECT recoveries FROM deliveries")
    assert row["recoveries"] == 1


async def test_a_lost_lease_cannot_overwrite_the_newer_claim(services, clock):
    seeker = await make_seeker(services)
    posting = await _published(services)
    await enqueue(services, posting, [seeker])
    repo, outcomes = DeliveryRepo(services.db), OutcomeRepo(services.db)
    (old,), _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w1")
    clock.advance(minutes=6)
    (new,), _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w2")
    late = Outcome(old, DeliveryState.FAILED, "late", "permanent")
    assert await outcomes.record([late], clock()) == 0
    sent = Outcome(new, DeliveryState.SENT, "sent", "sent", message_id="m-1")
    assert await outcomes.record([sent], clock()) == 1
    delivery = await repo.get(new.id)
    assert delivery is not None
    assert (delivery.state, delivery.attempts, delivery.sent_at) == (
        DeliveryState.SENT,
        1,
        clock(),
    )


async def test_retry_then_terminal_states_keep_their_reasons(services, clock):
    seekers = [await make_seeker(services, f"u{i}") for i in range(3)]
    posting = await _published(services)
    await enqueue(services, posting, seekers)
    repo, outcomes = DeliveryRepo(services.db), OutcomeRepo(services.db)
    claimed, _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w")
    retry_at = clock() + timedelta(seconds=40)
    await outcomes.record(
        [
            Outcome(claimed[0], DeliveryState.QUEUED, "Transient: 502", "transient", True,
                    due_at=retry_at, hold=Hold.RETRY),
            Outcome(claimed[1], DeliveryState.FAILED, "permanent: bad request", "permanent"),
            Outcome(claimed[2], DeliveryState.SUPPRESSED, "recipient_gone", "gone",
                    unsubscribe=True),
        ],
        clock(),
    )  # fmt: skip
    retried = await repo.get(claimed[0].id)
    assert retried is not None
    assert (retried.state, retried.attempts, retried.due_at) == (
        DeliveryState.QUEUED,
        1,
        retry_at,
    )
    failed = await repo.get(claimed[1].id)
    gone = await repo.get(claimed[2].id)
    assert failed is not None
    assert gone is not None
    assert (failed.state, failed.outcome) == (DeliveryState.FAILED, "permanent: bad request")
    assert (gone.state, gone.outcome) == (DeliveryState.SUPPRESSED, "recipient_gone")
    # Not due yet: nothing to claim; at the retry time it comes back.
    assert (await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w"))[1] == 0
    clock.now = retry_at
    (back,), _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w")
    assert back.id == claimed[0].id
    assert back.attempts == 1


async def test_unsubscribe_suppresses_everything_still_queued(services, clock):
    seeker = await make_seeker(services)
    postings = [await _published(services, title=f"岗位{i}") for i in range(3)]
    for p in postings:
        await enqueue(services, p, [seeker])
    repo = DeliveryRepo(services.db)
    (first, *_rest), _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=1, token="w")
    gone = Outcome(first, DeliveryState.SUPPRESSED, "recipient_gone", "gone", unsubscribe=True)
    await OutcomeRepo(services.db).record([gone], clock())
    outcomes = sorted((d.state, d.outcome) for d in await repo.for_seeker(seeker))
    assert outcomes == [
        (DeliveryState.SUPPRESSED, "recipient_gone"),
        (DeliveryState.SUPPRESSED, "unsubscribed"),
        (DeliveryState.SUPPRESSED, "unsubscribed"),
    ]


async def test_ending_a_posting_expires_only_queued_pushes(services, clock):
    seekers = [await make_seeker(services, f"u{i}") for i in range(2)]
    posting = await _published(services)
    await enqueue(services, posting, seekers)
    repo = DeliveryRepo(services.db)
    (out,), _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=1, token="w")
    async with services.db.transaction() as tx:
        ended = await repo.end_for_posting_in(
            tx, posting, DeliveryState.EXPIRED, "posting_closed:x", clock()
        )
    assert ended == 1
    states = {d.id: d.state for d in await repo.for_posting(posting)}
    assert states[out.id] == DeliveryState.SENDING  # the one being sent finishes


async def test_digest_holds_members_until_sent_and_notices_are_raised_once(services, clock):
    seeker = await make_seeker(services, digest_hour=20)
    postings = [await _published(services, title=f"岗位{i}") for i in range(2)]
    for p in postings:
        await enqueue(services, p, [seeker])
    repo, outbox = DeliveryRepo(services.db), OutboxRepo(services.db)
    claimed, handled = await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w")
    assert (claimed, handled) == ([], 2)  # both went into the 20:00 digest
    (digest,) = await outbox.for_user(seeker)
    assert digest["kind"] == "digest"
    assert digest["due_at"] == "2026-11-23T12:00:00.000000Z"  # 20:00 in Tianjin
    clock.now = clock.now.replace(hour=12)
    (leased,), _ = await claim(outbox, "console", clock(), POLICY, LEASE, limit=5, token="w")
    assert leased.kind == Kind.DIGEST
    assert sorted(i.posting_id for i in leased.items) == postings
    await OutcomeRepo(services.db).record(
        [Outcome(leased, DeliveryState.SENT, "sent", "sent", message_id="d-1")], clock()
    )
    assert {(d.state, d.outcome) for d in await repo.for_seeker(seeker)} == {
        (DeliveryState.SENT, f"digest:{leased.id}")
    }
    manager = await make_seeker(services, "boss")
    assert await outbox.add_notice(manager, "full:1:boss", Reply("已招满?"), clock())
    assert not await outbox.add_notice(manager, "full:1:boss", Reply("已招满?"), clock())


async def test_reach_stats_count_pushes_and_answers(services, clock):
    seekers = [await make_seeker(services, f"u{i}") for i in range(4)]
    posting = await _published(services)
    await enqueue(services, posting, seekers)
    repo = DeliveryRepo(services.db)
    claimed, _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=2, token="w")
    await OutcomeRepo(services.db).record(
        [Outcome(c, DeliveryState.SENT, "sent", "sent") for c in claimed], clock()
    )
    feedback = FeedbackRepo(services.db)
    await feedback.record(seekers[0], posting, "interested", clock())
    await feedback.record(seekers[0], posting, "interested", clock())  # a second tap
    await feedback.record(seekers[1], posting, "not", clock(), "full")
    stats = await repo.reach_stats(posting)
    assert (stats.matched, stats.reached, stats.waiting) == (4, 2, 2)
    assert (stats.interested, stats.not_interested, stats.reported_full) == (1, 1, 1)


async def test_a_row_that_keeps_stopping_workers_is_isolated_then_failed(services, clock):
    seekers = [await make_seeker(services, f"u{i}", daily_cap=100) for i in range(3)]
    await enqueue(services, await _published(services), seekers)
    repo, outcomes = DeliveryRepo(services.db), OutcomeRepo(services.db)
    (poison,), _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=1, token="w0")
    sizes = []
    for life in range(1, MAX_RECOVERIES + 2):  # each life claims, then dies on the poison row
        await enqueue(services, await _published(services, title=f"新岗位{life}"), seekers[1:2])
        clock.advance(minutes=6)
        claimed, _ = await claim(
            repo, "console", clock(), POLICY, LEASE, limit=10, token=f"w{life}"
        )
        sizes.append(len(claimed))
        innocent = [c for c in claimed if c.id != poison.id]
        await outcomes.record(
            [Outcome(c, DeliveryState.SENT, "sent", "sent") for c in innocent], clock()
        )
    assert sizes[: ISOLATE_AFTER - 1] == [4, 2]  # recovered with its batch: may be bad luck
    assert sizes[ISOLATE_AFTER - 1 : MAX_RECOVERIES] == [1] * (MAX_RECOVERIES - ISOLATE_AFTER + 1)
    dead = await repo.get(poison.id)
    assert (dead.state, dead.outcome, dead.attempts) == (
        DeliveryState.FAILED,
        "recovery_limit",
        0,
    )
    claimed, _ = await claim(repo, "console", clock(), POLICY, LEASE, limit=20, token="w")
    assert len(claimed) == MAX_RECOVERIES - ISOLATE_AFTER + 2  # what waited meanwhile goes now


async def test_a_digest_retried_while_a_newer_one_opened_merges_into_it(services, clock):
    seeker = await make_seeker(services, digest_hour=12)
    first, second = (
        await _published(services, title="岗位1"),
        await _published(services, title="岗位2"),
    )
    await enqueue(services, first, [seeker])
    repo, outbox = DeliveryRepo(services.db), OutboxRepo(services.db)
    await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w")
    clock.now = clock.now.replace(hour=4)  # 12:00 local
    (digest,), _ = await claim(outbox, "console", clock(), POLICY, LEASE, limit=5, token="w")
    await enqueue(services, second, [seeker])  # arrives while the digest is being sent
    await claim(repo, "console", clock(), POLICY, LEASE, limit=5, token="w")
    retry = Outcome(digest, DeliveryState.QUEUED, "Transient: 502", "transient", True,
                    due_at=clock() + timedelta(minutes=1), hold=Hold.RETRY)  # fmt: skip
    await OutcomeRepo(services.db).record([retry], clock())
    rows = {r["id"]: (r["state"], r["outcome"]) for r in await outbox.for_user(seeker)}
    (newer,) = [i for i in rows if i != digest.id]
    assert rows[digest.id] == ("suppressed", f"merged:{newer}")
    assert rows[newer][0] == "queued"
    members = await services.db.fetchall("SELECT DISTINCT digest_id FROM deliveries")
    assert [r["digest_id"] for r in members] == [newer]
    clock.advance(minutes=1)
    (merged,), _ = await claim(outbox, "console", clock(), POLICY, LEASE, limit=5, token="w")
    assert sorted(i.posting_id for i in merged.items) == [first, second]
