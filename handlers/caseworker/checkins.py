"""The monthly check-in and the contact records that bot interactions leave.

From day CHECKIN_DAY of each month (the `checkin_day` setting), `due_checkins` asks everyone
the bot can reach and nobody has contacted this month: "您好，这个月找工作顺利吗？"
(1 已找到工作 / 2 还在找 / 3 需要培训/补贴帮助). The question is a notice in the
outbox, so the dispatcher sends it with the recipient's quiet hours and the channel's
pace. Answers (a button, or a typed 1/2/3 within OPEN_FOR) are contact records; 1 asks
how (单位就业/灵活就业/自主创业) and marks the register row 已就业; 3 asks which help
and adds it to the seeker's needs.

Answers to pushes (感兴趣 / 不感兴趣) are contacts too: `record_feedback_contacts` writes one
record per person and day from the feedback table (已找到工作 is recorded by the feedback
handler itself). It runs before every check-in round, so nobody who answered a push this month
is asked again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta

from handlers import language
from handlers.context import Services, Turn
from handlers.payloads import CheckInButton
from handlers.routing import Router
from handlers.seeker import onboarding
from handlers.seeker.feedback import CONTACT_METHOD
from handlers.seeker.profile_view import need_text
from handlers.texts import t
from models.delivery import ContactRecord
from models.messages import Channel, Choice, Reply
from models.register import EMPLOYMENT_WAYS, REACHED, RegisterStatus
from models.repos.followups import FeedbackAnswer
from models.timeutil import LOCAL_TZ, local
from models.values import NEEDS

PREFIX = CheckInButton.prefix  # "ci:found|looking|help", "ci:way:<way>", "ci:need:<need>"
ANSWERS = ("found", "looking", "help")
# From the 15th, people not contacted yet get the check-in: half a month of pushes and calls
# comes first, and half a month is left for a caseworker to call those who do not answer.
CHECKIN_DAY = 15
OPEN_FOR = timedelta(days=14)  # a typed "1/2/3" answers a check-in this long after it went out
BATCH = 200  # notices per transaction (one transaction blocks other writers)


def month_key(now: datetime) -> str:
    """The local month of a time: "2026-11"."""
    return local(now).strftime("%Y-%m")


def month_start(now: datetime) -> datetime:
    """Local midnight of the first day of the month of `now`."""
    here = local(now)
    return datetime(here.year, here.month, 1, tzinfo=LOCAL_TZ)


def checkin_reply() -> Reply:
    """The check-in question with its three answers."""
    choices = tuple(Choice(t(f"caseworker.ci.{a}"), CheckInButton(a).pack()) for a in ANSWERS)
    return Reply(t("caseworker.ci.ask"), choices)


async def due_checkins(
    services: Services, now: datetime | None = None, day: int = CHECKIN_DAY
) -> int:
    """Queue this month's check-ins for everyone due; returns how many were queued.

    Idempotent: a person gets at most one check-in a month (the checkins table and the notice's
    dedupe key), so the scheduler may call it as often as it likes.
    """
    now = now or services.clock()
    start = month_start(now)
    await record_feedback_contacts(services, start, now)
    if local(now).day < day:
        return 0
    month = month_key(now)
    repo, outbox = services.repos.followups, services.repos.outbox
    targets = await repo.checkin_targets(month, start)
    queued = 0
    for first in range(0, len(targets), BATCH):
        async with services.db.transaction() as tx:
            for target in targets[first : first + BATCH]:
                if await repo.mark_checkin_in(tx, target.user_id, month, now):
                    key = f"checkin:{month}:{target.user_id}"
                    with language.speaking(target.lang):
                        reply = checkin_reply()
                    queued += await outbox.add_notice_in(tx, target.user_id, key, reply, now)
    return queued


def _feedback_line(answer: FeedbackAnswer) -> str:
    title = f"{answer.title or ''}（#{answer.posting_id}）"
    if answer.kind == "interested":
        return t("caseworker.contact.fb_interested", "zh", title=title)
    reason = t(f"delivery.fb.reason.{answer.reason}", "zh") if answer.reason else ""
    return t("caseworker.contact.fb_not", "zh", title=title, reason=reason)


async def record_feedback_contacts(services: Services, start: datetime, end: datetime) -> int:
    """One contact record per person and local day with push answers; returns how many new."""
    repo = services.repos.followups
    days: dict[tuple[int, str], list[FeedbackAnswer]] = {}
    for answer in await repo.feedback_answers(start, end):
        days.setdefault((answer.user_id, local(answer.at).date().isoformat()), []).append(answer)
    written = 0
    for (user_id, day), answers in days.items():
        if not await repo.claim_feedback_day(user_id, day):
            continue
        lines = "；".join(_feedback_line(a) for a in answers)
        first = answers[0]
        await services.contacts.add(
            ContactRecord(
                id=None, user_id=user_id, at=first.at,
                method=CONTACT_METHOD.get(Channel(first.channel), "微信"),
                content=t("caseworker.contact.fb", "zh", lines=lines)[:500],
                register_id=first.register_id, outcome=REACHED,
            )
        )  # fmt: skip
        written += 1
    return written


async def _record(turn: Turn, services: Services, content: str) -> None:
    """A contact record for this turn (the person answered the bot)."""
    entry = await services.repos.register.by_user(turn.user.id)
    await services.contacts.add(
        ContactRecord(
            id=None, user_id=turn.user.id, at=turn.now,
            method=CONTACT_METHOD.get(turn.user.channel, "微信"), content=content,
            register_id=entry.id if entry else None, outcome=REACHED,
        )
    )  # fmt: skip


async def answer(turn: Turn, services: Services, what: str) -> list[Reply]:
    """An answer to the check-in: recorded as a contact; 1 and 3 ask one more question."""
    repo = services.repos.followups
    month = await repo.open_checkin(turn.user.id, turn.now - OPEN_FOR * 3) or month_key(turn.now)
    await repo.answer_checkin(turn.user.id, month, what, turn.now)
    await _record(turn, services, t(f"caseworker.ci.record.{what}", "zh"))
    if what == "found":
        await mark_employed(services, turn.user.id, None, turn.now)
        choices = tuple(Choice(w, CheckInButton("way", w).pack()) for w in EMPLOYMENT_WAYS)
        return [Reply(t("caseworker.ci.ask_way"), choices)]
    if what == "help":
        return [_need_question(())]
    return [Reply(t("caseworker.ci.thanks_looking"))]


def _need_question(chosen: Sequence[str]) -> Reply:
    choices = tuple(
        Choice(need_text(n), CheckInButton("need", n).pack()) for n in NEEDS if n not in chosen
    )
    return Reply(t("caseworker.ci.ask_need"), choices)


async def mark_employed(services: Services, user_id: int, way: str | None, now: datetime) -> None:
    """已就业: the register row (if linked) and the profile; queued pushes stop."""
    entry = await services.repos.register.by_user(user_id)
    if entry is not None and entry.id is not None:
        await services.repos.register.set_status(entry.id, RegisterStatus.EMPLOYED, way, now)
    profile = await services.seekers.get(user_id)
    if profile is not None and (profile.status != "employed" or way is not None):
        await services.seekers.save(profile.with_(status="employed", status_detail=way), now)
        await services.repos.deliveries.suppress_user(user_id, "seeker_employed", now)
        await onboarding.profile_changed(services, user_id)


async def on_checkin(turn: Turn, services: Services) -> list[Reply]:
    """The check-in's buttons: an answer, how the job was found, or which help is needed."""
    button = CheckInButton.unpack(turn.msg.payload)
    what = button.what if button else ""
    value = (button.value if button else None) or ""
    if what in ANSWERS:
        return await answer(turn, services, what)
    if what == "way" and value in EMPLOYMENT_WAYS:
        await mark_employed(services, turn.user.id, value, turn.now)
        return [Reply(t("caseworker.ci.employed", way=value))]
    if what == "need" and value in NEEDS:
        stored = await services.seekers.get(turn.user.id)
        profile = stored or onboarding.new_profile(turn, services)
        if value not in profile.needs:
            profile = profile.with_(needs=(*profile.needs, value))
            await services.seekers.save(profile, turn.now)
            await onboarding.profile_changed(services, turn.user.id)
        need = need_text(value)
        follow = _need_question(profile.needs)
        text = t("caseworker.ci.need_noted", need=need)
        return [Reply(text, follow.choices)]
    return [checkin_reply()]


async def typed_answer(turn: Turn, services: Services) -> list[Reply] | None:
    """A typed "1", "2" or "3" shortly after a check-in answers it."""
    if turn.msg.payload is not None:
        return None
    text = unicodedata.normalize("NFKC", turn.text)
    if text not in ("1", "2", "3"):
        return None
    if await services.repos.followups.open_checkin(turn.user.id, turn.now - OPEN_FOR) is None:
        return None
    return await answer(turn, services, ANSWERS[int(text) - 1])


router = Router("check-ins")
router.payload(PREFIX, on_checkin)
# Included before the relay, employer-post and seeker readers, which would take a bare digit.
router.fallback(typed_answer)
