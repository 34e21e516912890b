"""Roles and invite codes: staff join with a one-time code, seekers link to the register.

- 加入 CODE / /join CODE: a staff code (from `yizhan staff invite` or an admin's 员工邀请) makes
  the sender a caseworker or admin of its district; failed tries are audited.
- 邀请码 CODE, a Telegram deep link (/start CODE: a START event), a WeChat QR scene, or
  just the code as the first message: a seeker's register code links the chat identity to the
  register row and pre-fills the form (文化程度, 专业/技能, 所属区); onboarding asks the rest.
- 邀请名单: a caseworker's list of people not yet linked, with each person's invite text.
Every staff command is `staff_only` (the router refuses and audits others); allowed staff
actions are audited here through `audit_ok`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from handlers import language
from handlers.context import Services, Turn
from handlers.routing import Command, Router

# The seekers' commands register before ours, so they lead 帮助 and the Telegram menu whichever
# module a process (or a test) imports first.
from handlers.seeker import commands as _seeker_commands  # noqa: F401
from handlers.seeker import onboarding
from handlers.seeker.answers import read_education
from handlers.texts import t
from matching.districts import TIANJIN_DISTRICTS, find_districts
from models.messages import EventKind, Reply
from models.register import RegisterEntry, RegisterStatus
from models.repos.staff import STAFF_PREFIX
from models.user import User
from models.values import Role

_STAFF_CODE = re.compile(rf"^{STAFF_PREFIX}[0-9A-Z]{{7}}$")
_SEEKER_CODE = re.compile(r"^[0-9A-Z]{6}$")
_INVITE_WORDS = ("邀请码", "邀请", "invite")
INVITES_SHOWN = 30  # people per 邀请名单 message; the CLI lists everyone
# Guessing codes: a person gets 5 wrong codes per 10 minutes, a whole channel 60 a minute
# (a station hands out a few codes a day; 2,000 guesses then take 33 minutes, not 15 s).
# Counted from the audit log, so the limits hold across restarts and workers.
WRONG_CODE_ACTIONS = ("staff:join", "invite:redeem")
CODE_TRIES_PER_USER = 5
CODE_USER_WINDOW = timedelta(minutes=10)
CODE_TRIES_PER_CHANNEL = 60
CODE_CHANNEL_WINDOW = timedelta(minutes=1)


def normal_code(text: str) -> str:
    """A typed code as stored: full-width to half-width, no spaces, upper case."""
    return re.sub(r"[\s:：#]", "", unicodedata.normalize("NFKC", text)).upper()


def staff_name(user: User) -> str:
    """How contact records and audit lines name a staff member."""
    return user.display_name or (f"{user.station}" if user.station else str(user.key))


def in_scope(user: User, district: str | None) -> bool:
    """Admins act everywhere; a caseworker only in their own district."""
    return user.role is Role.ADMIN or (district is not None and district == user.district)


def scope_districts(user: User) -> tuple[str, ...]:
    """The districts whose people a user may see in any page or export: the whole city for an
    admin, their own district for a caseworker (none when it is not set)."""
    if user.role is Role.ADMIN:
        return TIANJIN_DISTRICTS
    return (user.district,) if user.district else ()


async def audit_ok(
    turn: Turn, services: Services, action: str, target: str | None = None, detail: str = ""
) -> None:
    """Write an allowed staff action to the audit log."""
    await services.audit.record(
        str(turn.msg.key), action, allowed=True, now=turn.now, target=target,
        detail=detail[:200] or None,
    )  # fmt: skip


async def refuse(turn: Turn, services: Services, action: str, detail: str = "") -> list[Reply]:
    """Audit a refused privileged action and say no politely."""
    await services.audit.record(
        str(turn.msg.key), action, allowed=False, now=turn.now, detail=detail[:200] or None
    )
    return [Reply(t("error.not_allowed"))]


def district_arg(text: str) -> str | None:
    """The first district a command names ("群发文案 西青 A" -> "西青区")."""
    found = find_districts(text)
    return found[0] if found else None


# --- redeeming codes ---------------------------------------------------------------------------


async def redeem(
    turn: Turn, services: Services, raw: str, typed_as_code: bool = True
) -> list[Reply] | None:
    """Use a staff or register code; None when the text is no known code.

    Text that only looks like a code (a bare message) is not refused as a bad code unless
    such a staff code exists; then a used or expired one is refused and audited.
    """
    code = normal_code(raw)
    if not (_STAFF_CODE.match(code) or _SEEKER_CODE.match(code)):
        return None
    wait = await code_throttle(turn, services)
    if wait is not None:  # a bare message is then simply not taken as a code
        return [Reply(t("caseworker.code.throttled", minutes=wait))] if typed_as_code else None
    if _STAFF_CODE.match(code):
        if not typed_as_code and await services.repos.staff.get(code) is None:
            await _wrong_code(turn, services, code)
            return None
        return await _join_staff(turn, services, code)
    entry = await services.repos.register.by_invite(code)
    if entry is not None:
        return await link_register(turn, services, entry)
    await _wrong_code(turn, services, code)
    return None


async def code_throttle(turn: Turn, services: Services) -> int | None:
    """Minutes to wait before this person may try another code; None when they may now."""
    actor = str(turn.msg.key)
    mine = await services.audit.refused_since(
        WRONG_CODE_ACTIONS, turn.now - CODE_USER_WINDOW, actor=actor
    )
    if mine >= CODE_TRIES_PER_USER:
        return int(CODE_USER_WINDOW.total_seconds() // 60)
    channel = await services.audit.refused_since(
        WRONG_CODE_ACTIONS, turn.now - CODE_CHANNEL_WINDOW,
        actor_prefix=f"{turn.msg.key.channel.value}:",
    )  # fmt: skip
    if channel >= CODE_TRIES_PER_CHANNEL:
        return max(1, int(CODE_CHANNEL_WINDOW.total_seconds() // 60))
    return None


async def _wrong_code(turn: Turn, services: Services, code: str) -> None:
    await services.audit.record(
        str(turn.msg.key), "invite:redeem", allowed=False, now=turn.now, target=code[:20]
    )


async def _join_staff(turn: Turn, services: Services, code: str) -> list[Reply]:
    invite = await services.repos.staff.redeem(code, turn.user.id, turn.now)
    if invite is None:
        await services.audit.record(
            str(turn.msg.key), "staff:join", allowed=False, now=turn.now, target=code
        )
        return [Reply(t("caseworker.join.invalid"))]
    await services.users.set_role(turn.user.id, invite.role, invite.district, invite.station)
    await audit_ok(turn, services, "staff:join", code, f"{invite.role.value} {invite.district}")
    role = t(f"caseworker.role.{invite.role.value}")
    where = invite.district or t("caseworker.everywhere")
    station = invite.station or ""
    return [Reply(t("caseworker.join.done", role=role, district=where, station=station))]


async def link_register(turn: Turn, services: Services, entry: RegisterEntry) -> list[Reply]:
    """Bind this chat identity to a register row, pre-fill the form, continue onboarding."""
    assert entry.id is not None
    repo = services.repos.register
    if entry.user_id is not None and entry.user_id != turn.user.id:
        return [Reply(t("caseworker.invite.used"))]
    mine = await repo.by_user(turn.user.id)
    if mine is not None and mine.id != entry.id:
        return [Reply(t("caseworker.invite.other"))]
    if entry.user_id is None:
        await repo.link(entry.id, turn.user.id)
    greeting = Reply(t("caseworker.invite.linked", name=entry.name,
                       district=entry.district or ""))  # fmt: skip
    profile = await services.seekers.get(turn.user.id)
    if profile is not None and profile.completed_at is not None:
        return [greeting]
    await prefill(turn, services, entry)
    return [greeting, *await onboarding.start(turn, services, read_message=False)]


async def prefill(turn: Turn, services: Services, entry: RegisterEntry) -> None:
    """Copy what the register knows into the profile where the profile is still empty."""
    stored = await services.seekers.get(turn.user.id)
    profile = stored or onboarding.new_profile(turn, services)
    changes: dict[str, object] = {}
    education = read_education(entry.education) if entry.education else None
    if profile.education is None and education is not None:
        changes["education"] = education
    if not profile.skills and entry.skills:
        changes["skills"] = entry.skills[:100]
    if not profile.districts and entry.district:
        changes["districts"] = (entry.district,)
    if changes or stored is None:
        await services.seekers.save(profile.with_(**changes), turn.now)


async def join_command(turn: Turn, services: Services) -> list[Reply]:
    """加入 CODE / 邀请码 CODE: a staff code or a seeker's register code."""
    code = turn.args
    if not code:
        return [Reply(t("caseworker.join.how"))]
    replies = await redeem(turn, services, code)
    if replies is not None:
        return replies
    if not (_STAFF_CODE.match(normal_code(code)) or _SEEKER_CODE.match(normal_code(code))):
        await _wrong_code(turn, services, code)  # not even shaped like a code: still a try
    return [Reply(t("caseworker.join.invalid"))]


