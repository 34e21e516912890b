"""The buttons under every push (感兴趣 / 不感兴趣 with a reason / 已找到工作) and their effects.

- 感兴趣: stored; the seeker gets the posting's full contact (the only place it is unmasked).
- 不感兴趣: asks why. 太远 and 工资低 shift the seeker's ranking weights (`penalties`, read by
  matching.weights.Weights.adjusted); 已招满 from FULL_REPORTS seekers raises a notice to the
  poster and the district's caseworkers, which the dispatcher sends like any push.
- 已找到工作: the seeker's status becomes employed (pushes stop) and a contact record is written.
Payloads: "fb:<posting_id>:interested|not|found|again" and "fb:<posting_id>:not:<reason>";
posters and staff answer a notice with "pc:<posting_id>:close|keep|stats".
"""

from __future__ import annotations

from dataclasses import replace

from handlers.context import Services, Turn
from handlers.payloads import Feedback, FeedbackKind, PostingControl
from handlers.routing import Router
from handlers.services.cards import contact_text, stored_id
from handlers.services.publishing import close_posting
from handlers.texts import t
from matching.weights import MAX_PENALTY_SHIFT
from models.delivery import ContactRecord
from models.messages import Channel, Choice, Reply
from models.posting import Posting, PostingStatus
from models.register import REACHED
from models.values import Role

REASONS = ("far", "pay", "skill", "full", "other")
# 已招满 from this many different seekers flags the posting: one tap may be a mistake or a
# competitor; three independent ones rarely are.
FULL_REPORTS = 3
# The ranking weight each 太远 / 工资低 adds (feature names of matching.weights.Weights), up to
# MAX_PENALTY_SHIFT: five taps reach the cap, so one bad day does not reshape a profile.
PENALTY_STEP = 0.1
PENALTY_KEYS = {"far": "distance", "pay": "pay"}
# How the contact record names the channel (the caseworkers' contact methods).
CONTACT_METHOD = {
    Channel.WECHAT: "微信",
    Channel.WECOM: "微信",
    Channel.WECOM_KF: "微信",
    Channel.TELEGRAM: "Telegram",
    Channel.CONSOLE: "上门",  # the console runs at the station's desk
}


async def on_feedback(turn: Turn, services: Services) -> list[Reply]:
    """Answer a feedback button; unknown or stale postings get a polite answer."""
    button = Feedback.unpack(turn.msg.payload)
    posting = await services.postings.get(button.posting_id) if button else None
    if button is None or posting is None or posting.id is None:
        return [Reply(t("delivery.fb.unknown"))]
    kind, reason = button.kind, button.reason
    if kind == FeedbackKind.INTERESTED:
        return await _interested(turn, services, posting)
    if kind == FeedbackKind.NOT and reason is None:  # counted now; the reason may come next
        await services.repos.feedback.record(turn.user.id, posting.id, "not", turn.now)
        return [_ask_reason(posting.id)]
    if kind == FeedbackKind.NOT and reason in REASONS:
        return await _not_interested(turn, services, posting, reason)
    if kind == FeedbackKind.FOUND:
        return await _found(turn, services, posting)
    if kind == FeedbackKind.AGAIN:
        return await _again(turn, services)
    return [Reply(t("delivery.fb.unknown"))]


async def _interested(turn: Turn, services: Services, posting: Posting) -> list[Reply]:
    await services.repos.feedback.record(turn.user.id, stored_id(posting), "interested", turn.now)
    if posting.status != PostingStatus.PUBLISHED:
        return [Reply(t("delivery.fb.closed"))]
    contact = contact_text(posting, masked=False)
    if contact is None:
        return [Reply(t("delivery.fb.no_contact", title=posting.title))]
    parts = [contact, posting.address or ""]
    text = t(
        "delivery.fb.contact",
        title=posting.title,
        contact=" ".join(p for p in parts if p),
        safety=t("delivery.card.safety"),
    )
    return [Reply(text)]


def _ask_reason(posting_id: int) -> Reply:
    choices = tuple(
        Choice(t(f"delivery.fb.reason.{r}"), Feedback(posting_id, FeedbackKind.NOT, r).pack())
        for r in REASONS
    )
    return Reply(t("delivery.fb.ask_reason"), choices)


async def _not_interested(
    turn: Turn, services: Services, posting: Posting, reason: str
) -> list[Reply]:
    repo = services.repos.feedback
    new = await repo.record(turn.user.id, stored_id(posting), "not", turn.now, reason)
    if new and reason in PENALTY_KEYS:
        await _penalise(turn, services, PENALTY_KEYS[reason])
    if new and reason == "full":
        reports = await repo.count(stored_id(posting), "not", "full")
        if reports >= FULL_REPORTS and posting.status == PostingStatus.PUBLISHED:
            await flag_full(services, posting, reports)
    key = reason if reason in ("far", "pay", "full") else "other"
    return [Reply(t(f"delivery.fb.thanks.{key}"))]


