"""A caseworker's broadcast: 广播 N shows the reach, a button sends, 广播结果 N shows the outcome.

Pushes go through the delivery pipeline: a posting not yet live is published first (`publish`,
which matches and queues as an approval would), then the seekers of the caseworker's district
it clears the push bars for (`push_decisions`, the one decision an automatic push takes) are
queued with `DeliveryRepo.enqueue_in`, the same insert publishing uses, so the dispatcher
applies every control (consent, pause, quiet hours, daily cap, near-duplicates). The preview
and the result count the district's seekers each bar left out, so a caseworker sees why.

A district's WeCom group is a chat identity of its own (channel "wecom", user id = the district,
kept in step with the configured robots by `sync_group_targets`); the group message is a notice
in the outbox to that identity, which the dispatcher's WeCom lane sends through the robot at
the robot's pace. One group message per posting and district (the notice's dedupe key).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from handlers import language
from handlers.caseworker.group_post import job_code
from handlers.caseworker.staff import audit_ok, district_arg, refuse, staff_name
from handlers.context import Services, Turn
from handlers.payloads import BroadcastButton
from handlers.routing import Command, Router
from handlers.services.cards import job_card, stored_id
from handlers.services.publishing import PUBLISHABLE, publish, push_decisions
from handlers.texts import t
from matching.push_rules import Bar, failed_bar, is_held
from models.messages import Channel, Choice, DialogKey, Reply
from models.posting import Posting, PostingStatus, Trust
from models.timeutil import local
from models.values import Role

PREFIX = BroadcastButton.prefix  # buttons "bc:<posting_id>:seekers|group|both|cancel"
TARGETS = ("seekers", "group", "both")
_MAX_ID_DIGITS = 18  # fits a 64-bit id; longer digit runs are 编号 (or nothing)


@dataclass(frozen=True, slots=True)
class ReachPreview:
    """What a broadcast would do, shown before the caseworker confirms."""

    posting_id: int
    district: str | None  # None: an admin broadcasting city-wide
    matched: int  # seekers of the district the posting clears the push bars for
    already: int  # of them, already pushed (or suppressed) for this posting
    has_group: bool  # the district has a WeCom group robot
    left_out: tuple[tuple[Bar, int], ...] = ()  # seekers each failed bar left out

    @property
    def new(self) -> int:
        """Seekers a broadcast would add."""
        return self.matched - self.already


async def sync_group_targets(services: Services, districts: Iterable[str], now: datetime) -> None:
    """Make the WeCom group identities match the configured robots (others unsubscribed)."""
    wanted = set(districts)
    for district in sorted(wanted):
        user = await services.users.get_or_create(
            DialogKey(Channel.WECOM, district), now, t("caseworker.bc.group_name", "zh",
                                                       district=district)
        )  # fmt: skip
        if not user.subscribed:
            await services.users.set_subscribed(user.id, True)
    for district, user_id in (await services.repos.outreach.group_identities()).items():
        if district not in wanted:
            await services.users.set_subscribed(user_id, False)


async def group_target(services: Services, district: str | None) -> int | None:
    """The user id of the district's WeCom group identity, when its robot is configured."""
    if district is None:
        return None
    user = await services.users.get(DialogKey(Channel.WECOM, district))
    return user.id if user is not None and user.subscribed else None


@dataclass(frozen=True, slots=True)
class DistrictReach:
    """The district's seekers the ranking found for a posting, sorted by the push bars."""

    pushed: list[tuple[int, float, str]]  # (seeker, score, reason) that cleared every bar
    bars: Mapping[int, str]  # per pushed seeker, the bars cleared (stored with the push)
    left_out: tuple[tuple[Bar, int], ...]  # per failed bar, the seekers it left out


