"""Ready-to-paste posts for ordinary WeChat groups, and the "J12" replies they bring back.

No bot may join an ordinary WeChat group, so a caseworker pastes the text: the district's live,
verified jobs, numbered and short, phone numbers masked, each with the words to send us
("回复 J12 获取联系方式", J + our posting id). A reader who sends "J12" gets the job card with the
full contact; the reply is recorded as a contact and counted per posting (群发统计).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from handlers import language
from handlers.caseworker.staff import audit_ok, district_arg, in_scope, refuse
from handlers.context import Services, Turn
from handlers.routing import Command, Router
from handlers.seeker.feedback import CONTACT_METHOD
from handlers.services.cards import contact_text, job_card, pay_text
from handlers.texts import t
from matching.phones import mask_phones
from matching.push_rules import is_held
from matching.taxonomy import CATEGORIES, codes_in, label
from models.delivery import ContactRecord
from models.messages import Reply
from models.posting import Posting, PostingStatus, Trust
from models.register import REACHED
from models.timeutil import local

DEFAULT_LIMIT = 10  # a group message longer than ten jobs is scrolled past
MAX_LIMIT = 30
TITLE_CHARS = 16  # one line per job on a phone screen (about 20 CJK characters wide)
PLACE_CHARS = 10
JOB_CODE = re.compile(r"^[J]\s*(\d{1,9})$")


def job_code(posting_id: int) -> str:
    """What a reader sends to get a job's contact: "J12"."""
    return f"J{posting_id}"


def _clip(text: str, size: int) -> str:
    """Cut to `size` characters; a cut inside a (masked) phone number drops the number's rest."""
    if len(text) <= size:
        return text
    return re.sub(r"[\d*\s-]+$", "", text[: size - 1]) + "…"


def group_post_text(
    postings: Sequence[Posting],
    district: str,
    today: datetime,
    category: str | None = None,
) -> str:
    """The group message: header, numbered jobs with their reply codes, how to subscribe."""
    what = label(category, language.current()) if category else ""
    lines = [t("caseworker.group.header", district=district, what=what,
               date=f"{today.month}/{today.day}")]  # fmt: skip
    if not postings:
        lines.append(t("caseworker.group.empty"))
    for n, posting in enumerate(postings, start=1):
        assert posting.id is not None
        parts = [_clip(mask_phones(posting.title), TITLE_CHARS)]
        place = posting.address or ""
        if place:
            parts.append(_clip(mask_phones(place), PLACE_CHARS))
        pay = pay_text(posting.pay)
        if pay:
            parts.append(pay)
        verified = posting.trust is Trust.VERIFIED or posting.verified_at is not None
        badge = t("caseworker.group.verified") if verified else ""
        lines.append(f"{n}. {badge}{' · '.join(parts)}")
        lines.append("   " + t("caseworker.group.reply", code=job_code(posting.id)))
    lines.append(t("caseworker.group.subscribe"))
    lines.append(t("delivery.card.safety"))
    return "\n".join(lines)


async def build_group_post(
    services: Services,
    district: str,
    now: datetime,
    *,
    category: str | None = None,
    limit: int = DEFAULT_LIMIT,
    verified_only: bool = True,
) -> tuple[str, list[Posting]]:
    """The text and the postings it lists (live, low-risk, verified unless told otherwise)."""
    live = await services.repos.outreach.group_post_candidates(
        district, now, category=category, verified_only=verified_only
    )
    ids = [i for i, risk in live if not is_held(risk, services.policy)]
    ids = ids[: max(1, min(limit, MAX_LIMIT))]
    found = await services.postings.many(ids)
    postings = [found[i] for i in ids if i in found]
    with language.speaking(language.DEFAULT):  # for WeChat groups: Chinese, whoever asks
        return group_post_text(postings, district, local(now), category), postings


def category_arg(text: str) -> str | None:
    """A category letter or name in the command ("群发文案 西青区 保洁" -> "A")."""
    for word in text.split():
        if len(word) == 1 and word.upper() in CATEGORIES:
            return word.upper()
    codes = codes_in(text)
    return codes[0] if codes else None