async def _penalise(turn: Turn, services: Services, feature: str) -> None:
    """Shift one ranking weight for this seeker; the matcher re-reads the profile."""
    profile = await services.seekers.get(turn.user.id)
    if profile is None:
        return
    penalties = dict(profile.penalties)
    penalties[feature] = min(MAX_PENALTY_SHIFT, penalties.get(feature, 0.0) + PENALTY_STEP)
    await services.seekers.save(profile.with_(penalties=penalties), turn.now)
    if services.matcher is not None:
        await services.matcher.seeker_changed(turn.user.id)


async def flag_full(services: Services, posting: Posting, reports: int) -> int:
    """Tell the poster and the district's caseworkers (else all staff); returns notices raised.

    Each is a notice in the outbox, sent by the dispatcher through the recipient's own channel
    with the usual pacing and quiet hours; the dedupe key raises it once per recipient.
    """
    now = services.clock()
    outbox = services.repos.outbox
    posting_id = stored_id(posting)
    close = Choice("", PostingControl(posting_id, "close").pack())
    raised = 0
    if posting.poster_user_id is not None:
        poster = await services.users.by_id(posting.poster_user_id)
        if poster is not None:
            lang = poster.lang
            reply = Reply(
                t("delivery.notice.full_poster", lang, title=posting.title, n=reports),
                (
                    replace(close, label=t("delivery.notice.close", lang)),
                    Choice(
                        t("delivery.notice.keep", lang), PostingControl(posting_id, "keep").pack()
                    ),
                ),
            )
            raised += await outbox.add_notice(
                poster.id, f"full:{posting_id}:{poster.id}", reply, now
            )
    staff = await services.users.with_role(Role.CASEWORKER)
    local = [u for u in staff if posting.district and u.district == posting.district]
    for user in local or staff or await services.users.with_role(Role.ADMIN):
        district = posting.district or t("delivery.unknown_district", user.lang)
        text = t(
            "delivery.notice.full_staff",
            user.lang,
            posting_id=posting_id,
            title=posting.title,
            district=district,
            n=reports,
        )
        reply = Reply(text, (replace(close, label=t("delivery.notice.close", user.lang)),))
        raised += await outbox.add_notice(user.id, f"full:{posting_id}:{user.id}", reply, now)
    return raised


async def _found(turn: Turn, services: Services, posting: Posting) -> list[Reply]:
    new = await services.repos.feedback.record(turn.user.id, stored_id(posting), "found", turn.now)
    profile = await services.seekers.get(turn.user.id)
    if profile is not None and profile.status != "employed":
        detail = f"found via posting {posting.id}"
        await services.seekers.save(
            profile.with_(status="employed", status_detail=detail), turn.now
        )
        await services.repos.deliveries.suppress_user(turn.user.id, "seeker_employed", turn.now)
        if services.matcher is not None:
            await services.matcher.seeker_changed(turn.user.id)
    if new:
        await services.contacts.add(
            ContactRecord(
                id=None,
                user_id=turn.user.id,
                at=turn.now,
                method=CONTACT_METHOD.get(turn.user.channel, "微信"),
                content=t(
                    "delivery.contact_record", "zh", posting_id=posting.id, title=posting.title
                ),
                outcome=REACHED,
            )
        )
    again = Choice(t("delivery.fb.again"), Feedback(stored_id(posting), FeedbackKind.AGAIN).pack())
    return [Reply(t("delivery.fb.found"), (again,))]


async def _again(turn: Turn, services: Services) -> list[Reply]:
    """继续找工作 after 已找到工作: active again (pushes resume for new postings)."""
    profile = await services.seekers.get(turn.user.id)
    if profile is not None and profile.status == "employed":
        await services.seekers.save(profile.with_(status="active", status_detail=None), turn.now)
        if services.matcher is not None:
            await services.matcher.seeker_changed(turn.user.id)
    return [Reply(t("delivery.fb.again_done"))]


async def on_posting_control(turn: Turn, services: Services) -> list[Reply]:
    """The poster's or a caseworker's answer to a notice: close, keep, or see the figures."""
    button = PostingControl.unpack(turn.msg.payload)
    posting = await services.postings.get(button.posting_id) if button else None
    if button is None or posting is None:
        return [Reply(t("delivery.fb.unknown"))]
    if not (turn.user.is_staff or turn.user.id == posting.poster_user_id):
        return [Reply(t("error.not_allowed"))]
    action, title = button.action, posting.title
    if action == "close":
        await close_posting(services, stored_id(posting), "reported_full")
        await services.audit.record(
            str(turn.msg.key), "posting:close", allowed=True, now=turn.now, target=str(posting.id)
        )
        return [Reply(t("delivery.posting.closed", title=title))]
    if action == "keep":
        return [Reply(t("delivery.posting.kept", title=title))]
    return [await stats_reply(services, stored_id(posting))]


async def stats_reply(services: Services, posting_id: int) -> Reply:
    """How many seekers a posting reached and how many are interested (for its poster)."""
    posting = await services.postings.get(posting_id)
    stats = await services.repos.deliveries.reach_stats(posting_id)
    title = posting.title if posting else str(posting_id)
    return Reply(
        t(
            "delivery.posting.stats",
            title=title,
            sent=stats.sent,
            interested=stats.interested,
            waiting=stats.waiting,
        )
    )


router = Router("feedback")
router.payload(Feedback.prefix, on_feedback)
router.payload(PostingControl.prefix, on_posting_control)