async def code_fallback(turn: Turn, services: Services) -> list[Reply] | None:
    """A deep link (/start CODE, a QR scene) or a bare code typed as a message."""
    event = turn.msg.event
    if event is not None and event.kind == EventKind.START and event.arg:
        return await redeem(turn, services, event.arg, typed_as_code=False)
    text = turn.text
    if turn.msg.payload is None and 6 <= len(text) <= 12:
        return await redeem(turn, services, text, typed_as_code=False)
    return None


# --- staff commands ----------------------------------------------------------------------------


def invite_how(code: str, bot_username: str | None) -> str:
    """How a person uses their code: a t.me link when the bot's name is known, else the code."""
    if bot_username:
        link = f"https://t.me/{bot_username.lstrip('@')}?start={code}"
        return t("caseworker.invite.how_link", link=link, code=code)
    return t("caseworker.invite.how_code", code=code)


def staff_how(code: str, bot_username: str | None) -> str:
    """How a new colleague uses a staff code: "加入 CODE" in chat, or the t.me link."""
    how = t("caseworker.cli.join_with", code=code)
    if bot_username:
        link = f"https://t.me/{bot_username.lstrip('@')}?start={code}"
        how += "\n" + t("caseworker.staff_link", link=link)
    return how


def invite_text(entry: RegisterEntry, station: str | None, bot_username: str | None) -> str:
    """The message a caseworker sends one person (SMS or WeChat), always in Chinese."""
    assert entry.invite_code is not None
    with language.speaking(language.DEFAULT):
        return t(
            "caseworker.invite.message", name=entry.name,
            station=station or t("caseworker.station_default"),
            how=invite_how(entry.invite_code, bot_username),
        )  # fmt: skip


