"""The moderation queue for caseworkers: 待审核, 通过 N, 驳回 N 原因, 核实 N, 编辑岗位 N 字段 值.

Every action is audited. A rejection reason reaches the poster as a notice in the outbox (sent by
the dispatcher like any message) and stays visible in their 我的招聘; an approval tells them too.
核实 (verified by phone) sets trust "verified": it ranks higher and pushes carry a badge.
"""

from __future__ import annotations

from handlers.context import Services, Turn
from handlers.employer import post_draft
from handlers.employer.my_posts import posting_number
from handlers.employer.posting import risk_text
from handlers.payloads import ModerationButton
from handlers.routing import Command, Router
from handlers.services.cards import pay_text
from handlers.services.intake import release, update
from handlers.texts import t
from matching.parser import ParsedPost
from models.delivery import DeliveryState
from models.messages import Choice, Reply
from models.posting import Posting, PostingStatus, Trust

PREFIX = ModerationButton.prefix  # buttons "mod:approve:12", "mod:verify:12"
QUEUE_LIMIT = 10  # postings listed per 待审核
BUTTONS_FOR = 3  # the first three get 通过/核实 buttons (WeChat shows numbered choices)


def _line(posting: Posting) -> str:
    parts = [f"#{posting.id} {posting.title}"]
    parts += [p for p in (posting.district, pay_text(posting.pay)) if p]
    line = " · ".join(parts)
    details = [t("intake.queue.trust", trust=t(f"intake.trust.{posting.trust.value}"))]
    if posting.source:
        details.append(t("intake.queue.source", source=posting.source))
    if posting.seen_count > 1:
        details.append(t("intake.queue.seen", n=posting.seen_count))
    line += "\n   " + " · ".join(details)
    if not posting.categories:  # held because no trade could be read (handlers/employer.submit)
        line += "\n   " + t("intake.queue.no_trade", id=posting.id)
    if posting.risk_reasons:
        line += "\n   " + t(
            "intake.queue.risk",
            score=f"{posting.risk_score:.2f}",
            reasons=risk_text(posting.risk_reasons),
        )
    return line


async def pending_command(turn: Turn, services: Services) -> list[Reply]:
    """待审核: held postings, riskiest first, with approve/verify buttons for the first few."""
    repo = services.repos.intake
    queue = await repo.pending(QUEUE_LIMIT)
    if not queue:
        return [Reply(t("intake.queue.empty"))]
    total = await repo.count_pending()
    lines = [t("intake.queue.header", n=total)]
    lines += [_line(p) for p in queue]
    lines.append(t("intake.queue.footer"))
    choices: list[Choice] = []
    for posting in queue[:BUTTONS_FOR]:
        choices.append(Choice(t("intake.choice.approve", id=posting.id),
                              ModerationButton("approve", str(posting.id)).pack()))  # fmt: skip
        choices.append(Choice(t("intake.choice.verify", id=posting.id),
                              ModerationButton("verify", str(posting.id)).pack()))  # fmt: skip
    return [Reply("\n".join(lines), tuple(choices))]


async def _target(turn: Turn, services: Services, text: str) -> Posting | Reply:
    number = posting_number(text)
    if number is None:
        return Reply(t("intake.mod.which"))
    posting = await services.postings.get(number)
    if posting is None:
        return Reply(t("intake.mine.not_found"))
    return posting


async def _audit(
    turn: Turn, services: Services, action: str, posting_id: int, detail: str = ""
) -> None:
    await services.audit.record(
        str(turn.msg.key), f"moderation:{action}", allowed=True, now=turn.now,
        target=str(posting_id), detail=detail or None,
    )  # fmt: skip


async def _notify_poster(
    services: Services, posting: Posting, key: str, turn: Turn, **values: object
) -> None:
    """A notice to the poster (not to the caseworker who acted), sent by the dispatcher."""
    if posting.poster_user_id is None or posting.poster_user_id == turn.user.id:
        return
    poster = await services.users.by_id(posting.poster_user_id)
    if poster is None:
        return
    text = t(key, poster.lang, id=posting.id, title=posting.title, **values)
    dedupe = f"{key}:{posting.id}:{turn.now.isoformat()}"
    await services.repos.outbox.add_notice(poster.id, dedupe, Reply(text), turn.now)


async def approve(turn: Turn, services: Services, text: str) -> list[Reply]:
    """通过 N: publish a held posting (and push it to matching seekers)."""
    found = await _target(turn, services, text)
    if isinstance(found, Reply):
        return [found]
    assert found.id is not None
    if found.status not in (PostingStatus.PENDING, PostingStatus.DRAFT):
        return [Reply(t("intake.mod.not_pending", id=found.id,
                        status=t(f"intake.status.{found.status.value}")))]  # fmt: skip
    result = await release(services, found.id)
    await _audit(turn, services, "approve", found.id)
    if not result.published:
        return [Reply(t("intake.mod.not_published", id=found.id))]
    await _notify_poster(services, found, "intake.notice.approved", turn)
    return [Reply(t("intake.mod.approved", id=found.id, title=found.title,
                    n=result.matched))]  # fmt: skip