async def district_reach(
    services: Services, posting: Posting, district: str | None, now: datetime
) -> DistrictReach:
    """The push decision for the district's seekers (all seekers for None), as publishing takes
    it: ranking finds candidates, the bars decide."""
    decided = await push_decisions(services, posting, now)
    members = await services.repos.outreach.seekers_of_district(district) if district else None
    ours = [(m, v) for m, v in decided if members is None or m.user_id in members]
    failed = Counter(b for _, v in ours if (b := failed_bar(v)) is not None)
    return DistrictReach(
        [(m.user_id, m.score, m.reason) for m, v in ours if v.push],
        {m.user_id: v.reason for m, v in ours if v.push},
        tuple((bar, failed[bar]) for bar in Bar if failed[bar]),
    )


def left_out_line(left_out: Sequence[tuple[Bar, int]]) -> str | None:
    """One line: how many seekers the push bars left out, per bar; None when none were."""
    if not left_out:
        return None
    parts = [t("caseworker.bc.bar_count", bar=t(f"push.bar.{bar}"), n=n)
             for bar, n in left_out]  # fmt: skip
    return t("caseworker.bc.left_out", n=sum(n for _, n in left_out),
             bars=t("caseworker.bc.bar_sep").join(parts))  # fmt: skip


async def preview(
    services: Services, posting: Posting, district: str | None, now: datetime
) -> ReachPreview:
    """The reach of a broadcast before it is sent."""
    assert posting.id is not None
    reach = await district_reach(services, posting, district, now)
    ids = [m[0] for m in reach.pushed]
    already = await services.repos.outreach.already_pushed(posting.id, ids)
    has_group = await group_target(services, district) is not None
    return ReachPreview(posting.id, district, len(ids), len(already), has_group, reach.left_out)


def _problem(posting: Posting | None, services: Services, now: datetime) -> str | None:
    """Why a posting cannot be broadcast (a catalogue key), or None."""
    if posting is None:
        return "caseworker.bc.not_found"
    if posting.status not in PUBLISHABLE:
        return "caseworker.bc.ended"
    if posting.expires_at is not None and posting.expires_at <= now:
        return "caseworker.bc.ended"
    risky = is_held(posting, services.policy)
    if risky and posting.trust is not Trust.VERIFIED:
        return "caseworker.bc.risky"
    return None


def _district_for(turn: Turn, posting: Posting, text: str) -> str | None:
    """A caseworker's own district; an admin's named district, else the posting's."""
    if turn.user.role is Role.ADMIN:
        return district_arg(text) or posting.district
    return turn.user.district


async def find_posting(services: Services, args: str) -> tuple[Posting | None, str | None]:
    """The posting a command names, and the reference as typed (None: nothing typed).

    `#12` or `12` is the internal number; anything else (`TJ-01`) is the sheet's own 编号.
    A bare number that is also another posting's 编号 finds nothing: ambiguous, never a guess.
    """
    ref = next(iter(args.split()), "").strip("，,。")
    if not ref:
        return None, None
    digits = ref.removeprefix("#").removeprefix("＃")
    by_external = (
        None if ref.startswith(("#", "＃")) else await services.postings.by_external_id(ref)
    )
    if not (digits.isascii() and digits.isdigit() and len(digits) <= _MAX_ID_DIGITS):
        return by_external, ref
    internal = await services.postings.get(int(digits))
    if by_external is not None and internal is not None and by_external.id != internal.id:
        return None, ref
    return internal or by_external, ref


async def broadcast_command(turn: Turn, services: Services) -> list[Reply]:
    """广播 N or 广播 编号: the reach in my district and the WeCom group, with send buttons."""
    args = turn.args
    posting, ref = await find_posting(services, args)
    if ref is None:
        return [Reply(t("caseworker.bc.how"))]
    problem = _problem(posting, services, turn.now)
    if problem is not None or posting is None or posting.id is None:
        return [Reply(t(problem or "caseworker.bc.not_found", id=ref))]
    district = _district_for(turn, posting, args)
    reach = await preview(services, posting, district, turn.now)
    await audit_ok(turn, services, "broadcast:preview", str(posting.id),
                   f"{district} matched={reach.matched} new={reach.new}")  # fmt: skip
    return [_preview_reply(posting, reach)]