async def invites_command(turn: Turn, services: Services) -> list[Reply]:
    """邀请名单: people of my district not yet linked, each with the invite text to send."""
    user = turn.user
    district = district_arg(turn.args) or user.district
    if not in_scope(user, district):
        return await refuse(turn, services, "staff:invites", district or "")
    people = await services.repos.register.in_district(district)
    open_ = [p for p in people if p.user_id is None and p.status is RegisterStatus.REGISTERED]
    await audit_ok(turn, services, "staff:invites", district, f"{len(open_)} open")
    if not open_:
        return [Reply(t("caseworker.invites.none", district=district or ""))]
    lines = [t("caseworker.invites.header", district=district or "",
               linked=len(people) - len(open_), total=len(people))]  # fmt: skip
    for p in open_[:INVITES_SHOWN]:
        lines.append(f"#{p.id} {p.name} {p.phone or ''}")
        lines.append("   " + invite_text(p, user.station, services.policy.telegram_bot_username))
    if len(open_) > INVITES_SHOWN:
        lines.append(t("caseworker.invites.more", n=len(open_) - INVITES_SHOWN))
    return [Reply("\n".join(lines))]


async def staff_invite_command(turn: Turn, services: Services) -> list[Reply]:
    """员工邀请 区 [caseworker|admin] [驿站]: an admin creates a one-time staff code."""
    if turn.user.role is not Role.ADMIN:
        return await refuse(turn, services, "staff:invite", turn.text)
    args = turn.args.split()
    district = district_arg(" ".join(args[:1])) if args else None
    role = Role.ADMIN if any(a.lower() in ("admin", "管理员") for a in args) else Role.CASEWORKER
    if role is Role.CASEWORKER and district is None:
        return [Reply(t("caseworker.staff_invite.how"))]
    station = next((a for a in args[1:] if a.lower() not in
                    ("admin", "caseworker", "管理员", "工作人员")), None)  # fmt: skip
    invite = await services.repos.staff.create_invite(
        role, district, station, str(turn.msg.key), turn.now
    )
    await audit_ok(turn, services, "staff:invite", invite.code, f"{role.value} {district}")
    how = staff_how(invite.code, services.policy.telegram_bot_username)
    return [Reply(t("caseworker.staff_invite.done", code=invite.code,
                    role=t(f"caseworker.role.{role.value}"),
                    district=district or t("caseworker.everywhere"), how=how,
                    days=(invite.expires_at - invite.created_at).days))]  # fmt: skip


router = Router("staff")
router.command(
    Command("join", ("join", "加入"), join_command, help_key="caseworker.help.join"),
    Command("invite", _INVITE_WORDS, join_command),
    Command("invites", ("invites", "邀请名单"), invites_command, True, "caseworker.help.invites"),
    Command("staffinvite", ("staffinvite", "员工邀请"), staff_invite_command, True,
            "caseworker.help.staff_invite"),
)  # fmt: skip
# A code or deep link wins over any flow (and over job codes, included after this router).
router.fallback(code_fallback, before_flows=True)