async def reject(turn: Turn, services: Services, text: str) -> list[Reply]:
    """驳回 N 原因: the posting is taken off (queued pushes end); the poster is told why."""
    found = await _target(turn, services, text)
    if isinstance(found, Reply):
        return [found]
    assert found.id is not None
    reason = text.strip()
    number = str(found.id)
    reason = (
        reason[reason.find(number) + len(number) :].strip(" #:：,，") if number in reason else ""
    )
    if not reason:
        return [Reply(t("intake.mod.reason_needed", id=found.id))]
    async with services.db.transaction() as tx:
        await services.postings.set_status_in(tx, found.id, PostingStatus.REJECTED, turn.now)
        await services.repos.deliveries.end_for_posting_in(
            tx, found.id, DeliveryState.EXPIRED, "posting_rejected", turn.now
        )
    if services.matcher is not None:
        await services.matcher.posting_changed(found.id)
    await _audit(turn, services, "reject", found.id, reason[:200])
    await _notify_poster(services, found, "intake.notice.rejected", turn, reason=reason[:200])
    return [Reply(t("intake.mod.rejected", id=found.id, title=found.title))]


async def verify(turn: Turn, services: Services, text: str) -> list[Reply]:
    """核实 N: verified by phone — ranks higher and carries a badge."""
    found = await _target(turn, services, text)
    if isinstance(found, Reply):
        return [found]
    assert found.id is not None
    await services.repos.intake.set_trust(found.id, Trust.VERIFIED, turn.now)
    if services.matcher is not None:
        await services.matcher.posting_changed(found.id)
    await _audit(turn, services, "verify", found.id)
    key = (
        "intake.mod.verified_pending"
        if found.status == PostingStatus.PENDING
        else ("intake.mod.verified")
    )
    return [Reply(t(key, id=found.id, title=found.title))]


async def edit_posting(turn: Turn, services: Services, text: str) -> list[Reply]:
    """编辑岗位 N 字段 值: correct one field of any posting."""
    found = await _target(turn, services, text)
    if isinstance(found, Reply):
        return [found]
    assert found.id is not None
    number = str(found.id)
    rest = text[text.find(number) + len(number) :].strip() if number in text else ""
    parsed = post_draft.parse_edit(rest)
    if parsed is None:
        return [Reply(t("intake.mod.edit_how"))]
    _job, field, value = parsed
    job = post_draft.edit(
        as_draft(found), field, value, turn.now, city=services.policy.service_area
    )
    if job is None:
        return [Reply(t("intake.edit.bad_value", value=value[:30]))]
    changed = found.with_(
        title=job.title, description=job.text, categories=job.categories, district=job.district,
        address=job.address, pay=job.pay, work_form=job.work_form, contact=job.contact_name,
        phones=job.phones, headcount=job.headcount, age_min=job.age_min, age_max=job.age_max,
        gender=job.gender, benefits=job.benefits, start=job.start,
    )  # fmt: skip
    await update(services, found, changed, turn.now)
    await _audit(turn, services, "edit", found.id, f"{field}={value[:100]}")
    return [Reply(t("intake.mod.edited", id=found.id) + "\n"
                  + post_draft.card([job]))]  # fmt: skip


def as_draft(posting: Posting) -> ParsedPost:
    """A stored posting in the draft form the field editors work on."""
    return ParsedPost(
        title=posting.title, text=posting.description, original=posting.original_text or "",
        categories=posting.categories, headcount=posting.headcount, pay=posting.pay,
        district=posting.district, address=posting.address, start=posting.start,
        age_min=posting.age_min, age_max=posting.age_max, gender=posting.gender,
        benefits=posting.benefits, phones=posting.phones, contact_name=posting.contact,
        work_form=posting.work_form,
    )  # fmt: skip


async def moderation_button(turn: Turn, services: Services) -> list[Reply]:
    """通过/核实 buttons under 待审核; buttons bypass the command check, so check staff here."""
    if not turn.user.is_staff:
        await services.audit.record(str(turn.msg.key), f"button:{turn.msg.payload}",
                                    allowed=False, now=turn.now)  # fmt: skip
        return [Reply(t("error.not_allowed"))]
    button = ModerationButton.unpack(turn.msg.payload)
    action, number = (button.action, button.number) if button else ("", "")
    if action == "approve":
        return await approve(turn, services, number)
    if action == "verify":
        return await verify(turn, services, number)
    return [Reply(t("intake.stale"))]


async def _pending(turn: Turn, services: Services) -> list[Reply]:
    return await pending_command(turn, services)


async def _approve(turn: Turn, services: Services) -> list[Reply]:
    return await approve(turn, services, turn.args)


async def _reject(turn: Turn, services: Services) -> list[Reply]:
    return await reject(turn, services, turn.args)


async def _verify(turn: Turn, services: Services) -> list[Reply]:
    return await verify(turn, services, turn.args)


async def _edit(turn: Turn, services: Services) -> list[Reply]:
    return await edit_posting(turn, services, turn.args)


router = Router("moderation")
router.command(
    Command("pending", ("pending", "待审核", "审核列表"), _pending, True, "intake.help.pending"),
    Command("approve", ("approve", "通过", "批准"), _approve, True, "intake.help.approve"),
    Command("reject", ("reject", "驳回"), _reject, True, "intake.help.reject"),
    Command("verify", ("verify", "核实", "已核实"), _verify, True, "intake.help.verify"),
    Command("edit_posting", ("edit_posting", "编辑岗位", "编辑招聘"), _edit, True,
            "intake.help.edit_posting"),
)  # fmt: skip
router.payload(PREFIX, moderation_button)