async def group_post_command(turn: Turn, services: Services) -> list[Reply]:
    """群发文案 [区] [类别]: the ready-to-paste text for the district's WeChat groups."""
    args = turn.args
    district = district_arg(args) or turn.user.district
    if district is None:
        return [Reply(t("caseworker.need_district"))]
    if not in_scope(turn.user, district):
        return await refuse(turn, services, "group_post:text", district)
    category = category_arg(args)
    text, postings = await build_group_post(services, district, turn.now, category=category)
    await audit_ok(turn, services, "group_post:text", district,
                   " ".join(job_code(p.id or 0) for p in postings))  # fmt: skip
    return [Reply(t("caseworker.group.intro", n=len(postings))), Reply(text)]


async def group_stats_command(turn: Turn, services: Services) -> list[Reply]:
    """群发统计 [区]: replies per posting to the district's group posts."""
    district = district_arg(turn.args) or turn.user.district
    if not in_scope(turn.user, district):
        return await refuse(turn, services, "group_post:stats", district or "")
    counts = await services.repos.outreach.reply_counts(district)
    await audit_ok(turn, services, "group_post:stats", district)
    if not counts:
        return [Reply(t("caseworker.group.stats_none", district=district or ""))]
    lines = [t("caseworker.group.stats_header", district=district or "")]
    lines += [t("caseworker.group.stats_line", code=job_code(c.posting_id),
                title=_clip(c.title, TITLE_CHARS), replies=c.replies, people=c.people)
              for c in counts]  # fmt: skip
    return [Reply("\n".join(lines))]


def read_job_code(text: str) -> int | None:
    """The posting id in "J12", "j 12", "Ｊ１２"; None for anything else."""
    m = JOB_CODE.match(unicodedata.normalize("NFKC", text).strip().upper())
    return int(m.group(1)) if m else None


async def job_code_fallback(turn: Turn, services: Services) -> list[Reply] | None:
    """A reader of a group post sent "J12": the card with the full contact, counted."""
    if turn.msg.payload is not None:
        return None
    posting_id = read_job_code(turn.text)
    if posting_id is None:
        return None
    posting = await services.postings.get(posting_id)
    if posting is None:
        return [Reply(t("caseworker.jcode.unknown", code=job_code(posting_id)))]
    await services.repos.outreach.record_reply(posting_id, turn.user.id, turn.now)
    entry = await services.repos.register.by_user(turn.user.id)
    await services.contacts.add(
        ContactRecord(
            id=None, user_id=turn.user.id, at=turn.now,
            method=CONTACT_METHOD.get(turn.user.channel, "微信"),
            content=t("caseworker.jcode.record", "zh", code=job_code(posting_id),
                      title=posting.title[:40]),
            register_id=entry.id if entry else None, outcome=REACHED,
        )
    )  # fmt: skip
    live = posting.status is PostingStatus.PUBLISHED and (
        posting.expires_at is None or posting.expires_at > turn.now
    )
    if not live:
        return [Reply(t("caseworker.jcode.closed", title=posting.title))]
    # The card without its masked contact line: the full contact follows right below it.
    card = job_card(posting.with_(contact=None, phones=()), "")
    contact = contact_text(posting, masked=False) or t("caseworker.jcode.no_contact")
    extra = t("caseworker.jcode.contact", contact=contact)
    profile = await services.seekers.get(turn.user.id)
    if profile is None or profile.completed_at is None:
        extra += "\n" + t("caseworker.jcode.subscribe")
    return [Reply(f"{card.text}\n{extra}", card.choices)]


router = Router("group posts")
router.command(
    Command("grouppost", ("grouppost", "群发文案"), group_post_command, True,
            "caseworker.help.group_post"),
    Command("groupstats", ("groupstats", "群发统计"), group_stats_command, True,
            "caseworker.help.group_stats"),
)  # fmt: skip
# "J12" is ours even mid-dialog, before the employer-post and seeker readers.
router.fallback(job_code_fallback, before_flows=True)
