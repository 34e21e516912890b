"""A caseworker's follow-up duties by chat: who is overdue, log a contact, change a status, needs.

- 待回访 [区]: people on the register not contacted this month (last contact, failed tries).
- 记录 <姓名或编号> 电话|上门|短信|微信 <内容>: one contact record; content such as "联系不到"
  counts a failed attempt, and after FAILED_LIMIT of them the status becomes 联系不到.
- 就业 <编号> 单位就业|灵活就业|自主创业; 注销登记 <编号> <原因> (one of CLOSE_REASONS).
- 需求名单 [需求]: seekers who asked for 补贴申领/职业指导/技能培训/创业培训.
- 发送信息 <需求> <内容>: the text goes to each of them as a notice in the outbox (sent by the
  dispatcher with quiet hours and pacing, not as a direct reply), and a contact record is written
  when it is queued (staff = the caseworker).
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from handlers import language
from handlers.caseworker.checkins import mark_employed, month_start, record_feedback_contacts
from handlers.caseworker.staff import audit_ok, district_arg, in_scope, refuse, staff_name
from handlers.context import Services, Turn
from handlers.routing import Command, Router
from handlers.seeker.feedback import CONTACT_METHOD
from handlers.texts import t
from models.delivery import ContactRecord
from models.messages import Channel, Reply
from models.register import (
    CLOSE_REASONS,
    EMPLOYMENT_WAYS,
    REACHED,
    UNREACHED,
    RegisterEntry,
    RegisterStatus,
)
from models.timeutil import local
from models.values import NEEDS

FAILED_LIMIT = 3  # the plan's "联系不到": three unanswered attempts
OVERDUE_SHOWN = 30  # people per 待回访 message
INFO_MAX = 500  # characters of a 发送信息 text (a WeChat message holds about 600)
METHODS = {"电话": "电话", "打电话": "电话", "通话": "电话", "上门": "上门", "走访": "上门",
           "入户": "上门", "短信": "短信", "微信": "微信"}  # fmt: skip
UNREACHED_WORDS = ("联系不到", "联系不上", "未接通", "无人接听", "没人接", "未接", "关机", "空号",
                   "停机", "不在家", "未见到")  # fmt: skip
_ID = re.compile(r"^[#＃Rr]?(\d+)$")


async def find_person(turn: Turn, services: Services, who: str) -> RegisterEntry | Reply:
    """A register row by number ("12", "#12") or by name in my district; else what to say."""
    repo = services.repos.register
    m = _ID.match(who)
    if m:
        entry = await repo.get(int(m.group(1)))
        if entry is None:
            return Reply(t("caseworker.person.not_found", who=who))
    else:
        named = [p for p in await repo.in_district(turn.user.district) if p.name == who]
        if not named:
            return Reply(t("caseworker.person.not_found", who=who))
        if len(named) > 1:
            ids = " ".join(f"#{p.id}" for p in named)
            return Reply(t("caseworker.person.several", who=who, ids=ids))
        entry = named[0]
    return entry


async def _person_in_scope(
    turn: Turn, services: Services, who: str, action: str
) -> RegisterEntry | list[Reply]:
    found = await find_person(turn, services, who)
    if isinstance(found, Reply):
        return [found]
    if not in_scope(turn.user, found.district):
        return await refuse(turn, services, action, f"#{found.id} {found.district}")
    return found


def _since(at: datetime | None, start: datetime) -> bool:
    return at is not None and at >= start


async def overdue_command(turn: Turn, services: Services) -> list[Reply]:
    """待回访 [区]: register rows still open and not contacted this month."""
    district = district_arg(turn.args) or turn.user.district
    if not in_scope(turn.user, district):
        return await refuse(turn, services, "followup:overdue", district or "")
    start = month_start(turn.now)
    await record_feedback_contacts(services, start, turn.now)  # push answers count as contacts
    last = await services.repos.followups.last_contacts(district)
    people = [
        p for p in await services.repos.register.in_district(district)
        if p.status in (RegisterStatus.REGISTERED, RegisterStatus.UNREACHABLE)
        and p.id is not None and not _since(last.get(p.id), start)
    ]  # fmt: skip
    await audit_ok(turn, services, "followup:overdue", district, f"{len(people)} overdue")
    if not people:
        return [Reply(t("caseworker.overdue.none", district=district or ""))]
    lines = [t("caseworker.overdue.header", district=district or "", n=len(people))]
    for p in people[:OVERDUE_SHOWN]:
        seen = last.get(p.id or 0)
        when = local(seen).strftime("%m-%d") if seen else t("caseworker.overdue.never")
        bot = t("caseworker.overdue.linked") if p.user_id else ""
        tries = (t("caseworker.overdue.tries", n=p.failed_attempts)
                 if p.failed_attempts else "")  # fmt: skip
        lines.append(f"#{p.id} {p.name} {p.phone or ''} · {when}{tries}{bot}")
    if len(people) > OVERDUE_SHOWN:
        lines.append(t("caseworker.overdue.more", n=len(people) - OVERDUE_SHOWN))
    lines.append(t("caseworker.overdue.footer"))
    return [Reply("\n".join(lines))]


async def log_command(turn: Turn, services: Services) -> list[Reply]:
    """记录 <姓名或编号> <方式> <内容>: a phone call, visit, SMS or WeChat contact."""
    parts = turn.args.split(maxsplit=2)
    if len(parts) < 2 or parts[1] not in METHODS:
        return [Reply(t("caseworker.log.how"))]
    found = await _person_in_scope(turn, services, parts[0], "followup:log")
    if isinstance(found, list):
        return found
    method = METHODS[parts[1]]
    content = (parts[2] if len(parts) > 2 else "").strip()[:500]
    return [Reply(await record_contact(turn, services, found, method, content, turn.now))]


async def record_contact(
    turn: Turn, services: Services, found: RegisterEntry, method: str, content: str, at: datetime
) -> str:
    """One contact record made at `at` (chat: now; console: the date typed), the failed-attempt
    count and the 联系不到 status after FAILED_LIMIT of them; returns what to tell the caseworker.
    """
    assert found.id is not None
    content = content.strip()[:500]
    unreached = any(word in content for word in UNREACHED_WORDS)
    await services.contacts.add(
        ContactRecord(
            id=None, user_id=found.user_id, at=at, method=method,
            content=content or t("caseworker.log.default", "zh", method=method),
            staff=staff_name(turn.user), register_id=found.id,
            outcome=UNREACHED if unreached else REACHED,
        )
    )  # fmt: skip
    repo = services.repos.register
    if unreached:
        tries = await repo.count_failed_attempt(found.id)
        reply = t("caseworker.log.unreached", name=found.name, n=tries)
        if tries >= FAILED_LIMIT and found.status is RegisterStatus.REGISTERED:
            await repo.set_status(
                found.id, RegisterStatus.UNREACHABLE, f"{tries}次联系不到", turn.now
            )
            reply += "\n" + t("caseworker.log.now_unreachable", n=tries)
    else:
        if found.status is RegisterStatus.UNREACHABLE:
            await repo.set_status(found.id, RegisterStatus.REGISTERED, None, turn.now)
        reply = t("caseworker.log.done", name=found.name, method=method)
    await audit_ok(turn, services, "followup:log", f"register:{found.id}",
                   f"{method} {'unreached' if unreached else 'reached'}")  # fmt: skip
    return reply


async def employed_command(turn: Turn, services: Services) -> list[Reply]:
    """就业 <编号> 单位就业|灵活就业|自主创业: registration status 已就业 with how."""
    parts = turn.args.split()
    way = next((w for w in EMPLOYMENT_WAYS if w in parts[1:]), None)
    if len(parts) < 2 or way is None:
        return [Reply(t("caseworker.employed.how"))]
    found = await _person_in_scope(turn, services, parts[0], "followup:employed")
    if isinstance(found, list):
        return found
    assert found.id is not None
    await services.repos.register.set_status(found.id, RegisterStatus.EMPLOYED, way, turn.now)
    if found.user_id is not None:
        await mark_employed(services, found.user_id, way, turn.now)
    await audit_ok(turn, services, "followup:employed", f"register:{found.id}", way)
    return [Reply(t("caseworker.employed.done", name=found.name, way=way))]


def close_reason(text: str) -> str | None:
    """One of CLOSE_REASONS from what was typed ("退休" -> "已退休", "3次拒绝" is not guessed)."""
    typed = text.strip().replace(" ", "")
    if not typed:
        return None
    for reason in CLOSE_REASONS:
        if typed == reason or typed in reason or reason in typed:
            return reason
    return None


async def close_command(turn: Turn, services: Services) -> list[Reply]:
    """注销登记 <编号> <原因>: the registration ends with one of the standard reasons."""
    parts = turn.args.split(maxsplit=1)
    reason = close_reason(parts[1]) if len(parts) == 2 else None
    if reason is None:
        return [Reply(t("caseworker.close.how", reasons="、".join(CLOSE_REASONS)))]
    if reason == "已就业":
        return [Reply(t("caseworker.close.use_employed"))]
    found = await _person_in_scope(turn, services, parts[0], "followup:close")
    if isinstance(found, list):
        return found
    assert found.id is not None
    await services.repos.register.set_status(found.id, RegisterStatus.CLOSED, reason, turn.now)
    await audit_ok(turn, services, "followup:close", f"register:{found.id}", reason)
    return [Reply(t("caseworker.close.done", name=found.name, reason=reason))]


def need_arg(text: str) -> str | None:
    """One of NEEDS from the command ("技能培训", "补贴")."""
    for word in text.split():
        for need in NEEDS:
            if word == need or (len(word) >= 2 and word in need):
                return need
    return None


async def needs_command(turn: Turn, services: Services) -> list[Reply]:
    """需求名单 [需求]: seekers of my district by the help they asked for."""
    args = turn.args
    district = district_arg(args) or turn.user.district
    if not in_scope(turn.user, district):
        return await refuse(turn, services, "followup:needs", district or "")
    need = need_arg(args)
    rows = await services.repos.followups.with_needs(district, need)
    await audit_ok(turn, services, "followup:needs", district, f"{need} {len(rows)}")
    if not rows:
        return [Reply(t("caseworker.needs.none", need=need or ""))]
    lines = [t("caseworker.needs.header", need=need or "", n=len(rows))]
    for row in rows[:OVERDUE_SHOWN]:
        name = row.name or t("caseworker.needs.anonymous")
        ref = f" #{row.register_id}" if row.register_id else ""
        lines.append(f"U{row.user_id}{ref} {name} · {'、'.join(row.needs)} · {row.channel}")
    if len(rows) > OVERDUE_SHOWN:
        lines.append(t("caseworker.overdue.more", n=len(rows) - OVERDUE_SHOWN))
    lines.append(t("caseworker.needs.footer"))
    return [Reply("\n".join(lines))]


async def send_info_command(turn: Turn, services: Services) -> list[Reply]:
    """发送信息 <需求> <内容>: queue the text to every seeker with that need; record each."""
    parts = turn.args.split(maxsplit=1)
    need = need_arg(parts[0]) if parts else None
    text = parts[1].strip() if len(parts) == 2 else ""
    if need is None or not text:
        return [Reply(t("caseworker.info.how"))]
    if len(text) > INFO_MAX:
        return [Reply(t("caseworker.info.too_long", n=INFO_MAX))]
    district = turn.user.district
    if not in_scope(turn.user, district):
        return await refuse(turn, services, "followup:send_info", district or "")
    rows = [r for r in await services.repos.followups.with_needs(district, need) if r.subscribed]
    digest = hashlib.sha256(f"{need}|{text}".encode()).hexdigest()[:12]
    station = turn.user.station or t("caseworker.station_default")
    outbox, sent = services.repos.outbox, 0
    for row in rows:
        users = await services.users.by_id(row.user_id)
        lang = users.lang if users else language.DEFAULT  # a notice to them, in theirs
        reply = Reply(t("caseworker.info.message", lang, station=station, need=need, text=text))
        if not await outbox.add_notice(row.user_id, f"info:{digest}:{row.user_id}", reply,
                                       turn.now):  # fmt: skip
            continue  # the same text went to this person before
        sent += 1
        await services.contacts.add(
            ContactRecord(
                id=None, user_id=row.user_id, at=turn.now,
                method=CONTACT_METHOD.get(Channel(row.channel), "微信"),
                content=t("caseworker.info.record", "zh", need=need, text=text[:100]),
                staff=staff_name(turn.user), register_id=row.register_id,
            )
        )  # fmt: skip
    await audit_ok(turn, services, "followup:send_info", need, f"{sent} queued: {text[:80]}")
    return [Reply(t("caseworker.info.done", need=need, n=sent,
                    skipped=len(rows) - sent))]  # fmt: skip


router = Router("follow-ups")
router.command(
    Command("overdue", ("overdue", "待回访"), overdue_command, True, "caseworker.help.overdue"),
    Command("log", ("log", "记录", "联系记录"), log_command, True, "caseworker.help.log"),
    Command("employed", ("employed", "就业", "登记就业"), employed_command, True,
            "caseworker.help.employed"),
    Command("deregister", ("deregister", "注销登记", "销号"), close_command, True,
            "caseworker.help.close"),
    Command("needs", ("needs", "需求名单"), needs_command, True, "caseworker.help.needs"),
    Command("sendinfo", ("sendinfo", "发送信息"), send_info_command, True,
            "caseworker.help.send_info"),
)  # fmt: skip