def _preview_reply(posting: Posting, reach: ReachPreview) -> Reply:
    where = reach.district or t("caseworker.everywhere")
    lines = [
        t("caseworker.bc.preview", id=posting.id, title=posting.title, district=where,
          matched=reach.matched, already=reach.already, new=reach.new),
    ]  # fmt: skip
    if (left := left_out_line(reach.left_out)) is not None:
        lines.append(left)
    group = "caseworker.bc.group_yes" if reach.has_group else "caseworker.bc.group_no"
    lines.append(t(group, district=where))
    if posting.status is not PostingStatus.PUBLISHED:
        lines.append(t("caseworker.bc.will_publish"))
    lines.append(t("caseworker.bc.limits"))
    pid = stored_id(posting)
    choices: list[Choice] = []
    pushes = reach.new > 0 or posting.status is not PostingStatus.PUBLISHED
    if pushes:
        choices.append(_button(t("caseworker.bc.send_seekers"), pid, "seekers"))
    if reach.has_group:
        choices.append(_button(t("caseworker.bc.send_group"), pid, "group"))
    if pushes and reach.has_group:
        choices.append(_button(t("caseworker.bc.send_both"), pid, "both"))
    choices.append(_button(t("word.cancel"), pid, "cancel"))
    return Reply("\n".join(lines), tuple(choices))


def _button(label: str, posting_id: int, target: str) -> Choice:
    return Choice(label, BroadcastButton(posting_id, target).pack())


def group_reply(posting: Posting) -> Reply:
    """The WeCom group message: the job without its contact, and the code to ask for it."""
    assert posting.id is not None
    with language.speaking(language.DEFAULT):  # the group reads Chinese, whoever broadcast
        card = job_card(posting.with_(contact=None, phones=()), "")
        return Reply(f"{card.text}\n{t('caseworker.group.reply', code=job_code(posting.id))}")


@dataclass(frozen=True, slots=True)
class BroadcastResult:
    """What one confirmed broadcast did."""

    published_now: bool
    matched: int  # seekers of the district the posting clears the push bars for
    queued: int
    suppressed: int
    group_queued: bool
    refused: str | None = None
    published_queued: int = 0  # pushes publishing queued city-wide (when it published now)
    left_out: tuple[tuple[Bar, int], ...] = ()  # seekers each failed bar left out


async def send_broadcast(
    services: Services, posting_id: int, district: str | None, target: str, staff: str
) -> BroadcastResult:
    """Publish if needed, queue the district's pushes and/or the group message, record it."""
    now = services.clock()
    posting = await services.postings.get(posting_id)
    problem = _problem(posting, services, now)
    if problem is not None or posting is None:
        return BroadcastResult(False, 0, 0, 0, False, refused=problem)
    published_now, published_queued = False, 0
    if posting.status is not PostingStatus.PUBLISHED:
        result = await publish(services, posting_id)
        if not result.published:
            return BroadcastResult(False, 0, 0, 0, False, refused="caseworker.bc.ended")
        published_now, published_queued = True, result.queued
        posting = await services.postings.get(posting_id) or posting
    reach = DistrictReach([], {}, ())
    if target in ("seekers", "both"):
        reach = await district_reach(services, posting, district, now)
    matches = reach.pushed
    group_user = await group_target(services, district) if target in ("group", "both") else None
    repo, outreach = services.repos.deliveries, services.repos.outreach
    async with services.db.transaction() as tx:
        current = await services.postings.get_in(tx, posting_id)
        if current is None or current.status is not PostingStatus.PUBLISHED:
            return BroadcastResult(published_now, 0, 0, 0, False, refused="caseworker.bc.ended")
        queued, suppressed = await repo.enqueue_in(tx, posting_id, matches, now, reach.bars)
        notice_id = None
        if group_user is not None:
            key = f"group:{posting_id}:{district}"
            if await services.repos.outbox.add_notice_in(
                tx, group_user, key, group_reply(current), now
            ):
                notice_id = await outreach.last_notice_id_in(tx, key)
        await outreach.add_broadcast_in(
            tx, posting_id, staff, district, len(matches), queued, notice_id, now
        )
    return BroadcastResult(
        published_now, len(matches), queued, suppressed, notice_id is not None,
        published_queued=published_queued, left_out=reach.left_out,
    )  # fmt: skip


async def broadcast_button(turn: Turn, services: Services) -> list[Reply]:
    """The buttons under a preview; buttons bypass the router's staff check, so check here."""
    if not turn.user.is_staff:
        return await refuse(turn, services, f"button:{turn.msg.payload}")
    button = BroadcastButton.unpack(turn.msg.payload)
    if button is None or button.target not in (*TARGETS, "cancel"):
        return [Reply(t("caseworker.bc.how"))]
    posting_id, target = button.posting_id, button.target
    if target == "cancel":
        return [Reply(t("caseworker.bc.cancelled"))]
    posting = await services.postings.get(posting_id)
    district = _district_for(turn, posting, "") if posting else turn.user.district
    result = await send_broadcast(services, posting_id, district, target, staff_name(turn.user))
    await audit_ok(turn, services, "broadcast:send", str(posting_id),
                   f"{target} {district} queued={result.queued} group={result.group_queued}"
                   f" refused={result.refused}")  # fmt: skip
    if result.refused is not None:
        return [Reply(t(result.refused, id=posting_id))]
    lines = []
    if result.published_now:
        lines.append(t("caseworker.bc.published", id=posting_id,
                       n=result.published_queued))  # fmt: skip
    if target in ("seekers", "both"):
        lines.append(t("caseworker.bc.queued", queued=result.queued,
                       matched=result.matched, suppressed=result.suppressed))  # fmt: skip
        if (left := left_out_line(result.left_out)) is not None:
            lines.append(left)
    if target in ("group", "both"):
        key = "caseworker.bc.group_queued" if result.group_queued else "caseworker.bc.group_again"
        lines.append(t(key, district=district or ""))
    lines.append(t("caseworker.bc.see_results", id=posting_id))
    return [Reply("\n".join(lines))]


async def results_command(turn: Turn, services: Services) -> list[Reply]:
    """广播结果 N: sent / queued / suppressed / interested, group messages, "J" replies."""
    posting, ref = await find_posting(services, turn.args)
    if ref is None:
        return [Reply(t("caseworker.bc.results_how"))]
    if posting is None or posting.id is None:
        return [Reply(t("caseworker.bc.not_found", id=ref))]
    posting_id = posting.id
    stats = await services.repos.deliveries.reach_stats(posting_id)
    outreach = services.repos.outreach
    done = await outreach.broadcasts(posting_id)
    replies = await outreach.reply_counts(posting_ids=[posting_id])
    await audit_ok(turn, services, "broadcast:results", str(posting_id))
    lines = [t("caseworker.bc.results", id=posting_id, title=posting.title,
               sent=stats.sent, waiting=stats.waiting, suppressed=stats.suppressed,
               failed=stats.failed + stats.expired, interested=stats.interested,
               not_interested=stats.not_interested, found=stats.found_job)]  # fmt: skip
    for b in done:
        state = await outreach.notice_state(b.group_notice) if b.group_notice else None
        group = t(f"caseworker.bc.group_state.{state}") if state else "-"
        at = local(b.at).strftime("%m-%d %H:%M")
        lines.append(t("caseworker.bc.results_line", at=at, staff=b.staff,
                       district=b.district or "", queued=b.queued, group=group))  # fmt: skip
    j = replies[0] if replies else None
    lines.append(t("caseworker.bc.results_j", code=job_code(posting_id),
                   replies=j.replies if j else 0, people=j.people if j else 0))  # fmt: skip
    return [Reply("\n".join(lines))]


router = Router("broadcast")
router.command(
    Command("broadcast", ("broadcast", "广播"), broadcast_command, True,
            "caseworker.help.broadcast"),
    Command("broadcast_results", ("broadcast_results", "广播结果"), results_command, True,
            "caseworker.help.broadcast_results"),
)  # fmt: skip
router.payload(PREFIX, broadcast_button)
